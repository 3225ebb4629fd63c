import assert from "node:assert/strict";
import {AdaptiveDebounce, sleepUnlessAborted} from "../../../src/completion/debounce";

describe("AdaptiveDebounce", () => {
    it("waits the minimum for a first keystroke and after a pause", () => {
        const debounce = new AdaptiveDebounce({minMs: 15, maxMs: 150, now: () => 0});
        assert.equal(debounce.delayMs(), 15);
        debounce.keystroke(0);
        debounce.keystroke(80);
        debounce.keystroke(2_000);
        assert.equal(debounce.delayMs(), 15);
    });

    it("waits longer than the typing gap while typing fast, bounded by maxMs", () => {
        const debounce = new AdaptiveDebounce({minMs: 15, maxMs: 150});
        for (let t = 0; t <= 1_000; t += 60) debounce.keystroke(t);
        const delay = debounce.delayMs();
        assert.ok(delay > 60 && delay <= 150, `delay ${delay}`);
    });

    it("waits the minimum while typing slowly, when no bounded wait would catch the next keystroke", () => {
        const debounce = new AdaptiveDebounce({minMs: 15, maxMs: 150});
        for (let t = 0; t <= 3_000; t += 300) debounce.keystroke(t);
        assert.equal(debounce.delayMs(), 15);
    });

    it("wait resolves false at once when aborted, true after the delay", async () => {
        const debounce = new AdaptiveDebounce({minMs: 20, maxMs: 20});
        const controller = new AbortController();
        const started = performance.now();
        const waiting = debounce.wait(controller.signal);
        controller.abort();
        assert.equal(await waiting, false);
        assert.ok(performance.now() - started < 15);
        assert.equal(await debounce.wait(new AbortController().signal), true);
        assert.equal(await sleepUnlessAborted(5, AbortSignal.abort()), false);
    });
});
