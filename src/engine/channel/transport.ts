/**
 * A message transport: whole messages in and out, and one close event. Two kinds carry Enclave's
 * channels: a socket with length-prefixed frames (the shared model process, reached by every
 * window and the CLI) and Node's IPC channel to a forked child (the download process). The RPC
 * layer above (rpcClient.ts, rpcServer.ts) is the same on both.
 */
import type {ChildProcess, Serializable} from "node:child_process";
import type {Socket} from "node:net";
import {FrameDecoder, defaultMaxFrameBytes, encodeFrame} from "./frames";

export interface Transport {
    /** False when the other end is gone (or the message is over the size limit) and nothing was sent. */
    send(message: unknown): boolean;
    onMessage(listener: (message: unknown) => void): void;
    /** Once, however the transport ends; `error` says why when it was not a plain close. */
    onClose(listener: (error?: Error) => void): void;
    close(): void;
    readonly isOpen: boolean;
}

abstract class BaseTransport implements Transport {
    private messageListeners: Array<(message: unknown) => void> = [];
    private closeListeners: Array<(error?: Error) => void> = [];
    private open = true;

    get isOpen(): boolean {
        return this.open;
    }

    abstract send(message: unknown): boolean;
    abstract close(): void;

    onMessage(listener: (message: unknown) => void): void {
        this.messageListeners.push(listener);
    }

    onClose(listener: (error?: Error) => void): void {
        if (!this.open) listener();
        else this.closeListeners.push(listener);
    }

    protected deliver(message: unknown): void {
        // A copy: a listener added while this message is delivered (the RPC client built on the
        // handshake's answer) gets the messages after it, not this one.
        for (const listener of [...this.messageListeners]) listener(message);
    }

    protected closed(error?: Error): void {
        if (!this.open) return;
        this.open = false;
        const listeners = this.closeListeners.splice(0);
        this.messageListeners = [];
        for (const listener of listeners) listener(error);
    }
}

export class SocketTransport extends BaseTransport {
    private readonly decoder: FrameDecoder;

    constructor(private readonly socket: Socket, private readonly maxBytes = defaultMaxFrameBytes) {
        super();
        this.decoder = new FrameDecoder(maxBytes);
        socket.on("data", (chunk: Buffer) => {
            const {messages, error} = this.decoder.push(chunk);
            for (const message of messages) if (this.isOpen) this.deliver(message);
            if (error) {
                // An oversized or garbled frame: the stream can no longer be trusted to be in step.
                socket.destroy();
                this.closed(error);
            }
        });
        socket.on("error", (error) => this.closed(error));
        socket.on("close", () => this.closed());
    }

    send(message: unknown): boolean {
        if (!this.isOpen || this.socket.destroyed) return false;
        let frame: Buffer;
        try {
            frame = encodeFrame(message, this.maxBytes);
        } catch {
            return false;
        }
        this.socket.write(frame);
        return true;
    }

    close(): void {
        this.socket.end();
        this.socket.destroySoon?.();
    }
}

/** The parent's end of a forked child's IPC channel, or (with `process`) the child's end. */
export class IpcTransport extends BaseTransport {
    constructor(private readonly end: ChildProcess | NodeJS.Process) {
        super();
        end.on("message", (message: unknown) => this.deliver(message));
        end.on("disconnect", () => this.closed());
        if ("pid" in end && end !== process) (end as ChildProcess).on("exit", () => this.closed());
    }

    send(message: unknown): boolean {
        if (!this.isOpen || !this.end.connected || this.end.send == null) return false;
        try {
            this.end.send(message as Serializable);
            return true;
        } catch {
            return false;
        }
    }

    /** Resolves once the message has been handed to the OS (the child may exit right after). */
    flush(message: unknown): Promise<void> {
        return new Promise((resolve) => {
            if (!this.isOpen || !this.end.connected || this.end.send == null) resolve();
            else this.end.send(message as Serializable, undefined, {}, () => resolve());
        });
    }

    close(): void {
        if (this.end.connected) this.end.disconnect?.();
        this.closed();
    }
}

/** What a worker thread and its parent have in common: `parentPort` inside, the `Worker` outside. */
interface ThreadPort {
    postMessage(message: unknown): void;
    on(event: "message", listener: (message: unknown) => void): unknown;
    on(event: "close" | "exit", listener: () => void): unknown;
    on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * A worker thread's channel (the workspace index): `Worker` on the host's side, `parentPort`
 * inside. Messages are structured clones; the thread's exit or error ends the transport.
 */
export class ThreadTransport extends BaseTransport {
    constructor(private readonly port: ThreadPort, private readonly end: () => void) {
        super();
        port.on("message", (message: unknown) => this.deliver(message));
        port.on("error", (error: Error) => this.closed(error));
        port.on("exit", () => this.closed());
        port.on("close", () => this.closed());
    }

    send(message: unknown): boolean {
        if (!this.isOpen) return false;
        try {
            this.port.postMessage(message);
            return true;
        } catch {
            return false;
        }
    }

    close(): void {
        this.end();
        this.closed();
    }
}
