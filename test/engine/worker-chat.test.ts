import assert from "node:assert/strict";
import type {ChatEvent} from "../../src/engine/protocol";
import {coderScriptedModel, scriptedModel} from "../models/scripted";
import {startClient, useLoadedClient} from "./harness";

const ask = (content: string) => ({messages: [{role: "user" as const, content}]});

describe("worker: chat on a scripted R1 model", function () {
    this.timeout(60_000);
    const loaded = useLoadedClient(async () => ({modelPath: await scriptedModel()}));

    it("streams the thought and the answer as separate streams, with the scripted text", async () => {
        const events: ChatEvent[] = [];
        const result = await loaded().chat(ask("Say hello."), {onEvent: (event) => events.push(event)});
        const thought = events.filter((event) => event.kind === "thought").map((event) => event.text).join("");
        const answer = events.filter((event) => event.kind === "answer").map((event) => event.text).join("");
        assert.equal(thought, "Hmm, ok.");
        assert.equal(answer, "Hello!");
        const firstAnswer = events.findIndex((event) => event.kind === "answer");
        assert.ok(events.slice(firstAnswer).every((event) => event.kind === "answer"), "no thought after the answer began");
        assert.equal(result.thought, "Hmm, ok.");
        assert.equal(result.answer, "Hello!");
        assert.equal(result.stopReason, "eos");
        assert.ok(!result.answer.includes("think"), "no think tags leak into the answer");
        // Each piece says how many tokens it holds: together, the real counts, not the number of pieces.
        const tokens = (kind: ChatEvent["kind"]) => events.filter((event) => event.kind === kind).reduce((sum, event) => sum + (event.tokens ?? 0), 0);
        assert.equal(tokens("thought"), result.thoughtTokens);
        assert.equal(tokens("answer"), result.answerTokens);
        assert.ok(result.thoughtTokens > 0 && result.answerTokens > 0);
    });

    it("keeps working over a multi-turn conversation on the same sequence", async () => {
        const result = await loaded().chat({
            messages: [
                {role: "user", content: "Say hello."},
                {role: "assistant", content: "Hello!"},
                {role: "user", content: "Again, please."}
            ]
        });
        assert.equal(result.thought, "Hmm, ok.");
        assert.equal(result.answer, "Hello!");
    });

    it("answers without thinking when the thinking budget is 0", async () => {
        const events: ChatEvent[] = [];
        const result = await loaded().chat({...ask("Quick."), thoughtBudget: 0}, {onEvent: (event) => events.push(event)});
        assert.equal(result.thought, "");
        assert.equal(result.answer, "Hello!");
        assert.ok(events.every((event) => event.kind === "answer"));
    });

    it("cuts the thought at the budget and still answers", async () => {
        const result = await loaded().chat({...ask("Think briefly."), thoughtBudget: 1});
        assert.equal(result.thought, "Hmm");
        assert.equal(result.thoughtTokens, 1);
        assert.equal(result.thoughtCutByBudget, true);
        assert.equal(result.answer, "Hello!");
    });

    it("reports model info: architecture, the DeepSeek chat format, the R1 completion format", async () => {
        const info = await loaded().info();
        assert.ok(info);
        assert.equal(info.architecture, "qwen2");
        assert.equal(info.completionFormat, "r1", "an R1 distill gets the R1 prompt, FIM tokens or not");
        assert.equal(info.chatWrapper, "DeepSeek");
        assert.equal(info.thinks, true);
        assert.ok(info.parameterCount > 10_000);
        assert.ok(info.contextSize >= 1024);
        assert.ok(info.threads >= 1);
        assert.ok(info.memory.rssBytes > info.memory.modelBytes);
    });

    it("tokenizes and counts tokens with the model's vocabulary", async () => {
        const tokens = await loaded().tokenize("hello world");
        assert.ok(tokens.length > 0);
        assert.equal(await loaded().countTokens("hello world"), tokens.length);
        const special = await loaded().tokenize("<｜User｜>", true);
        assert.equal(special.length, 1, "special tokens are recognised when asked for");
    });
});

