/**
 * One model process. It is a child process, not a worker thread: terminating a thread in the middle
 * of llama.cpp work aborted the whole host (DESIGN.md), while a killed child leaves the host intact
 * and returns all of the model's memory to the system.
 */
import {fork, type ChildProcess} from "node:child_process";
import {EngineError} from "./errors";
import {parseWorkerMessage, type HostMessage, type LogLevel, type WorkerMessage} from "./protocol";

export interface WorkerProcessOptions {
    /** The built ESM worker bundle (`dist/worker.mjs`). */
    workerPath: string;
    /** Defaults to `process.execPath`: Electron's binary in desktop VS Code, run as Node below. */
    execPath?: string;
    env?: NodeJS.ProcessEnv;
    startTimeoutMs?: number;
    log(level: LogLevel, message: string): void;
}

export interface WorkerExit {
    code: number | null;
    signal: NodeJS.Signals | null;
}

export class WorkerProcess {
    readonly exited: Promise<WorkerExit>;
    private alive = true;

    private constructor(
        private readonly child: ChildProcess,
        private readonly options: WorkerProcessOptions
    ) {
        this.exited = new Promise((resolve) => {
            child.once("exit", (code, signal) => {
                this.alive = false;
                resolve({code, signal});
            });
        });
    }

    /** Forks the worker and waits for its `ready` message. */
    static async start(options: WorkerProcessOptions, onMessage: (message: WorkerMessage) => void): Promise<WorkerProcess> {
        const child = fork(options.workerPath, [], {
            execPath: options.execPath ?? process.execPath,
            // Extension hosts may run with inspector or loader flags meant for themselves only.
            execArgv: [],
            env: {...process.env, ...options.env, ELECTRON_RUN_AS_NODE: "1"},
            serialization: "advanced",
            stdio: ["ignore", "pipe", "pipe", "ipc"]
        });
        const worker = new WorkerProcess(child, options);
        worker.pipeOutput();

        const ready = new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new EngineError("Internal", "The model process did not start in time.")),
                options.startTimeoutMs ?? 30_000
            );
            child.on("message", (raw: unknown) => {
                const parsed = parseWorkerMessage(raw);
                if (!parsed.ok) {
                    options.log("error", `Ignored a malformed message from the model process: ${parsed.error}`);
                    return;
                }
                if (parsed.value.type === "ready") {
                    clearTimeout(timer);
                    resolve();
                    return;
                }
                onMessage(parsed.value);
            });
            child.once("error", (error) => {
                clearTimeout(timer);
                reject(new EngineError("Internal", "The model process could not be started.", error.message));
            });
            void worker.exited.then(({code, signal}) => {
                clearTimeout(timer);
                reject(new EngineError("EngineCrashed", "The model process exited while starting.", `code ${code}, signal ${signal}`));
            });
        });
        try {
            await ready;
        } catch (error) {
            worker.kill();
            throw error;
        }
        return worker;
    }

    get pid(): number | undefined {
        return this.child.pid;
    }

    get isAlive(): boolean {
        return this.alive;
    }

    /** Returns false when the process is gone and the message could not be sent. */
    send(message: HostMessage): boolean {
        if (!this.alive || !this.child.connected) return false;
        try {
            this.child.send(message);
            return true;
        } catch {
            return false;
        }
    }

    /** Asks the worker to exit, and kills it when it has not after `graceMs`. */
    async stop(graceMs = 2_000): Promise<void> {
        if (!this.alive) return;
        this.send({type: "shutdown"});
        const timer = setTimeout(() => this.kill(), graceMs);
        await this.exited;
        clearTimeout(timer);
    }

    kill(): void {
        if (this.alive) this.child.kill("SIGKILL");
    }

    private pipeOutput(): void {
        // llama.cpp writes diagnostics to stderr; keep them in the log rather than losing them.
        const forward = (level: LogLevel) => (chunk: Buffer) => {
            for (const line of chunk.toString("utf8").split("\n"))
                if (line.trim() !== "") this.options.log(level, `[worker] ${line}`);
        };
        this.child.stdout?.on("data", forward("info"));
        this.child.stderr?.on("data", forward("warn"));
    }
}
