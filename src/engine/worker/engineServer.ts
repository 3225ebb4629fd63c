/**
 * The shared model process's listening end: one per user and protocol version on this machine.
 * It listens on a Unix socket (a named pipe on Windows) in the user's private runtime folder —
 * never on a TCP port — and serves a connection only after its hello presents the secret and this
 * protocol version. It tells every client how many windows share it, and exits, giving all model
 * memory back, when nobody has made a request for `idleExitMs`.
 */
import {createConnection, createServer, type Server, type Socket} from "node:net";
import {chmod, unlink} from "node:fs/promises";
import {EngineError, describeError, type EngineErrorData} from "../errors";
import {RpcServer} from "../channel/rpcServer";
import {SocketTransport} from "../channel/transport";
import {engineMessages, protocolVersion, type EngineNotifications, type LogLevel, type Methods, type ProcessStatus} from "../protocol";
import {Hello, helloTimeoutMs, secretMatches, type HelloAnswer} from "../server/handshake";
import {preparePrivateDir, readOrCreateSecret, type RuntimePaths} from "../server/runtimeDir";
import {acquireStartLock} from "../server/startLock";
import {parseWith} from "../channel/rpcMessages";
import type {Handlers} from "../channel/rpcServer";
import type {LoadedModelStatus} from "../protocol";
import type {ProcessControl} from "./handlers";

interface Client {
    readonly id: number;
    readonly kind: Hello["client"]["kind"];
    readonly rpc: RpcServer<Methods, EngineNotifications, EngineErrorData>;
}

/** What serves the requests: the model runtime (handlers.ts), or a test's stand-in. */
export interface EngineBackend {
    handlersFor(client: number, control: ProcessControl): Handlers<Methods>;
    /** A client went away. */
    disconnect(client: number): void;
    models(): LoadedModelStatus[];
    dispose(): Promise<void>;
}

export interface EngineServerOptions {
    readonly paths: RuntimePaths;
    readonly backend: EngineBackend;
    readonly idleExitMs: number;
    /** Written to this process's own log (stderr, which the starter points at the runtime folder's log file). */
    log(level: LogLevel, message: string): void;
}

const isWindows = process.platform === "win32";

export class EngineServer {
    private readonly clients = new Map<number, Client>();
    private nextClientId = 1;
    private server: Server | undefined;
    private secret = "";
    private lastActivity = Date.now();
    private idleTimer: NodeJS.Timeout | undefined;
    private exiting = false;

    constructor(private readonly options: EngineServerOptions) {}

    /** Listens, or returns false when another live process already serves this socket. */
    async start(): Promise<boolean> {
        const {paths} = this.options;
        await preparePrivateDir(paths.dir);
        this.secret = await readOrCreateSecret(paths.secretPath);
        const lock = await acquireStartLock(paths.lockPath);
        try {
            if (await isServing(paths.socketPath)) return false;
            if (!isWindows) await unlink(paths.socketPath).catch(() => undefined);
            this.server = createServer((socket) => this.accept(socket));
            // The socket is created with the mode the umask leaves: 0600 from its first moment (the chmod below only confirms it).
            const umask = process.umask(0o177);
            try {
                await new Promise<void>((resolve, reject) => {
                    this.server?.once("error", reject);
                    this.server?.listen(paths.socketPath, () => resolve());
                });
            } finally {
                process.umask(umask);
            }
            if (!isWindows) await chmod(paths.socketPath, 0o600);
        } finally {
            await lock.release();
        }
        this.server.on("error", (error) => this.options.log("error", `The model process's socket failed: ${describeError(error)}`));
        this.armIdle();
        this.options.log("info", `Model process ${process.pid} listening on ${paths.socketPath} (protocol ${protocolVersion}); it exits after ${Math.round(this.options.idleExitMs / 1000)} s without requests.`);
        return true;
    }

    /** Sends a log line to every client (and this process's own log). */
    broadcastLog(level: LogLevel, message: string): void {
        this.options.log(level, message);
        for (const client of this.clients.values()) client.rpc.log(level, message);
    }

    status(): ProcessStatus {
        return {
            pid: process.pid,
            protocolVersion,
            windows: this.windowCount(),
            clients: this.clients.size,
            models: this.options.backend.models(),
            // This status request itself is running; it is not work.
            activeRequests: Math.max(0, this.activeRequestsOf() - 1),
            idleExitMs: this.options.idleExitMs
        };
    }

    /** Tells every client why, unloads every model and exits. */
    async exit(reason: "idle" | "unload" | "shutdown"): Promise<void> {
        if (this.exiting) return;
        this.exiting = true;
        clearTimeout(this.idleTimer);
        this.options.log("info", `Model process exiting (${reason}).`);
        for (const client of this.clients.values()) {
            client.rpc.abortAll();
            client.rpc.notify("bye", {reason});
        }
        // Closing the server also removes its socket file (libuv unlinks the path it bound).
        this.server?.close();
        try {
            await this.options.backend.dispose();
        } catch (error) {
            this.options.log("error", `Unloading failed while exiting: ${describeError(error)}`);
        }
        process.exit(0);
    }

