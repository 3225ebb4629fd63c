// Which completion sequence serves which client: each keeps its own, a newcomer takes a free one or
// the least recently used one, and a client that disconnects frees its own.
import assert from "node:assert/strict";
import {CompletionPool} from "../../../src/engine/worker/completionPool";

describe("completion pool", () => {
    it("clients typing alternately keep their own sequences", () => {
        const pool = new CompletionPool(["s0", "s1", "s2"]);
        const first = [pool.acquire(1).slot, pool.acquire(2).slot];
        for (let round = 0; round < 3; round++) assert.deepEqual([pool.acquire(1).slot, pool.acquire(2).slot], first);
        assert.notEqual(first[0], first[1]);
        assert.deepEqual(pool.holders(), [1, 2, undefined]);
    });

    it("a client beyond the pool takes the least recently used sequence, and says whose it was", () => {
        const pool = new CompletionPool(["s0", "s1"]);
        pool.acquire(1);
        pool.acquire(2);
        pool.acquire(1); // 2 is now the least recently used
        const third = pool.acquire(3);
        assert.deepEqual([third.slot, third.reclaimedFrom], ["s1", 2]);
        assert.deepEqual(pool.holders(), [1, 3]);
        assert.equal(pool.acquire(1).reclaimedFrom, undefined, "1 still has its own");
        assert.deepEqual([pool.acquire(2).slot, pool.acquire(2).reclaimedFrom], ["s1", undefined], "2 comes back: takes 3's (least recent), then keeps it");
    });

    it("a disconnected client's sequence goes to the next newcomer before anyone's is reclaimed", () => {
        const pool = new CompletionPool(["s0", "s1"]);
        pool.acquire(1);
        pool.acquire(2);
        pool.release(1);
        const next = pool.acquire(3);
        assert.deepEqual([next.slot, next.reclaimedFrom], ["s0", undefined]);
        assert.deepEqual(pool.holders(), [3, 2]);
        pool.release(99); // not a holder: nothing changes
        assert.deepEqual(pool.holders(), [3, 2]);
    });

    it("refuses an empty pool", () => {
        assert.throws(() => new CompletionPool([]), /at least one sequence/);
    });
});
