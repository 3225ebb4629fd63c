import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {mkdtemp, readFile, rm, utimes, writeFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {acquireStartLock} from "../../../src/engine/server/startLock";
import {waitFor} from "./socketPair";

describe("start lock", () => {
    let dir: string;
    let lockPath: string;

    beforeEach(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-lock-test-"));
        lockPath = path.join(dir, "engine.lock");
    });
    afterEach(async () => {
        await rm(dir, {recursive: true, force: true});
    });

    it("is exclusive: a second taker waits until the first releases it", async () => {
        const first = await acquireStartLock(lockPath);
        assert.equal(await readFile(lockPath, "utf8"), String(process.pid), "the lock names its holder");
        let secondHolds = false;
        const second = acquireStartLock(lockPath).then((lock) => {
            secondHolds = true;
            return lock;
        });
        // A third taker that gives up soon proves the lock stayed taken meanwhile.
        await assert.rejects(acquireStartLock(lockPath, {waitMs: 200}), /stayed locked/);
        assert.equal(secondHolds, false, "the second took the lock while the first held it");
        await first.release();
        await waitFor("the second taker holds the lock", () => secondHolds);
        await (await second).release();
        assert.equal(existsSync(lockPath), false, "release removes the file");
    });

    it("of many concurrent takers, one at a time holds it", async () => {
        let holders = 0;
        let most = 0;
        await Promise.all(
            Array.from({length: 6}, async () => {
                const lock = await acquireStartLock(lockPath);
                most = Math.max(most, ++holders);
                await new Promise((resolve) => setTimeout(resolve, 10));
                holders--;
                await lock.release();
            })
        );
        assert.equal(most, 1);
    });

    it("takes over a stale lock left by a process that died holding it", async () => {
        await writeFile(lockPath, "99999999");
        const longAgo = new Date(Date.now() - 60_000);
        await utimes(lockPath, longAgo, longAgo);
        const started = Date.now();
        const lock = await acquireStartLock(lockPath, {staleMs: 10_000, waitMs: 5_000});
        assert.ok(Date.now() - started < 2_000, "it did not wait for the stale lock");
        assert.equal(await readFile(lockPath, "utf8"), String(process.pid));
        await lock.release();
    });

    it("does not take over a fresh lock of someone else", async () => {
        await writeFile(lockPath, "99999999");
        await assert.rejects(acquireStartLock(lockPath, {staleMs: 10_000, waitMs: 150}), /engine\.lock stayed locked/);
        assert.equal(await readFile(lockPath, "utf8"), "99999999", "the other holder's lock is untouched");
    });
});
