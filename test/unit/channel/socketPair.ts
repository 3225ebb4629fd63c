/**
 * Two ends of one real Unix socket in a temporary folder (no TCP: the channel's tests use what the
 * model process uses), for the frame and RPC tests.
 */
import {mkdtemp, rm} from "node:fs/promises";
import {createConnection, createServer, type Socket} from "node:net";
import os from "node:os";
import path from "node:path";

export interface SocketPair {
    readonly client: Socket;
    readonly server: Socket;
    close(): Promise<void>;
}

export async function socketPair(): Promise<SocketPair> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "enclave-channel-test-"));
    const socketPath = path.join(dir, "test.sock");
    const listener = createServer();
    await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(socketPath, () => resolve());
    });
    const accepted = new Promise<Socket>((resolve) => listener.once("connection", resolve));
    const client = createConnection(socketPath);
    await new Promise<void>((resolve, reject) => {
        client.once("connect", () => resolve());
        client.once("error", reject);
    });
    const server = await accepted;
    return {
        client,
        server,
        close: async () => {
            client.destroy();
            server.destroy();
            await new Promise<void>((resolve) => listener.close(() => resolve()));
            await rm(dir, {recursive: true, force: true});
        }
    };
}

/** Polls `condition` until it holds, or fails after `ms` saying what was awaited. */
export async function waitFor(what: string, condition: () => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}
