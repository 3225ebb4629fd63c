// R1's chat format as the model really sees it: the worker's chat and structured operations run
// in-process on the scripted R1 model, and the tests read the tokens of the rendered prompt and of
// the sequence's KV cache — not strings. Each generation's options are recorded on the way to the
// real LlamaChat, which still does the work. node-llama-cpp is ESM-only with top-level await, so the
// worker modules are imported dynamically (see scripted-model.test.ts).
import assert from "node:assert/strict";
import type {ChatHistoryItem, LLamaChatGenerateResponseOptions, Token} from "node-llama-cpp";
import type {ChatParams} from "../../src/engine/protocol";
import type * as ChatModule from "../../src/engine/worker/chat";
import type {LoadedModel, ModelRuntime} from "../../src/engine/worker/runtime";
import type * as StructuredModule from "../../src/engine/worker/structured";
import {scriptedModel} from "../models/scripted";

interface Generation {
    history: ChatHistoryItem[];
    options: LLamaChatGenerateResponseOptions;
}

describe("R1 chat format, in-process on the scripted R1 model", function () {
    this.timeout(120_000);
    let runtime: ModelRuntime | undefined;
    let loaded: LoadedModel;
    let chat: typeof ChatModule;
    let structured: typeof StructuredModule;
    let generations: Generation[] = [];

    before(async () => {
        const {ModelRuntime} = await import("../../src/engine/worker/runtime");
        chat = await import("../../src/engine/worker/chat");
        structured = await import("../../src/engine/worker/structured");
        runtime = new ModelRuntime(() => undefined);
        await runtime.load(0, {modelPath: await scriptedModel({thought: "Let me think it over."}), contextSize: 4096}, () => undefined, new AbortController().signal);
        loaded = runtime.require(0, "chat");
        for (const sequence of ["chat", "review"] as const) {
            const llamaChat = chat.chatFor(loaded, sequence);
            const generate = llamaChat.generateResponse.bind(llamaChat);
            llamaChat.generateResponse = (history, options) => {
                generations.push({history, options: options ?? {}});
                return generate(history, options);
            };
        }
    });
    beforeEach(() => {
        generations = [];
    });
    after(() => runtime?.dispose());

    const run = (params: Omit<ChatParams, "messages">) =>
        chat.runChat(loaded, {messages: [{role: "user", content: "Say hello."}], ...params}, new AbortController().signal, () => undefined);
    const id = (text: string): Token => {
        const tokens = loaded.model.tokenize(text, true);
        assert.equal(tokens.length, 1, `${JSON.stringify(text)} is one token`);
        return tokens[0]!;
    };
    /** The prompt a generation started from, as tokens. */
    const promptOf = (generation: Generation | undefined): Token[] =>
        loaded.chatWrapper.generateContextState({chatHistory: (generation ?? assert.fail("no generation")).history}).contextText.tokenize(loaded.model.tokenizer);
    /** The assistant turn in the sequence's KV cache (what the model evaluated), from `<｜Assistant｜>` on. */
    const evaluatedTurn = (sequence: "chat" | "review" = "chat"): string => {
        const tokens = loaded.sequence(sequence).contextTokens;
        return loaded.model.detokenize(tokens.slice(tokens.lastIndexOf(id("<｜Assistant｜>"))), true);
    };

    it("ends the generation prompt with the tokens <｜Assistant｜> <think> \\n", async () => {
        const result = await run({});
        const prompt = promptOf(generations[0]);
        assert.deepEqual(prompt.slice(-3), [id("<｜Assistant｜>"), id("<think>"), id("\n")]);
        assert.equal(loaded.model.detokenize([prompt.at(-1)!]), "\n", "the last token is a lone newline");
        assert.ok(evaluatedTurn().startsWith("<｜Assistant｜><think>\nLet me think it over.</think>Hello!"), evaluatedTurn());
        assert.equal(result.thought, "Let me think it over.");
        assert.equal(result.answer, "Hello!");
        assert.equal(result.thoughtCutByBudget, false);
    });

    it("closes a thought cut by the budget as R1 does, \\n</think>\\n\\n, at a word boundary", async () => {
        // The budget (2 tokens) runs out after "Let me": the next token starts a word, so the
        // thought closes before it.
        const result = await run({thoughtBudget: 2});
        assert.equal(generations.length, 2, "a second pass answers after the closed thought");
        const prompt = promptOf(generations[1]);
        assert.deepEqual(prompt.slice(-3), [id("\n"), id("</think>"), id("\n\n")]);
        assert.equal(loaded.model.detokenize(prompt.slice(prompt.lastIndexOf(id("<｜Assistant｜>"))), true), "<｜Assistant｜><think>\nLet me\n</think>\n\n");
        assert.ok(evaluatedTurn().startsWith("<｜Assistant｜><think>\nLet me\n</think>\n\nHello!"), evaluatedTurn());
        assert.deepEqual([result.thought, result.thoughtTokens, result.thoughtCutByBudget, result.answer], ["Let me", 2, true, "Hello!"]);
    });

    it("answers without thinking as DeepSeek specifies: <think>\\n\\n</think>\\n\\n", async () => {
        const result = await run({thoughtBudget: 0});
        assert.equal(generations.length, 1);
        const prompt = promptOf(generations[0]);
        assert.deepEqual(prompt.slice(-5), [id("<｜Assistant｜>"), id("<think>"), id("\n\n"), id("</think>"), id("\n\n")]);
        assert.ok(evaluatedTurn().startsWith("<｜Assistant｜><think>\n\n</think>\n\nHello!"), evaluatedTurn());
        assert.deepEqual([result.thought, result.thoughtTokens, result.answer], ["", 0, "Hello!"]);
    });

    it("closes the thought the same way before the review's structuring pass", async () => {
        const schema = {type: "object", properties: {ok: {type: "boolean"}}};
        const result = await structured.runStructured(loaded, {messages: [{role: "user", content: "Review this."}], schema, maxTokens: 40}, new AbortController().signal);
        assert.equal(typeof (result.value as {ok: unknown}).ok, "boolean");
        const prompt = promptOf(generations[0]);
        assert.deepEqual(prompt.slice(-5), [id("<｜Assistant｜>"), id("<think>"), id("\n\n"), id("</think>"), id("\n\n")]);
    });

    it("samples with top-p 0.95 on every pass, set explicitly", async () => {
        await run({thoughtBudget: 2});
        await run({thoughtBudget: 0});
        await structured.runStructured(loaded, {messages: [{role: "user", content: "Review this."}], schema: {type: "object", properties: {ok: {type: "boolean"}}}, maxTokens: 40}, new AbortController().signal);
        assert.equal(generations.length, 4);
        for (const generation of generations) assert.equal(generation.options.topP, 0.95);
        assert.deepEqual(generations.slice(0, 3).map((generation) => generation.options.temperature), [0.6, 0.6, 0.6], "DeepSeek's temperature for R1");
    });
});
