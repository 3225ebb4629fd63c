/**
 * The extension host's side of the workspace index: starts its worker thread on first use, makes
 * the requests of indexProtocol.ts, and survives the thread's end — a crash fails what was in
 * flight with a message that says so, and the next request starts a new thread (which the owner
 * opens again: `onRestart`). Stopping saves the index first, within a bound.
 */
import {Worker} from "node:worker_threads";
import {RpcClient} from "../engine/channel/rpcClient";
import type {LogLevel} from "../engine/channel/rpcMessages";
import {ThreadTransport} from "../engine/channel/transport";
import {indexMessages, type BuildProgress, type IndexFailure, type IndexedFolder, type IndexMethods, type IndexNotifications} from "./indexProtocol";

export class IndexError extends Error {
    constructor(message: string, readonly cancelled = false) {
        super(message);
        this.name = "IndexError";
    }
}

export interface IndexClientOptions {
    /** dist/indexWorker.cjs */
    workerPath: string;
    log(level: LogLevel, message: string): void;
    /** A build of a large workspace sends progress; anything else answers within this. */
    requestTimeoutMs?: number;
}

type Rpc = RpcClient<IndexMethods, IndexNotifications, IndexFailure>;

const saveOnStopMs = 5_000;

export class IndexClient {
    private thread: {worker: Worker; rpc: Rpc; exited: Promise<void>} | undefined;
    /** Bumped each time a thread starts, so the owner can tell that it must open the folders again. */
    private generation = 0;

    constructor(private readonly options: IndexClientOptions) {}

    /** Changes each time a new thread starts (it knows no folder until opened). */
    get threadGeneration(): number {
        return this.generation;
    }

    get isRunning(): boolean {
        return this.thread !== undefined;
    }

    open(folders: IndexedFolder[], grammarsFolder: string) {
        return this.rpc().request("open", {folders, grammarsFolder});
    }

    build(signal: AbortSignal, onProgress: (progress: BuildProgress) => void) {
        return this.rpc().request("build", {}, {signal, onEvent: onProgress, timeoutMs: 2 ** 31 - 1});
    }

    update(rootPath: string, paths: string[]) {
        return this.rpc().request("update", {rootPath, paths});
    }

    overlay(rootPath: string, path: string, text: string | null) {
        return this.rpc().request("overlay", {rootPath, path, text});
    }

    search(query: string, limit: number, signal?: AbortSignal) {
        return this.rpc().request("search", {query, limit}, {signal});
    }

    status() {
        return this.rpc().request("status", {});
    }

    /** Saves and ends the thread. */
    async stop(): Promise<void> {
        const thread = this.thread;
        if (!thread) return;
        await Promise.race([thread.rpc.request("save", {}).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, saveOnStopMs).unref())]);
        await thread.worker.terminate();
        await thread.exited;
    }

    private rpc(): Rpc {
        if (this.thread) return this.thread.rpc;
        const worker = new Worker(this.options.workerPath, {stdout: false, stderr: false});
        let exitCode: number | undefined;
        let failure: Error | undefined;
        worker.on("error", (error) => {
            failure = error;
            this.options.log("error", `The workspace index stopped: ${error.stack ?? error.message}`);
        });
        const exited = new Promise<void>((resolve) =>
            worker.once("exit", (code) => {
                exitCode = code;
                if (this.thread?.worker === worker) this.thread = undefined;
                resolve();
            })
        );
        const rpc: Rpc = new RpcClient(new ThreadTransport(worker, () => void worker.terminate()), {
            messages: indexMessages,
            requestTimeoutMs: this.options.requestTimeoutMs ?? 60_000,
            cancelGraceMs: 2_000,
            log: (level, message) => this.options.log(level, message),
            errors: {
                aborted: () => new IndexError("Cancelled.", true),
                timeout: (ms) => new IndexError(`The workspace index did not answer within ${Math.round(ms / 1000)} s.`),
                closed: () =>
                    new IndexError(
                        failure
                            ? `The workspace index stopped unexpectedly (${failure.message}). It starts again with the next question.`
                            : `The workspace index is not running${exitCode !== undefined ? ` (it exited with code ${exitCode})` : ""}. It starts again with the next question.`
                    ),
                malformedResult: (method, detail) => new IndexError(`The workspace index sent a malformed ${method} result: ${detail}`),
                fromData: (data) => new IndexError(data.message, data.cancelled)
            }
        });
        this.thread = {worker, rpc, exited};
        this.generation++;
        return rpc;
    }
}
