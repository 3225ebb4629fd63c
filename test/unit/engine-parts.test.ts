import assert from "node:assert/strict";
import {Backoff, sleep} from "../../src/engine/backoff";
import {PendingRequests} from "../../src/engine/channel/pendingRequests";
import {EngineError} from "../../src/engine/errors";
import {LeadingTagStripper} from "../../src/engine/worker/leadingTagStripper";
import {Mutex} from "../../src/engine/worker/mutex";
import {chooseThreads} from "../../src/engine/worker/threads";

describe("engine parts", () => {
    describe("Backoff", () => {
        it("restarts at once after one crash, then waits exponentially up to the cap", () => {
            const backoff = new Backoff({initialMs: 100, maxMs: 1_000, healthyAfterMs: 10_000});
            backoff.started(0);
            const delays: number[] = [];
            for (let i = 0; i < 6; i++) {
                backoff.failed(10);
                delays.push(backoff.delayMs());
            }
            assert.deepEqual(delays, [0, 100, 200, 400, 800, 1_000]);
        });

        it("forgets failures after a healthy run or a success", () => {
            const backoff = new Backoff({initialMs: 100, maxMs: 1_000, healthyAfterMs: 10_000});
            backoff.started(0);
            backoff.failed(1);
            backoff.failed(2);
            backoff.started(3);
            backoff.failed(20_000);
            assert.equal(backoff.consecutiveFailures, 1);
            backoff.succeeded();
            assert.equal(backoff.delayMs(), 0);
        });

        it("sleep stops early when aborted", async () => {
            const controller = new AbortController();
            const started = Date.now();
            const waiting = sleep(10_000, controller.signal);
            controller.abort();
            await assert.rejects(waiting);
            assert.ok(Date.now() - started < 1_000);
        });
    });

    describe("PendingRequests", () => {
        it("times out silent requests, and events re-arm the watchdog", async () => {
            const pending = new PendingRequests();
            const outcome: string[] = [];
            const id = pending.allocateId();
            let cleaned = 0;
            pending.add(
                {id, method: "chat", onEvent: () => outcome.push("event"), resolve: () => outcome.push("resolved"), reject: (error) => outcome.push(error instanceof EngineError ? error.code : error.message)},
                60,
                () => pending.reject(id, new EngineError("Timeout", "late")),
                () => cleaned++
            );
            await sleep(40);
            pending.event(id, {});
            await sleep(40);
            assert.deepEqual(outcome, ["event"], "the event kept it alive past the first 60 ms");
            await sleep(60);
            assert.deepEqual(outcome, ["event", "Timeout"]);
            pending.resolve(id, {});
            assert.deepEqual(outcome, ["event", "Timeout"], "settles once");
            assert.equal(cleaned, 1);
            assert.equal(pending.size, 0);
        });

        it("rejects everything at once on a crash", () => {
            const pending = new PendingRequests();
            const codes: string[] = [];
            for (let i = 0; i < 3; i++) {
                const id = pending.allocateId();
                pending.add({id, method: "chat", onEvent() {}, resolve() {}, reject: (error) => codes.push(error instanceof EngineError ? error.code : error.message)}, 10_000, () => {}, () => {});
            }
            pending.rejectAll(() => new EngineError("EngineCrashed", "gone"));
            assert.deepEqual(codes, ["EngineCrashed", "EngineCrashed", "EngineCrashed"]);
        });
    });

    describe("LeadingTagStripper", () => {
        const run = (chunks: string[]) => {
            const stripper = new LeadingTagStripper("<think>");
            return chunks.map((chunk) => stripper.push(chunk)).join("") + stripper.flush();
        };

        it("removes a leading tag even when split across chunks", () => {
            assert.equal(run(["<th", "ink>\n", "Hmm"]), "Hmm");
            assert.equal(run(["\n<think>", "ok"]), "ok");
        });

        it("leaves other text alone and does not hold it back", () => {
            const stripper = new LeadingTagStripper("<think>");
            assert.equal(stripper.push("Hmm"), "Hmm");
            assert.equal(stripper.push("<think>"), "<think>", "only a leading tag is removed");
            assert.equal(run(["<thin", "g>"]), "<thing>");
            assert.equal(run(["<th"]), "<th", "held text is released at the end");
        });
    });

    it("Mutex runs tasks one at a time, in order, even after a failure", async () => {
        const mutex = new Mutex();
        const order: string[] = [];
        const task = (name: string, ms: number, fail = false) => mutex.run(async () => {
            order.push(`start ${name}`);
            await sleep(ms);
            order.push(`end ${name}`);
            if (fail) throw new Error(name);
        });
        const results = await Promise.allSettled([task("a", 20), task("b", 1, true), task("c", 1)]);
        assert.deepEqual(order, ["start a", "end a", "start b", "end b", "start c", "end c"]);
        assert.deepEqual(results.map((result) => result.status), ["fulfilled", "rejected", "fulfilled"]);
    });

    it("chooseThreads uses the math cores unless told otherwise", () => {
        assert.equal(chooseThreads(undefined, 2), 2);
        assert.equal(chooseThreads(0, 6), 6);
        assert.equal(chooseThreads(3, 6), 3);
        assert.equal(chooseThreads(undefined, 0), 1);
    });
});
