import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {chatLimits, defaultAnswerTokens, defaultThinking, promptRoom, thinkingLevels, thoughtBudgets, thoughtClosingTokens, wordEndAllowance} from "../../../src/engine/chatBudgets";
import {chooseChatFormat} from "../../../src/engine/worker/chatFormat";
import {closedThoughtText, cutDecision} from "../../../src/engine/worker/thoughtCut";

describe("chat budgets", () => {
    it("sets the answer's room aside first: a full thought budget still leaves the answer all of its tokens", () => {
        assert.deepEqual(chatLimits(4096, 2048, 16_384, 1000), {thoughtTokens: 4096, answerTokens: 2048});
        // Little room: the thought shrinks, the answer keeps its allowance.
        const tight = chatLimits(4096, 2048, 4096, 1500);
        assert.equal(tight.answerTokens, 2048);
        assert.equal(tight.thoughtTokens, 4096 - 1500 - 2048 - thoughtClosingTokens - wordEndAllowance);
    });

    it("makes unlimited mean what the context allows after the prompt and the answer", () => {
        assert.deepEqual(chatLimits(-1, 2048, 16_384, 1000), {thoughtTokens: 16_384 - 1000 - 2048 - thoughtClosingTokens - wordEndAllowance, answerTokens: 2048});
    });

    it("never goes below zero, and off stays off", () => {
        assert.deepEqual(chatLimits(4096, 2048, 4096, 5000), {thoughtTokens: 0, answerTokens: 0});
        assert.deepEqual(chatLimits(0, 2048, 16_384, 10), {thoughtTokens: 0, answerTokens: 2048});
    });

    it("keeps the history within the context minus the thought and the answer, never below half the context", () => {
        assert.equal(promptRoom(16_384, 4096, 2048), 16_384 - 2048 - 4096 - thoughtClosingTokens - wordEndAllowance);
        assert.equal(promptRoom(16_384, 0, 2048), 16_384 - 2048 - thoughtClosingTokens);
        assert.equal(promptRoom(16_384, -1, 2048), promptRoom(16_384, thoughtBudgets.normal, 2048), "unlimited reserves what normal would");
        assert.equal(promptRoom(4096, 4096, 2048), 2048);
    });

    it("is what package.json offers: the same levels, defaults and numbers", () => {
        const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
            contributes: {configuration: {properties: Record<string, {default: unknown; enum?: string[]; enumDescriptions?: string[]}>}};
        };
        const properties = manifest.contributes.configuration.properties;
        // Descriptions live in package.nls.json ("%key%" in package.json).
        const nls = JSON.parse(readFileSync(new URL("../../../package.nls.json", import.meta.url), "utf8")) as Record<string, string>;
        const text = (value: string | undefined) => nls[/^%(.+)%$/.exec(value ?? "")?.[1] ?? ""] ?? value ?? "";
        const thinking = properties["enclave.chat.thinkingBudget"];
        assert.ok(thinking);
        assert.deepEqual(thinking.enum, [...thinkingLevels]);
        assert.equal(thinking.default, defaultThinking);
        for (const [index, level] of thinkingLevels.entries())
            if (thoughtBudgets[level] > 0) assert.match(text(thinking.enumDescriptions?.[index]), new RegExp(`\\b${thoughtBudgets[level]}\\b`), `${level}'s description names its budget`);
        assert.equal(properties["enclave.chat.maxTokens"]?.default, defaultAnswerTokens);
    });
});

describe("closing a thought at the budget", () => {
    it("closes right away when the text so far ends a word", () => {
        assert.equal(cutDecision("Let me see", 1, " it", 1, 2), "continue", "at the budget, mid-word: wait for the word to end");
        assert.equal(cutDecision("Let me see", 2, ",", 1, 3), "closeAfter");
        assert.equal(cutDecision("Hmm", 0, ", ok.", 1, 1), "closeAfter", "the chunk that reaches the budget ends in punctuation");
        assert.equal(cutDecision("One.", 0, "\n", 1, 1), "closeAfter");
    });

    it("never closes inside a word: it finishes the word, or closes before the next one", () => {
        // The budget is reached after "Hm" (mid-word): "m" continues the word, "mm " ends it.
        assert.equal(cutDecision("", 0, "Hm", 1, 1), "continue");
        assert.equal(cutDecision("Hm", 1, "m", 1, 1), "continue");
        assert.equal(cutDecision("Hmm", 2, " ", 1, 1), "closeBefore", "a space after a finished word: close before it");
        assert.equal(cutDecision("Hm", 1, "m ", 1, 1), "closeAfter");
        assert.equal(cutDecision("Hmm", 1, " yes", 1, 1), "closeBefore", "a new word starts: close before it");
        assert.equal(cutDecision("Hmm", 1, ", so", 1, 1), "closeBefore", "punctuation after the word is a boundary");
        assert.equal(cutDecision("don", 1, "'t", 1, 1), "continue", "a contraction belongs to its word");
        assert.equal(cutDecision("naï", 1, "ve", 1, 1), "continue", "letters beyond ASCII are word characters");
    });

    it("closes anyway once a word runs past the allowance", () => {
        assert.equal(cutDecision("a1b2c3", 1 + wordEndAllowance - 2, "d4", 1, 1), "continue");
        assert.equal(cutDecision("a1b2c3", 1 + wordEndAllowance - 1, "d4", 1, 1), "closeAfter");
    });

    it("does nothing before the budget", () => {
        assert.equal(cutDecision("", 0, "Hm", 1, 2), "continue");
    });

    it("ends the closed thought with a newline, as R1 does before </think>", () => {
        assert.equal(closedThoughtText("Hmm"), "Hmm\n");
        assert.equal(closedThoughtText("Hmm\n"), "Hmm\n");
        assert.equal(closedThoughtText(""), "\n");
    });
});

describe("chat format of a file without a chat template", () => {
    it("keeps the file's template when there is one", () => {
        assert.deepEqual(chooseChatFormat(true, true), {kind: "template"});
        assert.deepEqual(chooseChatFormat(true, false), {kind: "template"});
    });

    it("uses the DeepSeek-R1 format for R1's vocabulary, and says so", () => {
        const choice = chooseChatFormat(false, true);
        assert.ok(choice.kind === "r1");
        assert.match(choice.note, /^This model file has no chat template\. .*DeepSeek-R1 format.*answers may be poor\.$/);
    });

    it("otherwise names the format it falls back to and warns that answers may be poor", () => {
        const choice = chooseChatFormat(false, false);
        assert.ok(choice.kind === "guess");
        assert.equal(choice.note("General", false), "This model file has no chat template; Enclave uses the General format (no reasoning), answers may be poor. A GGUF file converted with its chat template works better.");
        assert.doesNotMatch(choice.note("Qwen", true), /no reasoning/);
    });
});
