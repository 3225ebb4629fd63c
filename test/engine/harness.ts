/**
 * Shared setup for engine tests: an EngineClient on the real built worker (dist/worker.mjs, built
 * by `npm test` before the tiers run) with its log captured for failure messages.
 */
import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {EngineClient, type EngineClientOptions} from "../../src/engine/client";
import type {LoadParams} from "../../src/engine/protocol";

export const workerPath = fileURLToPath(new URL("../../dist/worker.mjs", import.meta.url));

export function startClient(options: Partial<EngineClientOptions> = {}): {client: EngineClient; logs: string[]} {
    if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: run "node esbuild.mjs" (npm test does) first.`);
    const logs: string[] = [];
    const client = new EngineClient({
        workerPath,
        requestTimeoutMs: 60_000,
        backoff: {initialMs: 50, maxMs: 500, healthyAfterMs: 60_000},
        // A process of its own, stopped by shutdown(): tests stay independent (and may set its environment).
        processScope: "private",
        log: (level, message) => logs.push(`${level}: ${message}`),
        ...options
    });
    return {client, logs};
}

/**
 * For one `describe` block: a client with a model loaded before its tests and shut down after them.
 * Returns a getter (the client exists only once the `before` hook ran).
 */
export function useLoadedClient(load: () => Promise<LoadParams>): () => EngineClient {
    let client: EngineClient | undefined;
    before(async () => {
        ({client} = startClient());
        client.configure(await load());
        await client.ensureModel();
    });
    after(() => client?.shutdown());
    return () => client ?? assert.fail("the client has not started");
}

/**
 * The error `promise` rejects with, asserted to be an `errorClass` (e.g. EngineError); fails the
 * test if it resolves instead.
 */
export async function rejection<E extends Error>(promise: Promise<unknown>, errorClass: abstract new (...args: never[]) => E): Promise<E> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof errorClass, `expected a ${errorClass.name}, got ${String(error)}`);
        return error;
    }
    assert.fail(`expected a rejection with a ${errorClass.name}`);
}
