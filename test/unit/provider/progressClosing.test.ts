import assert from "node:assert/strict";
import { afterProgressCloses, progressMinimumVisibleMs } from "../../../src/provider/progressClosing";

/** A clock the test moves, and a sleep that records what it was asked for and moves the clock by it. */
function fakeTime(start: number) {
    let time = start;
    const slept: number[] = [];
    return {
        now: () => time,
        advance: (ms: number) => { time += ms; },
        slept,
        sleep: async (ms: number) => { slept.push(ms); time += ms; }
    };
}

describe("after a progress notification closes", () => {
    it("a task that fails at once is reported only once VS Code has closed its progress", async () => {
        const clock = fakeTime(10_000);
        const failure = new Error("connection refused");
        const outcome = afterProgressCloses(Promise.reject(failure), 10_000, clock);
        await assert.rejects(outcome, (error) => error === failure);
        assert.deepEqual(clock.slept, [progressMinimumVisibleMs], "it waited out the whole minimum");
        assert.ok(clock.now() >= 10_000 + progressMinimumVisibleMs);
        assert.ok(progressMinimumVisibleMs > 800, "longer than VS Code's 800 ms");
    });

    it("waits only for what is left of the minimum, and passes a result through", async () => {
        const clock = fakeTime(0);
        const task = new Promise<string>((resolve) => setImmediate(() => { clock.advance(300); resolve("done"); }));
        assert.equal(await afterProgressCloses(task, 0, clock), "done");
        assert.deepEqual(clock.slept, [progressMinimumVisibleMs - 300]);
    });

    it("adds no wait after a task that outlasted the minimum", async () => {
        const clock = fakeTime(0);
        const task = new Promise<number>((resolve) => setImmediate(() => { clock.advance(5000); resolve(42); }));
        assert.equal(await afterProgressCloses(task, 0, clock), 42);
        assert.deepEqual(clock.slept, []);
    });
});
