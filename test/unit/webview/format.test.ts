import assert from "node:assert/strict";
import {countOf, formatCount, formatDuration, formatRate, thoughtSummary, tokensPerSecond} from "../../../src/webview/format";
import {ThoughtClock, traceStats} from "../../../src/chat/thoughtClock";

describe("view number formatting (src/webview/format.ts)", () => {
    it("durations are rounded once, to the unit shown: never '1 min 60 s'", () => {
        const cases: [number, string][] = [
            [0, "0.0 s"],
            [-5, "0.0 s"],
            [Number.NaN, "0.0 s"],
            [440, "0.4 s"],
            [9_940, "9.9 s"],
            [9_960, "10 s"],
            [12_000, "12 s"],
            [59_400, "59 s"],
            [59_600, "1 min"],
            [65_000, "1 min 5 s"],
            [119_600, "2 min"],
            [3_599_600, "1 h"],
            [3_600_000 + 3 * 60_000, "1 h 3 min"]
        ];
        for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
    });

    it("counts take the singular for one: '1 answer token', never '1 answer tokens'", () => {
        assert.equal(countOf(1, "answer token"), "1 answer token");
        assert.equal(countOf(0, "answer token"), "0 answer tokens");
        assert.equal(countOf(2, "token"), "2 tokens");
        assert.equal(countOf(1_234, "token"), "1.2k tokens");
        assert.equal(formatCount(9_960), "10k", "never '10.0k'");
        assert.equal(formatCount(12_345), "12k");
    });

    it("a thought is worded by its time: 'Thought for 12 s', never 'Thought for 2 tokens'", () => {
        assert.equal(thoughtSummary(12_000, 2), "Thought for 12 s");
        assert.equal(thoughtSummary(65_000, 900), "Thought for 1 min 5 s");
        assert.equal(thoughtSummary(40, 1), "Thought briefly");
        // Saved before thought times were kept: its size, in a sentence that reads.
        assert.equal(thoughtSummary(undefined, 1), "Thought (1 token)");
    });

    it("tokens/s divides by the generating time only, and is absent without time", () => {
        assert.equal(tokensPerSecond(57, 2_850), 20);
        assert.equal(tokensPerSecond(57, 0), undefined);
        assert.equal(tokensPerSecond(0, 1_000), undefined);
        assert.equal(formatRate(19.75), "19.8 tok/s");
    });

    it("ThoughtClock times a thought from its first to its last token and sums the model's token counts", () => {
        let now = 1_000;
        const clock = new ThoughtClock(() => now);
        assert.equal(clock.startedAt, undefined);
        assert.equal(clock.thoughtMs, 0);
        clock.add(3);
        now = 3_000;
        clock.add(2);
        now = 4_000;
        clock.add(5);
        assert.equal(clock.tokens, 10);
        assert.equal(clock.startedAt, 1_000);
        assert.equal(clock.thoughtMs, 3_000);
        assert.deepEqual(traceStats(clock.tokens, clock.thoughtMs, false), {thoughtTokens: 10, thoughtMs: 3_000, tokensPerSecond: 3.3, thoughtCutByBudget: false});
        assert.deepEqual(traceStats(1, 0, true), {thoughtTokens: 1, thoughtMs: 0, thoughtCutByBudget: true});
    });
});
