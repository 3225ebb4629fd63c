/**
 * The baselines of the completion benchmark: the prompts the session sent, run through
 * node-llama-cpp directly in this process, with the same model, context size, sequence count and
 * threads as the worker. The prompt tokens come from the worker's own `completionPrompt`, so both
 * sides evaluate the same tokens; but here the uncached part is evaluated in one piece, as
 * LlamaCompletion does it, not in the worker's abortable slices: the baseline is the plain library.
 */
import {getLlama, LlamaCompletion, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token} from "node-llama-cpp";
import type {CompleteParams, CompletionFormat} from "../../src/engine/protocol";
import {completionPrompt} from "../../src/engine/worker/completionPrompt";

export interface ReplayTiming {
    ms: number;
    promptTokens: number;
    reusedTokens: number;
    generatedTokens: number;
}

export class DirectReplayer {
    private constructor(
        private readonly llama: Llama,
        readonly model: LlamaModel,
        private readonly context: LlamaContext,
        private readonly sequence: LlamaContextSequence,
        private readonly completion: LlamaCompletion,
        private readonly format: CompletionFormat
    ) {}

    /** `format`: the completion format the worker reported for this model, so both sides lay out the same tokens. */
    static async create(options: {modelPath: string; contextSize: number; sequences: number; threads: number; maxThreads: number; format: CompletionFormat}): Promise<DirectReplayer> {
        const llama = await getLlama({gpu: false, build: "never", maxThreads: options.maxThreads});
        const model = await llama.loadModel({modelPath: options.modelPath, gpuLayers: 0});
        // The worker's chat-role context has one sequence per use (chat, completion, review): the same
        // layout here, so attention over the KV cache costs the same.
        const context = await model.createContext({contextSize: options.contextSize, sequences: options.sequences, threads: options.threads});
        const sequence = context.getSequence();
        return new DirectReplayer(llama, model, context, sequence, new LlamaCompletion({contextSequence: sequence}), options.format);
    }

    get contextSize(): number {
        return this.context.contextSize;
    }

    /** Forgets the KV cache: the next prompt is evaluated from its first token. */
    async clear(): Promise<void> {
        await this.sequence.clearHistory();
    }

    /** Runs one prompt with exactly `maxTokens` to generate at most (no time cap: evaluation is what is measured). */
    async run(params: CompleteParams, maxTokens: number): Promise<ReplayTiming> {
        const prompt = completionPrompt(this.model, params, this.format, this.context.contextSize);
        let generatedTokens = 0;
        const options = {
            maxTokens: Math.max(1, maxTokens),
            temperature: params.temperature ?? 0,
            ...(params.stop && params.stop.length > 0 ? {customStopTriggers: params.stop} : {}),
            onToken: (tokens: readonly Token[]) => {
                generatedTokens += tokens.length;
            }
        };
        const reusedTokens = Math.min(prompt.tokens.length - 1, this.sequence.compareContextTokens(prompt.tokens).firstDifferentIndex);
        const started = performance.now();
        // LlamaCompletion prepends BOS itself.
        await this.completion.generateCompletionWithMeta(prompt.bos != null ? prompt.tokens.slice(1) : prompt.tokens, options);
        const ms = performance.now() - started;
        return {ms, promptTokens: prompt.tokens.length, reusedTokens, generatedTokens};
    }

    /** Characters per token of `text` in this model's vocabulary. */
    charsPerToken(text: string): number {
        return text.length / Math.max(1, this.model.tokenize(text).length);
    }

    async dispose(): Promise<void> {
        await this.context.dispose();
        await this.model.dispose();
        await this.llama.dispose();
    }
}

