import assert from "node:assert/strict";
import type {EngineClient} from "../../src/engine/client";
import {EngineError} from "../../src/engine/errors";
import {badModels} from "../models/bad";
import {scriptedModel} from "../models/scripted";
import {rejection, startClient} from "./harness";

const ask = (content: string) => ({messages: [{role: "user" as const, content}]});

describe("worker: completion, abort, concurrency and crashes", function () {
    this.timeout(90_000);
    let client: EngineClient;

    before(async () => {
        ({client} = startClient());
        // The answer never ends (a filler repeats), so there is always something to interrupt.
        client.configure({modelPath: await scriptedModel({answerLoop: true})});
        await client.ensureModel();
    });
    after(() => client.shutdown());

    it("an R1 distill is not asked to fill in the middle (a suffix is refused with a sentence); it completes plain text", async () => {
        const refused = await rejection(client.complete({prefix: "function add(a, b) {\n    ", suffix: "\n}\n"}), EngineError);
        assert.equal(refused.code, "InvalidRequest");
        assert.match(refused.message, /completion format is "r1": it does not fill in the middle/);
        const plain = await client.complete({prefix: "let x = 1;\n"});
        assert.equal(plain.mode, "completion");
        assert.equal(plain.text, "console.log(42);\n}");
    });

    it("reads special tokens in an R1-format prompt and reports KV-cache reuse", async () => {
        const chatPrefix = "<｜begin▁of▁sentence｜><｜User｜>Complete the code.<｜Assistant｜><think>\n\n</think>\n\n```ts\nlet x = 1;\n";
        const first = await client.complete({prefix: chatPrefix, specialTokens: true, stop: ["```"]});
        assert.equal(first.mode, "completion");
        assert.equal(first.text, "console.log(42);\n}");
        assert.ok(!first.text.includes("think"));
        const tokens = await client.tokenize(chatPrefix, true);
        assert.ok(Math.abs(first.promptTokens - tokens.length) <= 1, `prompt ${first.promptTokens} tokens vs ${tokens.length} (BOS not doubled)`);

        const second = await client.complete({prefix: chatPrefix + "let y = 2;\n", specialTokens: true, stop: ["```"]});
        assert.equal(second.text, "console.log(42);\n}");
        assert.ok(second.reusedTokens >= tokens.length - 1, `the shared prefix came from the KV cache (${second.reusedTokens} of ${second.promptTokens})`);
        assert.ok(second.promptTokens > second.reusedTokens);
    });

    it("honours stop strings and max tokens", async () => {
        const stopped = await client.complete({prefix: "let y = 2;\n", stop: [";"]});
        assert.equal(stopped.text, "console.log(42)");
        assert.equal(stopped.stopReason, "stopString");
        const capped = await client.complete({prefix: "let z = 3;\n", maxTokens: 1});
        assert.equal(capped.generatedTokens, 1);
        assert.equal(capped.stopReason, "maxTokens");
    });

    it("a time cap ends generation with the text so far, counted from the end of prompt reading", async () => {
        // The answer-loop model never stops by itself: only the cap ends this.
        const capped = await client.complete({prefix: "<｜begin▁of▁sentence｜><｜User｜>Talk.<｜Assistant｜>", specialTokens: true, maxTokens: 100_000, timeCapMs: 400});
        assert.equal(capped.stopReason, "timeCap");
        assert.ok(capped.generatedTokens > 1 && capped.text.length > 0, `${capped.generatedTokens} tokens`);
        assert.ok(capped.totalMs - (capped.prefillMs ?? 0) < 2_000, `generation ran ${capped.totalMs - (capped.prefillMs ?? 0)} ms`);
    });

    it("stops within a few tokens of an abort and keeps the partial text", async () => {
        const controller = new AbortController();
        let answerEvents = 0;
        let abortedAt = 0;
        const result = await client.chat(ask("Talk forever."), {
            signal: controller.signal,
            onEvent: (event) => {
                if (event.kind !== "answer") return;
                if (++answerEvents === 20) {
                    abortedAt = performance.now();
                    controller.abort();
                }
            }
        });
        const stopMs = performance.now() - abortedAt;
        assert.equal(result.stopReason, "abort");
        assert.ok(result.answer.startsWith("Hello! la la"), result.answer.slice(0, 40));
        assert.ok(answerEvents - 20 <= 3, `stopped within a few tokens (${answerEvents - 20} more)`);
        assert.ok(result.answerTokens >= 20);
        assert.ok(stopMs < 2_000, `stopped ${Math.round(stopMs)} ms after the abort`);
    });

    it("runs chat and completion at the same time on their own sequences", async () => {
        const controller = new AbortController();
        let chatEvents = 0;
        const chat = client.chat(ask("Talk forever."), {signal: controller.signal, onEvent: () => chatEvents++});
        try {
            while (chatEvents < 5) await new Promise((resolve) => setTimeout(resolve, 5));
            const completion = await client.complete({prefix: "fn("});
            const chatEventsWhenCompleted = chatEvents;
            assert.equal(completion.text, "console.log(42);\n}");
            // The chat was not waiting for the completion: it is still streaming afterwards.
            const deadline = Date.now() + 10_000;
            while (chatEvents <= chatEventsWhenCompleted && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
            assert.ok(chatEvents > chatEventsWhenCompleted, "the chat kept streaming after the completion ran");
        } finally {
            controller.abort();
        }
        assert.equal((await chat).stopReason, "abort");
    });

    it("rejects in-flight requests with EngineCrashed on SIGKILL, and the next request succeeds", async () => {
        let events = 0;
        const inFlight = client.chat(ask("Talk forever."), {onEvent: () => events++});
        while (events < 5) await new Promise((resolve) => setTimeout(resolve, 5));
        const pid = client.workerPid;
        assert.ok(pid);
        process.kill(pid, "SIGKILL");
        const error = await rejection(inFlight, EngineError);
        assert.equal(error.code, "EngineCrashed");
        assert.match(error.message, /SIGKILL/);

        const next = await client.complete({prefix: "a("});
        assert.equal(next.text, "console.log(42);\n}", "the model was reloaded in a new process");
        assert.notEqual(client.workerPid, pid);
        assert.equal(client.state.kind, "ready");
    });
});

describe("worker: bad model files", function () {
    this.timeout(90_000);
    let client: EngineClient;
    let bad: Awaited<ReturnType<typeof badModels>>;

    before(async () => {
        bad = await badModels();
        ({client} = startClient());
    });
    after(() => client.shutdown());

    const cases: Array<[keyof Awaited<ReturnType<typeof badModels>>, string, RegExp]> = [
        ["missing", "ModelNotFound", /does not exist/],
        ["notGguf", "NotGguf", /not a GGUF model file/],
        ["truncated", "CorruptModel", /incomplete|damaged/],
        ["unsupportedArch", "UnsupportedArchitecture", /architecture/],
        ["noTokenizer", "CorruptModel", /no tokenizer/]
    ];
    for (const [kind, code, message] of cases) {
        it(`${kind}: fails with ${code} and a clear message, then a good model loads`, async () => {
            client.configure({modelPath: bad[kind]});
            const error = await rejection(client.chat(ask("hi")), EngineError);
            assert.equal(error.code, code, error.message);
            assert.match(error.message, message);
            assert.equal(client.state.kind, "error");

            client.configure({modelPath: await scriptedModel()});
            assert.equal((await client.chat(ask("hi"))).answer, "Hello!");
        });
    }

    it("a context that cannot fit in memory fails with InsufficientMemory, and the engine recovers", async () => {
        client.configure({modelPath: await scriptedModel(), contextSize: 2_000_000_000});
        const error = await rejection(client.chat(ask("hi")), EngineError);
        assert.equal(error.code, "InsufficientMemory", `${error.code}: ${error.message} ${error.detail ?? ""}`);
        assert.match(error.message, /does not fit in the memory free now\. Needs [\d.]+ [GT]B with a 2,000,000,000-token context; .* free now, of which .* is usable\./);
        assert.ok(error.smallerContextSize != null && error.smallerContextSize < 2_000_000_000, "a smaller context that fits is offered");
        client.configure({modelPath: await scriptedModel()});
        assert.equal((await client.chat(ask("hi"))).answer, "Hello!");
    });
});

describe("worker: structured output", function () {
    this.timeout(90_000);

    it("always returns JSON that matches the schema, on the review sequence", async () => {
        const {client} = startClient();
        try {
            client.configure({modelPath: await scriptedModel()});
            const schema = {
                type: "object",
                properties: {
                    severity: {enum: ["error", "warning", "info"]},
                    line: {type: "integer"},
                    ok: {type: "boolean"}
                }
            };
            const result = await client.structured({messages: [ask("Review this.").messages[0] as {role: "user"; content: string}], schema, maxTokens: 200});
            const value = result.value as {severity: string; line: number; ok: boolean};
            assert.deepEqual(Object.keys(value).sort(), ["line", "ok", "severity"]);
            assert.ok(["error", "warning", "info"].includes(value.severity));
            assert.ok(Number.isInteger(value.line));
            assert.equal(typeof value.ok, "boolean");
            // Compared as JSON: the channel carries JSON, which writes a -0 the model may produce as 0.
            assert.deepEqual(JSON.stringify(JSON.parse(result.text)), JSON.stringify(value));
            // The chat sequence is untouched by the review pass.
            assert.equal((await client.chat(ask("Hi."))).answer, "Hello!");
        } finally {
            await client.shutdown();
        }
    });
});