    private accept(socket: Socket): void {
        const transport = new SocketTransport(socket);
        let greeted = false;
        const timer = setTimeout(() => {
            this.options.log("warn", "Closed a connection that sent no hello in time.");
            socket.destroy();
        }, helloTimeoutMs);
        const refuse = (reason: string) => {
            clearTimeout(timer);
            this.options.log("warn", `Refused a connection: ${reason}`);
            const answer: HelloAnswer = {type: "refused", reason};
            transport.send(answer);
            socket.end();
        };
        transport.onClose(() => clearTimeout(timer));
        transport.onMessage((raw) => {
            if (greeted) return;
            greeted = true;
            const hello = parseWith(Hello, raw);
            if (!hello.ok) return refuse("its first message was not a hello.");
            if (!secretMatches(this.secret, hello.value.secret)) return refuse("it did not present the secret.");
            if (hello.value.protocolVersion !== protocolVersion)
                return refuse(`it speaks protocol ${hello.value.protocolVersion}, this process ${protocolVersion}.`);
            if (this.exiting) return refuse("this process is exiting.");
            clearTimeout(timer);
            this.admit(transport, hello.value);
        });
    }

    private admit(transport: SocketTransport, hello: Hello): void {
        const id = this.nextClientId++;
        const rpc = new RpcServer<Methods, EngineNotifications, EngineErrorData>(
            transport,
            {
                messages: engineMessages,
                handlers: this.options.backend.handlersFor(id, {status: async () => this.status(), exit: () => setImmediate(() => void this.exit("unload"))}),
                toErrorData,
                // What is wrong goes in the sentence itself: it names the field and the limit ("At most 64 texts can be embedded…").
                invalidRequest: (method, detail) => ({code: "InvalidRequest", message: `Invalid ${method} request: ${issuesSentence(detail)}`, detail}),
                onActivity: () => this.onActivity()
            },
            (detail) => this.options.log("error", `Ignored a malformed message from client ${id}: ${detail}`)
        );
        this.clients.set(id, {id, kind: hello.client.kind, rpc});
        transport.onClose(() => {
            this.clients.delete(id);
            this.options.backend.disconnect(id);
            this.options.log("info", `Client ${id} (${hello.client.kind}, pid ${hello.client.pid}) left; ${this.clients.size} connected.`);
            this.announceSharing();
        });
        const welcome: HelloAnswer = {type: "welcome", protocolVersion, pid: process.pid, windows: this.windowCount()};
        transport.send(welcome);
        this.options.log("info", `Client ${id} (${hello.client.kind}, pid ${hello.client.pid}) connected; ${this.clients.size} connected.`);
        this.announceSharing();
        this.lastActivity = Date.now();
    }

    private announceSharing(): void {
        const data = {windows: this.windowCount(), clients: this.clients.size};
        for (const client of this.clients.values()) client.rpc.notify("sharing", data);
    }

    private windowCount(): number {
        return [...this.clients.values()].filter((client) => client.kind === "window").length;
    }

    /** Every request's start and end, from any client, restarts the idle clock. */
    private onActivity(): void {
        this.lastActivity = Date.now();
        this.armIdle();
    }

    private activeRequestsOf(): number {
        let total = 0;
        for (const client of this.clients.values()) total += client.rpc.activeCount;
        return total;
    }

    /** Checks again when the idle time would be up; a request in flight keeps the process alive. */
    private armIdle(): void {
        clearTimeout(this.idleTimer);
        if (this.exiting) return;
        const due = this.lastActivity + this.options.idleExitMs - Date.now();
        this.idleTimer = setTimeout(() => {
            if (this.activeRequestsOf() > 0 || Date.now() - this.lastActivity < this.options.idleExitMs) this.armIdle();
            else void this.exit("idle");
        }, Math.max(10, due));
    }
}

function toErrorData(error: unknown, aborted: boolean): EngineErrorData {
    if (error instanceof EngineError) return error.toData();
    if (aborted) return {code: "Aborted", message: "The request was cancelled.", detail: describeError(error)};
    return {code: "Internal", message: "The model failed while handling the request.", detail: describeError(error)};
}

/** A process answers on `socketPath` (a stale socket file left by a killed process refuses the connection). */
export function isServing(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = createConnection(socketPath);
        const done = (serving: boolean) => {
            clearTimeout(timer);
            socket.destroy();
            resolve(serving);
        };
        const timer = setTimeout(() => done(true), timeoutMs);
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}

/** zod's pretty issues ("✖ Too long\n  → at texts[0]") as one line: "Too long (at texts[0])". */
function issuesSentence(detail: string): string {
    return detail
        .split("\n")
        .reduce<string[]>((parts, line) => {
            const text = line.trim();
            if (text.startsWith("✖")) parts.push(text.slice(1).trim());
            else if (text.startsWith("→") && parts.length > 0) parts[parts.length - 1] += ` (${text.slice(1).trim()})`;
            return parts;
        }, [])
        .join("; ");
}
