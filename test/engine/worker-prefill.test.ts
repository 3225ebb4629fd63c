// Completion prompts in the worker: the abortable prefill keeps what it evaluated, and the FIM
// `middle` puts the cursor's line at the prompt's end, so typing on it reuses prefix and suffix.
import assert from "node:assert/strict";
import os from "node:os";
import type {Llama, LlamaContext, LlamaModel, Token} from "node-llama-cpp";
import type * as Prefill from "../../src/engine/worker/prefill";
import {randomModel, TINY_RANDOM_SHAPE} from "../models/random";
import {coderScriptedModel} from "../models/scripted";
import {useLoadedClient} from "./harness";

describe("worker: abortable prefill", function () {
    this.timeout(60_000);
    let llama: Llama;
    let model: LlamaModel;
    let context: LlamaContext;
    let prefillModule: typeof Prefill;

    before(async () => {
        const nlc = await import("node-llama-cpp");
        prefillModule = await import("../../src/engine/worker/prefill");
        llama = await nlc.getLlama({gpu: false, build: "never", logLevel: nlc.LlamaLogLevel.error});
        model = await llama.loadModel({modelPath: await randomModel(TINY_RANDOM_SHAPE)});
        context = await model.createContext({contextSize: 2048, threads: os.availableParallelism()});
    });
    after(async () => {
        await context?.dispose();
        await model?.dispose();
        await llama?.dispose();
    });

    const tokens = (count: number, seed: number): Token[] => Array.from({length: count}, (_, i) => ((i * 37 + seed) % 400) + 10) as Token[];

    /** A pace with fixed slices that aborts `controller` after `abortAfter` slices. */
    function fixedPace(slice: number, controller: AbortController, abortAfter: number): Prefill.PrefillPace {
        const pace = new prefillModule.PrefillPace();
        let slices = 0;
        pace.sliceSize = () => slice;
        const record = pace.record.bind(pace);
        pace.record = (count, ms) => {
            record(count, ms);
            if (++slices === abortAfter) controller.abort();
        };
        return pace;
    }

    it("stops between slices at an abort and keeps what it evaluated; the next call resumes there", async () => {
        const sequence = context.getSequence();
        try {
            const prompt = tokens(500, 1);
            const controller = new AbortController();
            const stopped = await prefillModule.prefill(sequence, prompt, controller.signal, fixedPace(64, controller, 2));
            assert.deepEqual({complete: stopped.complete, reused: stopped.reused, evaluated: stopped.evaluated}, {complete: false, reused: 0, evaluated: 128});
            assert.deepEqual(sequence.contextTokens, prompt.slice(0, 128), "the evaluated slices stay in the KV cache");

            const resumed = await prefillModule.prefill(sequence, prompt, new AbortController().signal, new prefillModule.PrefillPace());
            assert.deepEqual({complete: resumed.complete, reused: resumed.reused, evaluated: resumed.evaluated}, {complete: true, reused: 128, evaluated: 372});
            assert.deepEqual(sequence.contextTokens, prompt);
        } finally {
            await sequence.dispose();
        }
    });

    it("drops the cached tail that differs and keeps the shared head", async () => {
        const sequence = context.getSequence();
        try {
            const first = tokens(300, 1);
            await prefillModule.prefill(sequence, first, new AbortController().signal, new prefillModule.PrefillPace());
            const second = [...first.slice(0, 200), ...tokens(50, 7)];
            const result = await prefillModule.prefill(sequence, second, new AbortController().signal, new prefillModule.PrefillPace());
            assert.equal(result.reused, 200);
            assert.equal(result.evaluated, 50);
            assert.deepEqual(sequence.contextTokens, second);
        } finally {
            await sequence.dispose();
        }
    });

    it("sizes slices from the measured speed, within bounds", () => {
        const pace = new prefillModule.PrefillPace(250, 32, 2048);
        assert.equal(new prefillModule.PrefillPace().sliceSize(), 256, "by default no slice is smaller than 256 tokens");
        assert.equal(pace.sliceSize(), 32, "the smallest slice before any measurement");
        pace.record(256, 1000); // 256 tokens/s: a quarter second is 64 tokens
        assert.equal(pace.sliceSize(), 64);
        const fast = new prefillModule.PrefillPace(250, 32, 2048);
        fast.record(4096, 100); // a GPU: 40k tokens/s
        assert.equal(fast.sliceSize(), 2048);
        const slow = new prefillModule.PrefillPace(250, 32, 2048);
        slow.record(64, 2000); // 32 tokens/s
        assert.equal(slow.sliceSize(), 32);
    });
});

