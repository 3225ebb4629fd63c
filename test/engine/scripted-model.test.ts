// The generated models through the real node-llama-cpp pipeline, in-process: the scripted model
// must drive DeepSeekChatWrapper's thought segments, budgets, infill and completion exactly, and
// a random model must load and generate. node-llama-cpp is ESM-only with top-level await; it's
// imported dynamically so this file also runs where tsx compiles it as CommonJS.
import assert from "node:assert/strict";
import os from "node:os";
import type * as NodeLlamaCpp from "node-llama-cpp";
import type { ChatHistoryItem, Llama, LlamaChatResponseChunk, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { randomModel, TINY_RANDOM_SHAPE } from "../models/random";
import { scriptedModel } from "../models/scripted";
import type { ScriptedSpec } from "../models/scripted";

// node-llama-cpp's default is max(4, cores) threads; on a 2-core machine that is ~100x slower.
const threads = os.availableParallelism();

interface Reply {
    readonly thought: string;
    readonly text: string;
}

/** Splits streamed chunks into thought-segment text and plain response text. */
function replyCollector(): { onResponseChunk: (chunk: LlamaChatResponseChunk) => void, reply: () => Reply } {
    let thought = "";
    let text = "";
    return {
        onResponseChunk: (chunk) => {
            if (chunk.type === "segment") {
                if (chunk.segmentType === "thought")
                    thought += chunk.text;
            } else
                text += chunk.text;
        },
        reply: () => ({ thought, text })
    };
}

describe("scripted and random models in node-llama-cpp", function () {
    this.timeout(60_000);
    let nlc: typeof NodeLlamaCpp;
    let llama: Llama;

    before(async () => {
        nlc = await import("node-llama-cpp");
        llama = await nlc.getLlama({ gpu: false, build: "never", logLevel: nlc.LlamaLogLevel.error });
    });
    after(async () => {
        await llama?.dispose();
    });

    /** Loads the model for one `describe` block and disposes it afterwards. */
    function useModel(path: () => Promise<string>): { model: () => LlamaModel, sequence: () => LlamaContextSequence } {
        let model: LlamaModel | undefined;
        let context: LlamaContext | undefined;
        before(async () => {
            model = await llama.loadModel({ modelPath: await path() });
            context = await model.createContext({ contextSize: 4096, threads });
        });
        after(async () => {
            await context?.dispose();
            await model?.dispose();
        });
        return {
            model: () => model ?? assert.fail("model not loaded"),
            sequence: () => context?.getSequence() ?? assert.fail("context not created")
        };
    }

    async function chat(sequence: LlamaContextSequence, options: NodeLlamaCpp.LLamaChatPromptOptions = {}): Promise<Reply> {
        const session = new nlc.LlamaChatSession({ contextSequence: sequence, systemPrompt: "" });
        try {
            const collector = replyCollector();
            const answer = await session.prompt("Say hello.", { maxTokens: 40, ...options, onResponseChunk: collector.onResponseChunk });
            const reply = collector.reply();
            assert.equal(answer, reply.text, "the prompt's answer is the non-thought text");
            return reply;
        } finally {
            session.dispose({ disposeSequence: true }); // frees the context's one sequence for the next test
        }
    }

    describe("scripted model, default script", () => {
        const { model, sequence } = useModel(() => scriptedModel());

        it("resolves DeepSeekChatWrapper from R1-Distill-Qwen's chat template", () => {
            const wrapper = nlc.resolveChatWrapper(model());
            assert.ok(wrapper instanceof nlc.DeepSeekChatWrapper, `got ${wrapper.wrapperName}`);
        });

        it("streams the thought as a thought segment, then the answer", async () => {
            assert.deepEqual(await chat(sequence()), { thought: "Hmm, ok.", text: "Hello!" });
        });

        it("follows the same script when sampling at temperature 0.6", async () => {
            assert.deepEqual(await chat(sequence(), { temperature: 0.6, seed: 7 }), { thought: "Hmm, ok.", text: "Hello!" });
        });

        it("answers as soon as the thought budget forces </think>", async () => {
            // "Hmm, ok." is two steps ("Hmm" + ", ok."); a budget of one cuts it after "Hmm".
            assert.deepEqual(await chat(sequence(), { budgets: { thoughtTokens: 1 } }), { thought: "Hmm", text: "Hello!" });
            assert.deepEqual(await chat(sequence(), { budgets: { thoughtTokens: 0 } }), { thought: "", text: "Hello!" });
        });

        it("supports infill and fills in the scripted middle", async () => {
            const completion = new nlc.LlamaCompletion({ contextSequence: sequence() });
            try {
                assert.equal(completion.infillSupported, true);
                assert.equal(await completion.generateInfillCompletion("function add(a, b) {\n    ", "\n}\n", { maxTokens: 20 }), "return a + b;");
            } finally {
                completion.dispose({ disposeSequence: true });
            }
        });

        it("completes ordinary text with the scripted completion", async () => {
            const completion = new nlc.LlamaCompletion({ contextSequence: sequence() });
            try {
                assert.equal(await completion.generateCompletion("function main() {\n    ", { maxTokens: 20 }), "console.log(42);\n}");
            } finally {
                completion.dispose({ disposeSequence: true });
            }
        });

        it("continues like R1: the thought after \"<think>\\n\", the answer after \"</think>\\n\\n\"", async () => {
            const completion = new nlc.LlamaCompletion({ contextSequence: sequence() });
            try {
                const after = (text: string, maxTokens: number) => completion.generateCompletion(model().tokenize(text, true), { maxTokens });
                assert.equal(await after("<｜begin▁of▁sentence｜><｜User｜>Say hello.<｜Assistant｜><think>\n", 2), "Hmm, ok.");
                assert.equal(await after("<｜begin▁of▁sentence｜><｜User｜>Say hello.<｜Assistant｜><think>\nHmm\n</think>\n\n", 1), "Hello!");
            } finally {
                completion.dispose({ disposeSequence: true });
            }
        });

        it("completes code after a prefilled empty thought (R1 completion mode)", async () => {
            const llamaChat = new nlc.LlamaChat({ contextSequence: sequence() });
            try {
                const history: ChatHistoryItem[] = [
                    { type: "user", text: "Continue the code." },
                    { type: "model", response: [{ type: "segment", segmentType: "thought", text: "\n\n", ended: true }, "\n\nfunction main() {\n    "] }
                ];
                const { response } = await llamaChat.generateResponse(history, { maxTokens: 20 });
                assert.equal(response, "console.log(42);\n}");
            } finally {
                llamaChat.dispose({ disposeSequence: true });
            }
        });
    });

    describe("scripted model with emitThinkOpen: false", () => {
        const spec: Partial<ScriptedSpec> = { emitThinkOpen: false, thought: "Let me see.", answer: "Hi!" };
        const { sequence } = useModel(() => scriptedModel(spec));

        it("starts thinking without <think>, so the wrapper can't tell the thought apart", async () => {
            // What a model whose template ends with "<think>\n" does under DeepSeekChatWrapper
            // (which adds no <think>): the app's trace has to split "…</think>…" itself.
            assert.deepEqual(await chat(sequence()), { thought: "", text: "Let me see.</think>Hi!" });
        });

        it("yields the thought separately when the response starts inside an open thought", async () => {
            const llamaChat = new nlc.LlamaChat({ contextSequence: sequence() });
            try {
                const collector = replyCollector();
                const history: ChatHistoryItem[] = [
                    { type: "user", text: "Say hi." },
                    { type: "model", response: [{ type: "segment", segmentType: "thought", text: "", ended: false }] }
                ];
                const { response } = await llamaChat.generateResponse(history, { maxTokens: 40, onResponseChunk: collector.onResponseChunk });
                assert.deepEqual(collector.reply(), { thought: "Let me see.", text: "Hi!" });
                assert.equal(response, "Hi!");
            } finally {
                llamaChat.dispose({ disposeSequence: true });
            }
        });
    });

    describe("scripted model with answerLoop", () => {
        const { sequence } = useModel(() => scriptedModel({ answerLoop: true }));

        it("keeps streaming filler after the answer until stopped", async () => {
            const controller = new AbortController();
            let chunks = 0;
            const reply = await chat(sequence(), {
                maxTokens: 1000,
                signal: controller.signal,
                stopOnAbortSignal: true,
                onTextChunk: () => {
                    if (++chunks === 12)
                        controller.abort();
                }
            });
            assert.equal(reply.thought, "Hmm, ok.");
            assert.match(reply.text, /^Hello!( la){5,}$/);
        });
    });

    describe("tiny random model", () => {
        const { model, sequence } = useModel(() => randomModel(TINY_RANDOM_SHAPE));

        it("loads and generates tokens", async () => {
            assert.equal(model().fileInfo.metadata.general.architecture, "qwen2");
            const completion = new nlc.LlamaCompletion({ contextSequence: sequence() });
            try {
                // random weights may pick an end-of-generation token at any step: ban them
                const bias = new nlc.TokenBias(model().tokenizer);
                for (const token of [model().tokens.eos, model().tokens.eot])
                    if (token != null)
                        bias.set(token, "never");
                const tokens: number[] = [];
                await completion.generateCompletion("Hello", { maxTokens: 8, tokenBias: bias, onToken: (chunk) => tokens.push(...chunk) });
                assert.ok(tokens.length > 0, "generated at least one token");
                assert.ok(tokens.every((token) => token >= 0 && token < TINY_RANDOM_SHAPE.vocab));
            } finally {
                completion.dispose({ disposeSequence: true });
            }
        });
    });
});
