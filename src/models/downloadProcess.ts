/**
 * The download process: one download, then exit. The extension forks it (downloadClient.ts) so that
 * ending the process ends every socket node-llama-cpp's downloader opened — including requests it
 * cannot cancel itself — and so that a cancel is final. It answers the `download` request of
 * downloadProtocol.ts over the same RPC layer as the model process, on its IPC channel. Entry point
 * of its own bundle.
 */
import {RpcServer} from "../engine/channel/rpcServer";
import {IpcTransport} from "../engine/channel/transport";
import {downloadModel} from "./download";
import {downloadCancelled, downloadMessages, toFailure, type DownloadMethods, type DownloadNotifications, type ModelFailure} from "./downloadProtocol";
import {ModelError} from "./errors";

/** How long a download whose extension went away gets to wind down before the process exits anyway. */
const orphanGraceMs = 3000;

const isAnswer = (message: unknown): boolean =>
    typeof message === "object" && message != null && "type" in message && (message.type === "result" || message.type === "error");

/**
 * The process's end of its IPC channel. The answer (result or error) is the last thing it sends:
 * it is handed to the OS before the process exits — a plain send still queued would be lost by
 * `process.exit` — and the exit, not a wait for stray sockets or retry timers, is what ends the
 * downloader's connections.
 */
class AnswerThenExit extends IpcTransport {
    override send(message: unknown): boolean {
        if (!isAnswer(message)) return super.send(message);
        void this.flush(message).then(() => process.exit(0));
        return true;
    }
}

const transport = new AnswerThenExit(process);
const server: RpcServer<DownloadMethods, DownloadNotifications, ModelFailure> = new RpcServer(
    transport,
    {
        messages: downloadMessages,
        handlers: {
            download: ({request, settings}, signal, emit) => downloadModel(request, {...settings, signal, onProgress: emit})
        },
        // A download stopped by a cancel (or by the extension going away) was cancelled, whatever it failed with on the way out.
        toErrorData: (error, aborted) => toFailure(aborted && !(error instanceof ModelError && error.code === "Cancelled") ? downloadCancelled() : error),
        invalidRequest: (method, detail) => ({code: "DownloadFailed", message: `The download process was sent an invalid ${method} request.`, problems: [], detail})
    },
    (detail) => server.log("error", `The download process ignored a malformed message: ${detail}`)
);

// The extension went away: the server has aborted the download, which answers (to no one) and exits.
transport.onClose(() => {
    if (server.activeCount === 0) process.exit(0);
    setTimeout(() => process.exit(0), orphanGraceMs).unref();
});
