import assert from "node:assert/strict";
import type {CommitInput} from "../../../src/commit/commitInput";
import {commitRequest, writeCommitMessage, type CommitEngine} from "../../../src/commit/commitWriter";
import {detectStyle} from "../../../src/commit/style";
import {addedFilePatch} from "../../../src/git/changes";
import type {ChatEvent, ChatParams, ChatResult} from "../../../src/engine/protocol";
import {estimateTokens} from "../../../src/review/units";

const input = (lines = 3, subjects: string[] = ["feat(ui): add a button", "fix: typo", "docs: readme"]): CommitInput => ({
    scope: "staged",
    files: [{status: "added", path: "src/x.ts", patch: addedFilePatch("src/x.ts", "let x = 1;\n".repeat(lines))}],
    style: detectStyle(subjects)
});

const settings = {contextSize: 8192, thoughtBudget: 1024, maxTokens: 2048, temperature: 0.6};

/** Streams `events` like the engine, then answers with their text. */
function fakeEngine(events: ChatEvent[], seen: ChatParams[] = []): CommitEngine {
    return {
        chat: async (params, options) => {
            seen.push(params);
            for (const event of events) options?.onEvent?.(event);
            const text = (kind: ChatEvent["kind"]) => events.filter((event) => event.kind === kind).map((event) => event.text).join("");
            return {thought: text("thought"), answer: text("answer"), stopReason: "eos", thoughtCutByBudget: false, thoughtTokens: 1, answerTokens: 1, firstTokenMs: 1, totalMs: 1} satisfies ChatResult;
        }
    };
}

describe("commit message writer", () => {
    it("asks in the repository's style, streams the cleaned message and never the thought", async () => {
        const seen: ChatParams[] = [];
        const engine = fakeEngine(
            [
                {kind: "thought", text: "The diff adds x.", tokens: 1},
                {kind: "answer", text: "```\nfeat(core): add x", tokens: 1},
                {kind: "answer", text: "\n\nx was missing.\n```", tokens: 1}
            ],
            seen
        );
        const thoughts: string[] = [];
        const messages: string[] = [];
        const result = await writeCommitMessage(input(), engine, settings, {onThought: (text) => thoughts.push(text), onMessage: (message) => messages.push(message)});
        assert.equal(result.message, "feat(core): add x\n\nx was missing.");
        assert.deepEqual(thoughts, ["The diff adds x."]);
        assert.deepEqual(messages, ["feat(core): add x", "feat(core): add x\n\nx was missing."]);
        const prompt = seen[0]?.messages[0]?.content ?? "";
        assert.match(prompt, /Conventional Commits/);
        assert.match(prompt, /- feat\(ui\): add a button/);
        assert.match(prompt, /at most 72 characters/);
        assert.match(prompt, /\+let x = 1;/);
        assert.equal(seen[0]?.sequence, "review");
        assert.equal(seen[0]?.maxTokens, 512);
    });

    it("plain style when the log is not conventional", () => {
        const {prompt} = commitRequest(input(3, ["Add x", "Fix y"]), settings);
        assert.doesNotMatch(prompt, /Conventional Commits/);
        assert.match(prompt, /short imperative sentence/);
    });

    it("the prompt fits the chat's prompt room however large the diff", () => {
        const small = {...settings, contextSize: 4096};
        const {prompt, summarised} = commitRequest(input(20_000), small);
        assert.equal(summarised, 1);
        // promptRoom(4096, 1024, 512) leaves 4096 − 512 − 1024 − 19 tokens for the prompt.
        assert.ok(estimateTokens(prompt) <= 4096 - 512 - 1024 - 19, `${estimateTokens(prompt)} tokens`);
    });
});