describe("worker: FIM middle", function () {
    this.timeout(90_000);
    // FIM runs on a FIM model (Qwen2.5-Coder-shaped); an R1 distill gets R1 prompts instead.
    const loaded = useLoadedClient(async () => ({modelPath: await coderScriptedModel()}));

    it("puts the middle after <|fim_middle|>: typing on the cursor's line reuses prefix and suffix", async () => {
        const prefix = "function add(a, b) {\n".repeat(20);
        const suffix = "\n}\n".repeat(20);
        const first = await loaded().complete({prefix, suffix, middle: "    ret"});
        assert.equal(first.mode, "infill");
        // The scripted model answers its infill only right after <|fim_middle|>; after other text it
        // continues with its plain completion, which shows the middle came last.
        assert.equal(first.text, "print(1)");
        const second = await loaded().complete({prefix, suffix, middle: "    retu"});
        const middleTokens = (await loaded().tokenize("    retu")).length;
        assert.ok(second.reusedTokens >= second.promptTokens - middleTokens - 1, `only the middle was evaluated again (${second.reusedTokens} of ${second.promptTokens} reused)`);
        const withoutMiddle = await loaded().complete({prefix, suffix});
        assert.equal(withoutMiddle.text, "return a - b;", "no middle: the answer starts right after <|fim_middle|>");
        assert.ok(withoutMiddle.reusedTokens >= withoutMiddle.promptTokens - 2, "prefix and suffix were still cached");
    });

    it("a suggestion leaves its last slice to generation (one batch with the first prediction); a warm-up evaluates all but the last token", async () => {
        const prompt = {prefix: "let total = 0;\n".repeat(6), suffix: "\n}\n", middle: "    tot"};
        const suggestion = await loaded().complete(prompt);
        assert.ok(suggestion.promptTokens - suggestion.reusedTokens > 1, "the prompt was not cached before");
        assert.ok(suggestion.promptTokens < 256, "the prompt fits in one slice");
        assert.equal(suggestion.prefillTokens, 0, "nothing was evaluated before generation");
        assert.ok(suggestion.generatedTokens > 0);
        const warm = await loaded().complete({...prompt, prefix: "let count = 0;\n".repeat(6), prefillOnly: true});
        assert.equal(warm.prefillTokens, warm.promptTokens - warm.reusedTokens - 1, "a warm-up leaves only the last token");
    });

    it("prefillOnly evaluates the prompt and generates nothing; the request after it evaluates only its last tokens", async () => {
        const prefix = "const items = [];\n".repeat(30);
        const warm = await loaded().complete({prefix, suffix: "\n}\n", middle: "    it", prefillOnly: true});
        assert.deepEqual({text: warm.text, generatedTokens: warm.generatedTokens}, {text: "", generatedTokens: 0});
        const next = await loaded().complete({prefix, suffix: "\n}\n", middle: "    ite"});
        assert.ok(next.generatedTokens > 0);
        assert.ok(next.reusedTokens >= next.promptTokens - 3, `${next.reusedTokens} of ${next.promptTokens} reused`);
    });
});

describe("worker: a completion prompt longer than the context", function () {
    this.timeout(90_000);
    const loaded = useLoadedClient(async () => ({modelPath: await coderScriptedModel(), contextSize: 1024}));

    it("is cut at the front in steps, reported, and keeps the same head while the end grows", async () => {
        const prefix = Array.from({length: 400}, (_, i) => `let v${i} = ${i};\n`).join("");
        const first = await loaded().complete({prefix, suffix: "\n", middle: "x", maxTokens: 4});
        const second = await loaded().complete({prefix, suffix: "\n", middle: "xy", maxTokens: 4});
        const limit = 1024 - Math.floor(1024 / 10);
        for (const result of [first, second]) {
            assert.ok(result.promptTokens <= limit, `${result.promptTokens} tokens fit in ${limit}`);
            assert.ok((result.cutTokens ?? 0) > 0 && (result.cutTokens ?? 0) % 256 === 0, `cut ${result.cutTokens}`);
        }
        assert.equal(second.cutTokens, first.cutTokens);
        assert.ok(second.reusedTokens >= second.promptTokens - 3, `the head stayed: ${second.reusedTokens} of ${second.promptTokens} reused`);
    });
});
