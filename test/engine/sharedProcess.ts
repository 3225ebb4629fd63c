/**
 * Helpers for the tests of the shared model process: clients in `processScope: "shared"` on a
 * runtime folder of the test's own, the model processes serving it (found by that folder in their
 * command line, killed by pid afterwards), a raw connection that speaks the wire protocol by hand,
 * and a waiting assertion.
 */
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, realpathSync, rmSync} from "node:fs";
import {createConnection, type Socket} from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {setTimeout as sleep} from "node:timers/promises";
import type {EngineClient, EngineClientOptions} from "../../src/engine/client";
import {FrameDecoder, encodeFrame} from "../../src/engine/channel/frames";
import {protocolVersion} from "../../src/engine/protocol";
import {runtimePaths, type RuntimePaths} from "../../src/engine/server/runtimeDir";
import {startClient} from "./harness";
import {isAlive, modelProcessesOf} from "../support/modelProcesses";

/** Polls `condition` until it holds (returns its truthy value) or `timeoutMs` passed (fails with `what`). */
export async function eventually<T>(condition: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
        await sleep(20);
    }
}

/** The model processes serving a folder, and whether a pid still runs: the same as every tier uses. */
export {isAlive, modelProcessesOf as processesOf};

/**
 * A runtime folder of one test (mode 0700, as mkdtemp makes it) and the shared clients on it;
 * `dispose()` shuts them down, kills every model process still serving the folder and removes it.
 */
export class SharedRuntime {
    readonly dir = realpathSync(mkdtempSync(join(tmpdir(), "enclave-shared-test-")));
    readonly paths: RuntimePaths = runtimePaths(this.dir, protocolVersion);
    private readonly clients: EngineClient[] = [];
    readonly logs: string[][] = [];

    client(options: Partial<EngineClientOptions> = {}): EngineClient {
        const {client, logs} = startClient({processScope: "shared", runtimeDir: this.dir, ...options});
        this.clients.push(client);
        this.logs.push(logs);
        return client;
    }

    /** The model process's own log (the runtime folder's `engine-v<version>.log`). */
    processLog(paths: RuntimePaths = this.paths): string {
        try {
            return readFileSync(paths.logPath, "utf8");
        } catch {
            return "";
        }
    }

    async dispose(): Promise<void> {
        await Promise.all(this.clients.map((client) => client.shutdown()));
        for (const pid of modelProcessesOf(this.dir)) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // already gone
            }
        }
        await eventually(() => modelProcessesOf(this.dir).length === 0, `no process serves ${this.dir} any more`, 5_000);
        rmSync(this.dir, {recursive: true, force: true});
    }
}

/** Lines of `log` that match `pattern`. */
export function countLines(log: string, pattern: RegExp): number {
    return log.split("\n").filter((line) => pattern.test(line)).length;
}

/** A connection to a model process's socket that sends and reads frames by hand, as a foreign client would. */
export class RawConnection {
    private readonly decoder = new FrameDecoder();
    /** Messages not yet taken by next(). */
    readonly messages: unknown[] = [];
    /** Every message received. */
    readonly received: unknown[] = [];
    closed = false;

    private constructor(readonly socket: Socket) {
        socket.on("data", (chunk: Buffer) => {
            const {messages, error} = this.decoder.push(chunk);
            this.messages.push(...messages);
            this.received.push(...messages);
            if (error) socket.destroy();
        });
        socket.on("close", () => (this.closed = true));
        socket.on("error", () => undefined);
    }

    static open(socketPath: string): Promise<RawConnection> {
        return new Promise((resolve, reject) => {
            const socket = createConnection(socketPath);
            socket.once("connect", () => resolve(new RawConnection(socket)));
            socket.once("error", reject);
        });
    }

    send(message: unknown): void {
        this.socket.write(encodeFrame(message));
    }

    hello(secret: string, version = protocolVersion): void {
        this.send({type: "hello", secret, protocolVersion: version, client: {kind: "other", pid: process.pid}});
    }

    /** The next message not yet taken (waiting for it). */
    async next(what: string): Promise<unknown> {
        await eventually(() => this.messages.length > 0 || this.closed, `a message (${what}) arrived`);
        const message = this.messages.shift();
        if (message === undefined) assert.fail(`the connection closed before ${what}`);
        return message;
    }

    /** The answer to request `id` (skipping notifications and log lines). */
    async answer(id: number): Promise<Record<string, unknown>> {
        for (;;) {
            const message = (await this.next(`the answer to request ${id}`)) as Record<string, unknown>;
            if ((message.type === "result" || message.type === "error") && message.id === id) return message;
        }
    }

    /** How many events of request `id` arrived so far. */
    eventsOf(id: number): number {
        return this.received.filter((message) => (message as {type?: unknown; id?: unknown}).type === "event" && (message as {id?: unknown}).id === id).length;
    }

    async whenClosed(timeoutMs = 15_000): Promise<void> {
        await eventually(() => this.closed, "the model process closed the connection", timeoutMs);
    }

    close(): void {
        this.socket.destroy();
    }
}
