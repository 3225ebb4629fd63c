/**
 * Host side of a download: forks the download process, asks it for the download over the RPC
 * channel (src/engine/channel/, on the child's IPC), relays progress, and makes cancel final — the
 * request is cancelled, and the process killed if it hasn't exited within a grace period; either
 * way every connection it had is closed when `cancel()` resolves. Imports nothing from
 * node-llama-cpp, so the CommonJS extension bundle can use it.
 */
import {fork} from "node:child_process";
import {RpcClient} from "../engine/channel/rpcClient";
import type {LogLevel} from "../engine/channel/rpcMessages";
import {IpcTransport} from "../engine/channel/transport";
import {exitOf, nodeCommand, stopWithin, type NodeProcessOptions, type ProcessExit} from "../engine/nodeProcess";
import {
    downloadCancelled,
    downloadMessages,
    fromFailure,
    type DownloadMethods,
    type DownloadNotifications,
    type DownloadProgress,
    type DownloadRequest,
    type DownloadSettings,
    type DownloadedModel,
    type ModelFailure
} from "./downloadProtocol";
import {ModelError} from "./errors";

export interface DownloadProcessOptions extends NodeProcessOptions {
    /** The download process entry: its bundle in the extension; `src/models/downloadProcess.ts` with tsx in tests. */
    readonly processPath: string;
    readonly onProgress?: (progress: DownloadProgress) => void;
    /** How long a cancelled process may take to stop by itself before it is killed. */
    readonly cancelGraceMs?: number;
    /** What the channel has to say: the process's own log lines, and messages it sent that were malformed and ignored. */
    readonly log?: (level: LogLevel, message: string) => void;
}

export interface DownloadHandle {
    /** The installed model, or a ModelError (code "Cancelled" after `cancel()`). */
    readonly result: Promise<DownloadedModel>;
    /** Stops the download; resolves once the process has exited. */
    cancel(): Promise<void>;
    readonly pid: number | undefined;
}

const stderrTailBytes = 4096;
const defaultCancelGraceMs = 2000;
/**
 * The channel's watchdog, effectively off (the largest timer Node keeps): the download bounds
 * itself — reachability, preparation and stall timeouts — and checking a large file's SHA-256 sends
 * nothing for minutes. A process that dies instead fails the request at once.
 */
const noWatchdogMs = 2 ** 31 - 1;

export function startDownload(request: DownloadRequest, settings: DownloadSettings, options: DownloadProcessOptions): DownloadHandle {
    const {execPath, execArgv, env} = nodeCommand(options);
    const child = fork(options.processPath, [], {execPath, execArgv, env, serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"]});
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-stderrTailBytes);
    });
    // Kept for the whole life of the child: a send to a process that is gone is reported as an 'error' event.
    let startError: Error | undefined;
    child.on("error", (error) => {
        startError ??= error;
    });
    const exit = exitOf(child);
    const cancelGraceMs = options.cancelGraceMs ?? defaultCancelGraceMs;
    const controller = new AbortController();
    const notStarted = (): ModelError => new ModelError("DownloadFailed", "The download could not be started.", [], startError?.message);
    const ended = (how: ProcessExit): ModelError =>
        child.pid === undefined
            ? notStarted()
            : controller.signal.aborted
                ? downloadCancelled()
                : new ModelError("DownloadFailed", "The download process stopped unexpectedly.", [], `exit code ${how.code}, signal ${how.signal}; ${stderr.trim()}`);

    const rpc = new RpcClient<DownloadMethods, DownloadNotifications, ModelFailure>(new IpcTransport(child), {
        messages: downloadMessages,
        // How the process ended says why the download failed; that is known once it has exited.
        failsInFlightItself: true,
        requestTimeoutMs: noWatchdogMs,
        cancelGraceMs,
        log: options.log ?? (() => undefined),
        errors: {
            aborted: downloadCancelled,
            timeout: (ms) => new ModelError("Stalled", `The download process sent nothing for ${Math.round(ms / 1000)} s.`),
            closed: () => (child.pid === undefined ? notStarted() : new ModelError("DownloadFailed", "The download process is not running.")),
            malformedResult: (method, detail) => new ModelError("DownloadFailed", `The download process sent a malformed ${method} result.`, [], detail),
            fromData: fromFailure
        }
    });
    const result = rpc.request("download", {request, settings}, {signal: controller.signal, onEvent: (progress) => options.onProgress?.(progress)});
    void exit.then((how) => rpc.failAll(() => ended(how)));
    // Handled here too, so a caller that only cancels doesn't leave an unhandled rejection behind.
    result.catch(() => undefined);

    return {
        result,
        pid: child.pid,
        async cancel(): Promise<void> {
            // The channel sends the cancel; the process answers "Cancelled" and exits, or is killed after the grace.
            controller.abort();
            await stopWithin(child, exit, cancelGraceMs);
        }
    };
}
