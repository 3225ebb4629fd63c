import assert from "node:assert/strict";
import {PrefillSpeed} from "../../../src/completion/prefillSpeed";
import {budgetsWithin} from "../../../src/completion/promptBudgets";

describe("PrefillSpeed", () => {
    it("caps prompts at what the machine reads cold in the allowed time, once measured", () => {
        const speed = new PrefillSpeed({coldReadMs: 20_000, minTokens: 768});
        assert.equal(speed.promptTokenCap, undefined, "no cap before a measurement");
        speed.record(20, 100); // too small a sample to say anything
        assert.equal(speed.promptTokenCap, undefined);
        speed.record(1300, 10_000); // 130 tokens/s
        assert.equal(speed.promptTokenCap, 2600);
    });

    it("keeps the cap through small drifts in speed and moves it for large ones", () => {
        const speed = new PrefillSpeed({coldReadMs: 20_000});
        speed.record(1300, 10_000);
        for (const ms of [9_000, 11_000, 9_500, 10_500]) speed.record(1300, ms);
        assert.equal(speed.promptTokenCap, 2600, "a ±10% drift moves nothing");
        for (let i = 0; i < 10; i++) speed.record(1300, 3_000); // the machine got ~3× faster (a busy neighbour ended)
        assert.ok((speed.promptTokenCap ?? 0) > 2600 * 1.3, `${speed.promptTokenCap}`);
    });

    it("never caps below the floor, and forgets on reset", () => {
        const slow = new PrefillSpeed({coldReadMs: 20_000, minTokens: 768});
        slow.record(100, 10_000); // 10 tokens/s
        assert.equal(slow.promptTokenCap, 768);
        slow.reset();
        assert.equal(slow.promptTokenCap, undefined);
        assert.equal(slow.speed, undefined);
    });
});

describe("budgetsWithin", () => {
    it("scales all budgets together to the total, and leaves smaller ones alone", () => {
        const budgets = {prefixTokens: 1536, suffixTokens: 128, contextTokens: 1024};
        assert.deepEqual(budgetsWithin(budgets, 5000), budgets);
        const scaled = budgetsWithin(budgets, 1344);
        assert.ok(scaled.prefixTokens + scaled.suffixTokens + scaled.contextTokens <= 1344);
        assert.deepEqual(scaled, {prefixTokens: 768, suffixTokens: 64, contextTokens: 512});
    });
});
