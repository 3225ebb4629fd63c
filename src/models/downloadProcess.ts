/**
 * The download process: one download, then exit. The extension forks it (downloadClient.ts) so that
 * ending the process ends every socket node-llama-cpp's downloader opened — including requests it
 * cannot cancel itself — and so that a cancel is final. Entry point of its own bundle.
 */
import {downloadModel} from "./download";
import {isToDownloadProcess, type FromDownloadProcess} from "./downloadProtocol";
import {ModelError, describeError} from "./errors";

const controller = new AbortController();
let started = false;

function send(message: FromDownloadProcess): Promise<void> {
    return new Promise((resolve) => {
        if (process.send == null || !process.connected) {
            resolve();
            return;
        }
        process.send(message, undefined, {}, () => resolve());
    });
}

process.on("message", (raw: unknown) => {
    if (!isToDownloadProcess(raw)) return;
    if (raw.type === "cancel") {
        controller.abort();
        return;
    }
    if (started) return;
    started = true;
    void (async () => {
        try {
            const result = await downloadModel(raw.request, {
                ...raw.settings,
                signal: controller.signal,
                onProgress: (progress) => void send({type: "progress", progress})
            });
            await send({type: "done", result});
        } catch (error) {
            const failure = error instanceof ModelError
                ? {code: error.code, message: error.message, problems: error.problems, detail: error.detail}
                : {code: "DownloadFailed" as const, message: "The download failed.", problems: [], detail: describeError(error)};
            await send({type: "failed", error: failure});
        } finally {
            // Exit rather than wait for stray sockets or retry timers: that is the point of this process.
            process.exit(0);
        }
    })();
});

// The extension went away: stop (a running download exits through its `finally`).
process.on("disconnect", () => {
    controller.abort();
    if (!started) process.exit(0);
    setTimeout(() => process.exit(0), 3000).unref();
});
