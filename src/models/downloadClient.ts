/**
 * Host side of a download: forks the download process, relays progress, and makes cancel final —
 * the process is asked to stop, and killed if it hasn't exited within a grace period; either way
 * every connection it had is closed when `cancel()` resolves. Imports nothing from node-llama-cpp,
 * so the CommonJS extension bundle can use it.
 */
import {fork, type ChildProcess} from "node:child_process";
import type {DownloadRequest, DownloadSettings, DownloadedModel} from "./download";
import type {DownloadProgress} from "./downloadProgress";
import {isFromDownloadProcess, type ToDownloadProcess} from "./downloadProtocol";
import {ModelError} from "./errors";

export interface DownloadProcessOptions {
    /** The download process entry: its bundle in the extension; `src/models/downloadProcess.ts` with tsx in tests. */
    readonly processPath: string;
    /** Node flags for the process (tests: `["--import", "tsx"]`). Default none: the host's own flags are not for it. */
    readonly execArgv?: readonly string[];
    readonly execPath?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly onProgress?: (progress: DownloadProgress) => void;
    /** How long a cancelled process may take to stop by itself before it is killed. */
    readonly cancelGraceMs?: number;
}

export interface DownloadHandle {
    /** The installed model, or a ModelError (code "Cancelled" after `cancel()`). */
    readonly result: Promise<DownloadedModel>;
    /** Stops the download; resolves once the process has exited. */
    cancel(): Promise<void>;
    readonly pid: number | undefined;
}

const stderrTailBytes = 4096;

export function startDownload(request: DownloadRequest, settings: DownloadSettings, options: DownloadProcessOptions): DownloadHandle {
    const child: ChildProcess = fork(options.processPath, [], {
        execPath: options.execPath ?? process.execPath,
        execArgv: [...(options.execArgv ?? [])],
        env: {...process.env, ...options.env, ELECTRON_RUN_AS_NODE: "1"},
        serialization: "advanced",
        stdio: ["ignore", "ignore", "pipe", "ipc"]
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-stderrTailBytes);
    });

    const exited = new Promise<void>((resolve) => {
        if (child.exitCode != null || child.signalCode != null) resolve();
        else child.once("exit", () => resolve());
    });
    let cancelled = false;
    let settled: DownloadedModel | ModelError | undefined;

    const result = new Promise<DownloadedModel>((resolve, reject) => {
        child.on("message", (raw: unknown) => {
            if (!isFromDownloadProcess(raw) || settled != null) return;
            if (raw.type === "progress") {
                options.onProgress?.(raw.progress);
            } else if (raw.type === "done") {
                settled = raw.result;
                resolve(raw.result);
            } else {
                settled = new ModelError(raw.error.code, raw.error.message, raw.error.problems, raw.error.detail);
                reject(settled);
            }
        });
        child.once("error", (error) => {
            if (settled != null) return;
            settled = new ModelError("DownloadFailed", "The download could not be started.", [], error.message);
            reject(settled);
        });
        void exited.then(() => {
            if (settled != null) return;
            settled = cancelled
                ? new ModelError("Cancelled", "The download was cancelled. Start it again to resume where it stopped.")
                : new ModelError("DownloadFailed", "The download process stopped unexpectedly.", [], `exit code ${child.exitCode}, signal ${child.signalCode}; ${stderr.trim()}`);
            reject(settled);
        });
    });

    // Handled here too, so a caller that only cancels doesn't leave an unhandled rejection behind.
    result.catch(() => undefined);
    const message: ToDownloadProcess = {type: "start", request, settings};
    sendTo(child, message);

    return {
        result,
        pid: child.pid,
        async cancel(): Promise<void> {
            if (child.exitCode != null || child.signalCode != null) return;
            cancelled = true;
            sendTo(child, {type: "cancel"});
            const grace = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), options.cancelGraceMs ?? 2000).unref());
            if ((await Promise.race([exited.then(() => "exited" as const), grace])) === "late") child.kill("SIGKILL");
            await exited;
        }
    };
}

/** A process that failed to start or already exited can't be written to; its exit handler reports why. */
function sendTo(child: ChildProcess, message: ToDownloadProcess): void {
    try {
        if (child.connected) child.send(message);
    } catch {
        // reported through 'error' / 'exit'
    }
}