describe("worker: the answer's own room after a thought that used its whole budget", function () {
    this.timeout(60_000);
    // The answer never ends ("Hello!" then " la" forever), so it runs to its allowance.
    const loaded = useLoadedClient(async () => ({modelPath: await scriptedModel({thought: "Let me think it over.", answerLoop: true})}));

    it("gives the answer all of maxTokens after the thought used its budget", async () => {
        const result = await loaded().chat({...ask("Think, then talk."), thoughtBudget: 4, maxTokens: 6});
        assert.equal(result.thoughtTokens, 4, "the thought used its whole budget");
        assert.equal(result.thought, "Let me think it");
        assert.equal(result.thoughtCutByBudget, true);
        assert.equal(result.answerTokens, 6, "the answer still had its 6 tokens");
        assert.equal(result.answer, "Hello! la la la la la");
        assert.equal(result.stopReason, "maxTokens");
    });

    it("caps the answer at maxTokens when the model closes its thought itself", async () => {
        const result = await loaded().chat({...ask("Talk."), thoughtBudget: 100, maxTokens: 3});
        assert.equal(result.thought, "Let me think it over.");
        assert.equal(result.thoughtCutByBudget, false);
        assert.deepEqual([result.answer, result.answerTokens, result.stopReason], ["Hello! la la", 3, "maxTokens"]);
    });
});

describe("worker: a model file without a chat template", function () {
    this.timeout(60_000);

    it("uses the DeepSeek-R1 format for R1's vocabulary and says so in info and the log", async () => {
        const {client, logs} = startClient();
        try {
            client.configure({modelPath: await scriptedModel({chatTemplate: null})});
            const info = await client.ensureModel();
            assert.equal(info.chatWrapper, "DeepSeek");
            assert.equal(info.thinks, true);
            assert.match(info.chatFormatNote ?? "", /^This model file has no chat template\. Its vocabulary has DeepSeek-R1's tokens, so Enclave uses the DeepSeek-R1 format/);
            assert.ok(logs.some((line) => line.startsWith("warn: ") && line.includes("has no chat template")), logs.join("\n"));
            const result = await client.chat(ask("Say hello."));
            assert.deepEqual([result.thought, result.answer], ["Hmm, ok.", "Hello!"]);
        } finally {
            await client.shutdown();
        }
    });

    it("reports no note for a file that has its template", async () => {
        const {client} = startClient();
        try {
            client.configure({modelPath: await scriptedModel()});
            assert.equal((await client.ensureModel()).chatFormatNote, undefined);
        } finally {
            await client.shutdown();
        }
    });
});

describe("worker: a model that writes only </think>", function () {
    this.timeout(60_000);

    it("still separates the thought from the answer", async () => {
        const {client} = startClient();
        try {
            client.configure({modelPath: await scriptedModel({emitThinkOpen: false, thought: "Let me see.", answer: "Done."})});
            const events: ChatEvent[] = [];
            const result = await client.chat(ask("Go."), {onEvent: (event) => events.push(event)});
            assert.equal(result.thought, "Let me see.");
            assert.equal(result.answer, "Done.");
            assert.equal(events.filter((event) => event.kind === "thought").map((event) => event.text).join(""), "Let me see.");
        } finally {
            await client.shutdown();
        }
    });
});

describe("worker: a separate completion model beside the chat model", function () {
    this.timeout(60_000);

    it("routes completions to the completion model and chat to the chat model", async () => {
        const {client} = startClient();
        try {
            client.configure({modelPath: await scriptedModel()});
            client.configureCompletion({modelPath: await coderScriptedModel({infill: "a * b;", completion: "print(7)"})});
            const [chat, infill, plain] = await Promise.all([
                client.chat(ask("Hi.")),
                client.complete({prefix: "def mul(a, b):\n    return ", suffix: "\n"}),
                client.complete({prefix: "x = 1;\n"})
            ]);
            assert.equal(chat.answer, "Hello!");
            assert.equal(infill.text, "a * b;");
            assert.equal(plain.text, "print(7)");
            const completionInfo = await client.info("completion");
            assert.equal(completionInfo?.role, "completion");
            assert.equal(completionInfo?.completionFormat, "repoFim");
            assert.notEqual(completionInfo?.modelPath, (await client.info("chat"))?.modelPath);

            client.configureCompletion(undefined);
            assert.equal((await client.complete({prefix: "x = 1;\n"})).text, "console.log(42);\n}", "back to the chat model");
        } finally {
            await client.shutdown();
        }
    });
});
