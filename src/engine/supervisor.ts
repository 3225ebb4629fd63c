/**
 * Finds the user's shared model process, or starts it, and connects to it. Every window and
 * `enclave-review` do the same, so the first one to need a model starts the process and the others
 * connect to it. The process is started detached (it outlives the window that started it) with its
 * output in the runtime folder's log; two clients starting it at once end up on one process
 * (engineServer.ts's start lock). A process this client started tells it how it ended (a crash
 * signal names the model file that crashed it); others' processes only say that the socket closed.
 */
import {spawn, type ChildProcess} from "node:child_process";
import {createConnection} from "node:net";
import {closeSync, mkdtempSync, openSync, rmSync, statSync, truncateSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {setTimeout as sleep} from "node:timers/promises";
import {EngineError, type EngineErrorData} from "./errors";
import {exitOf, nodeCommand, stopWithin, type ProcessExit} from "./nodeProcess";
import {RpcClient} from "./channel/rpcClient";
import {parseWith, type LogLevel} from "./channel/rpcMessages";
import {SocketTransport} from "./channel/transport";
import {engineMessages, protocolVersion, type EngineNotifications, type Methods} from "./protocol";
import {HelloAnswer, type Hello} from "./server/handshake";
import {defaultRuntimeDir, preparePrivateDir, readOrCreateSecret, runtimePaths, type RuntimePaths} from "./server/runtimeDir";

export interface SupervisorOptions {
    /** The built ESM bundle of the model process (`dist/worker.mjs`). */
    workerPath: string;
    /** Defaults to `process.execPath`: Electron's binary in desktop VS Code, run as Node. */
    execPath?: string;
    /** Node flags for the process (a test's TypeScript stand-in: `["--import", "tsx"]`); default none. */
    execArgv?: readonly string[];
    env?: NodeJS.ProcessEnv;
    /** The per-user folder of the socket and secret (runtimeDir.ts); tests and benchmarks pass their own. */
    runtimeDir?: string;
    /**
     * "shared" (default): the user's one model process. "private": a process of this client's own,
     * in a fresh runtime folder, stopped when the client shuts down — one process per client, as
     * before sharing (engine tests that set the process's environment, and the benchmark's baseline).
     */
    processScope?: "shared" | "private";
    /** A process this client starts exits after this long without requests. */
    idleExitMs?: number;
    startTimeoutMs?: number;
    clientKind?: Hello["client"]["kind"];
    requestTimeoutMs: number;
    cancelGraceMs: number;
    log(level: LogLevel, message: string): void;
}

export type EngineRpc = RpcClient<Methods, EngineNotifications, EngineErrorData>;

/** Why a connection ended: the process said goodbye (on purpose), or it went away without a word. */
export type ConnectionEnd = {kind: "bye"; reason: "idle" | "unload" | "shutdown"} | {kind: "lost"; exit: ProcessExit | undefined} | {kind: "closed"};

export interface EngineConnection {
    readonly rpc: EngineRpc;
    readonly pid: number;
    /** Windows connected to the process now (it announces each change). */
    readonly windows: number;
    readonly ended: Promise<ConnectionEnd>;
    onSharing(listener: (windows: number) => void): void;
    close(): void;
}

/** What a request in flight fails with when the connection ends. */
export function endError(end: ConnectionEnd): EngineError {
    if (end.kind === "closed") return new EngineError("Disposed", "Enclave is shutting down.");
    if (end.kind === "bye")
        return new EngineError("Aborted", end.reason === "idle" ? "The model process stopped before this request finished." : "The model was unloaded before this request finished.");
    const how = end.exit === undefined ? "stopped unexpectedly" : end.exit.signal ? `was killed (${end.exit.signal})` : `exited with code ${end.exit.code}`;
    return new EngineError("EngineCrashed", `The model process ${how}. The request did not finish; the next request restarts the model.`);
}

const defaultIdleExitMs = 5 * 60_000;
const maxLogBytes = 2 * 1024 * 1024;

export class EngineSupervisor {
    readonly paths: RuntimePaths;
    private connecting: Promise<EngineConnection> | undefined;
    /** Processes this client started, by pid, and how they ended. */
    private readonly started = new Map<number, {child: ChildProcess; exit: Promise<ProcessExit>}>();
    private idleExitMs: number;

    constructor(private readonly options: SupervisorOptions) {
        this.idleExitMs = options.idleExitMs ?? defaultIdleExitMs;
        const dir = options.processScope === "private" ? mkdtempSync(join(options.runtimeDir ?? tmpdir(), "enclave-private-")) : (options.runtimeDir ?? defaultRuntimeDir());
        this.paths = runtimePaths(dir, protocolVersion);
    }

    /** The idle exit of the next process this supervisor starts. */
    setIdleExitMs(ms: number): void {
        this.idleExitMs = ms;
    }

    get isPrivate(): boolean {
        return this.options.processScope === "private";
    }

    /** Waits for every process this client started to exit, killing any still running after `graceMs` (a private process asked to exit). */
    async stopStarted(graceMs: number): Promise<void> {
        await Promise.all([...this.started.values()].map(({child, exit}) => stopWithin(child, exit, graceMs)));
    }

    /** Removes a private runtime folder (its process has exited). */
    removePrivateDir(): void {
        if (this.isPrivate) rmSync(this.paths.dir, {recursive: true, force: true});
    }

    /** A connection to the shared process, started if none runs. Concurrent callers share one attempt. */
    connect(): Promise<EngineConnection> {
        this.connecting ??= this.findOrStart().finally(() => {
            this.connecting = undefined;
        });
        return this.connecting;
    }

    private async findOrStart(): Promise<EngineConnection> {
        await preparePrivateDir(this.paths.dir);
        const secret = await readOrCreateSecret(this.paths.secretPath);
        const existing = await this.tryConnect(secret);
        if (existing) return existing;
        const child = this.spawnProcess();
        const deadline = Date.now() + (this.options.startTimeoutMs ?? 30_000);
        let childFailed: ProcessExit | undefined;
        void this.started.get(child.pid ?? -1)?.exit.then((exit) => {
            // Exit code 0: another process won the race to listen and serves us; anything else is a failure.
            if (exit.code !== 0) childFailed = exit;
        });
        while (Date.now() < deadline) {
            const connection = await this.tryConnect(secret);
            if (connection) return connection;
            if (childFailed)
                throw new EngineError("EngineCrashed", "The model process exited while starting.", `code ${childFailed.code}, signal ${childFailed.signal}; see ${this.paths.logPath}`);
            await sleep(30);
        }
        child.kill("SIGKILL");
        throw new EngineError("Internal", "The model process did not start in time.", `see ${this.paths.logPath}`);
    }

    private spawnProcess(): ChildProcess {
        const {options, paths} = this;
        let log: number | "ignore" = "ignore";
        try {
            if ((statSync(paths.logPath, {throwIfNoEntry: false})?.size ?? 0) > maxLogBytes) truncateSync(paths.logPath, 0);
            log = openSync(paths.logPath, "a", 0o600);
        } catch {
            // No log file: the process still runs, its output is lost.
        }
        const {execPath, execArgv, env} = nodeCommand(options);
        const child = spawn(execPath, [...execArgv, options.workerPath, "--runtime-dir", paths.dir, "--idle-exit-ms", String(this.idleExitMs)], {
            env,
            detached: true,
            stdio: ["ignore", log, log],
            windowsHide: true
        });
        if (typeof log === "number") closeSync(log);
        child.unref();
        const exit = exitOf(child);
        child.once("error", (error) => options.log("error", `The model process could not be started: ${error.message}`));
        if (child.pid != null) this.started.set(child.pid, {child, exit});
        options.log("info", `Started the model process (pid ${child.pid}).`);
        return child;
    }

    /** Connects and says hello; undefined when nothing listens (no process, or a stale socket). */
    private tryConnect(secret: string): Promise<EngineConnection | undefined> {
        const {options} = this;
        return new Promise((resolve, reject) => {
            const socket = createConnection(this.paths.socketPath);
            socket.once("error", (error: NodeJS.ErrnoException) => {
                if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(undefined);
                else if (error.code === "EACCES") reject(new EngineError("InsecureRuntime", `Enclave may not open ${this.paths.socketPath}.`, error.message));
                else resolve(undefined);
            });
            socket.once("connect", () => {
                const transport = new SocketTransport(socket);
                let answered = false;
                transport.onClose(() => {
                    if (!answered) resolve(undefined);
                });
                transport.onMessage((raw) => {
                    if (answered) return;
                    answered = true;
                    const answer = parseWith(HelloAnswer, raw);
                    if (!answer.ok) {
                        transport.close();
                        reject(new EngineError("Refused", "The model process answered in a way this Enclave does not understand.", answer.error));
                    } else if (answer.value.type === "refused") {
                        transport.close();
                        reject(new EngineError("Refused", `The model process refused this window: ${answer.value.reason}`));
                    } else {
                        // Built here, synchronously: the messages that follow the welcome may be in the same chunk.
                        resolve(this.connectionOn(transport, answer.value.pid, answer.value.windows));
                    }
                });
                const hello: Hello = {type: "hello", secret, protocolVersion, client: {kind: options.clientKind ?? "window", pid: process.pid}};
                transport.send(hello);
            });
        });
    }

    private connectionOn(transport: SocketTransport, pid: number, windows: number): EngineConnection {
        const {options} = this;
        let bye: ConnectionEnd | undefined;
        let closedByUs = false;
        const sharingListeners: Array<(windows: number) => void> = [];
        const rpc: EngineRpc = new RpcClient(transport, {
            messages: engineMessages,
            failsInFlightItself: true,
            requestTimeoutMs: options.requestTimeoutMs,
            cancelGraceMs: options.cancelGraceMs,
            log: (level, message) => options.log(level, message),
            errors: {
                aborted: () => new EngineError("Aborted", "The request was cancelled."),
                timeout: (ms) => new EngineError("Timeout", `The model did not answer within ${Math.round(ms / 1000)} s.`),
                closed: () => new EngineError("EngineCrashed", "The model process is not running."),
                malformedResult: (method, detail) => new EngineError("Internal", `The model process sent a malformed ${method} result.`, detail),
                fromData: (data) => EngineError.fromData(data)
            },
            onNotify: (name, data) => {
                if (name === "bye") bye = {kind: "bye", reason: (data as {reason: "idle" | "unload" | "shutdown"}).reason};
                else if (name === "sharing") {
                    connection.windows = (data as {windows: number}).windows;
                    for (const listener of sharingListeners) listener(connection.windows);
                }
            }
        });
        const ended = new Promise<ConnectionEnd>((resolve) => {
            transport.onClose(() => {
                if (closedByUs) return resolve({kind: "closed"});
                if (bye) return resolve(bye);
                const mine = this.started.get(pid);
                // Our own child tells how it ended (a crash signal); give its exit event a moment to arrive.
                if (!mine) return resolve({kind: "lost", exit: undefined});
                void Promise.race([mine.exit, sleep(1_000).then(() => undefined)]).then((exit) => resolve({kind: "lost", exit}));
            });
        });
        // Requests in flight fail once it is known why: an unload is not a crash, a crash names its signal.
        void ended.then((end) => rpc.failAll(() => endError(end)));
        const connection = {
            rpc,
            pid,
            windows,
            ended,
            onSharing: (listener: (windows: number) => void) => void sharingListeners.push(listener),
            close: () => {
                closedByUs = true;
                transport.close();
            }
        };
        return connection;
    }
}
