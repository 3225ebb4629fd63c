// The context's batch strategy: completion work (keystroke priority) gets the batch first, other
// work only a small remainder while completions run; without them the batch is shared evenly.
import assert from "node:assert/strict";
import type {BatchItem, EvaluationPriority, Token} from "node-llama-cpp";
import {backgroundPriority, batchPriorityStrategy, keystrokePriority, prioritizeBatch} from "../../../src/engine/worker/batchPriority";

function item(tokens: number, evaluationPriority: EvaluationPriority): BatchItem {
    return {tokens: Array.from({length: tokens}, (_, i) => i as Token), logits: [], evaluationPriority};
}

/** Tokens per item, in the items' order (0: left out of the batch). */
function amounts(items: readonly BatchItem[], size: number, keystrokeActive: boolean, backgroundTokens = 16): number[] {
    const batch = prioritizeBatch(items, size, {keystrokeActive, backgroundTokens});
    for (const entry of batch) assert.ok(items.includes(entry.item), "each entry keeps the original item object (node-llama-cpp maps it back)");
    assert.ok(batch.every((entry) => entry.processAmount > 0), "an item that gets nothing is left out, not given 0 (node-llama-cpp would evaluate 1)");
    assert.ok(batch.reduce((sum, entry) => sum + entry.processAmount, 0) <= size, "never more than the batch size");
    return items.map((candidate) => batch.find((entry) => entry.item === candidate)?.processAmount ?? 0);
}

describe("batch priority", () => {
    it("a completion's prefill slice gets its tokens; another window's chat prompt only the small remainder", () => {
        const chatPrompt = item(2000, backgroundPriority);
        const completionSlice = item(128, keystrokePriority);
        assert.deepEqual(amounts([chatPrompt, completionSlice], 512, true), [16, 128]);
    });

    it("a chat's one-token generation step still rides along with a completion step", () => {
        assert.deepEqual(amounts([item(1, backgroundPriority), item(1, keystrokePriority)], 512, true), [1, 1]);
    });

    it("keystroke items fill the whole batch first; nothing is left for the others then", () => {
        assert.deepEqual(amounts([item(300, backgroundPriority), item(600, keystrokePriority)], 512, true), [0, 512]);
    });

    it("several completions share the batch evenly, a short one's leftover going to the long one", () => {
        assert.deepEqual(amounts([item(400, keystrokePriority), item(100, keystrokePriority), item(400, keystrokePriority)], 512, true), [206, 100, 206]);
    });

    it("while a completion runs but has nothing queued (between its steps), the chat prompt is still held to the remainder", () => {
        assert.deepEqual(amounts([item(2000, backgroundPriority)], 512, true), [16]);
        assert.deepEqual(amounts([item(2000, backgroundPriority)], 512, true, 0), [0], "no remainder: the chat waits");
    });

    it("with no completion running, the chat gets the whole batch, and chat and review share it evenly", () => {
        assert.deepEqual(amounts([item(2000, backgroundPriority)], 512, false), [512]);
        assert.deepEqual(amounts([item(2000, backgroundPriority), item(900, backgroundPriority)], 512, false), [256, 256]);
        assert.deepEqual(amounts([item(3, backgroundPriority), item(900, backgroundPriority)], 512, false), [3, 509]);
    });

    it("the strategy asks whether keystroke work runs at every batch", () => {
        let active = false;
        const strategy = batchPriorityStrategy(() => active, 8);
        const items = [item(1000, backgroundPriority)];
        assert.equal(strategy({items, size: 512})[0]?.processAmount, 512);
        active = true;
        assert.equal(strategy({items, size: 512})[0]?.processAmount, 8);
    });
});
