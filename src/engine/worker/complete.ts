/**
 * The `complete` operation: prefix (+ suffix) in, text out. Infill when the model has FIM tokens,
 * plain continuation otherwise. A time cap stops generation and keeps what was generated, so a
 * slow machine still gets a (shorter) suggestion instead of none.
 */
import {LlamaCompletion, LlamaText, SpecialTokensText, type LlamaModel, type Token} from "node-llama-cpp";
import type {CompleteEvent, CompleteParams, CompleteResult} from "../protocol";
import type {LoadedModel} from "./runtime";
import {toStopReason} from "./stopReason";

const defaultMaxTokens = 128;

export async function runComplete(loaded: LoadedModel, params: CompleteParams, signal: AbortSignal, emit: (event: CompleteEvent) => void): Promise<CompleteResult> {
    return loaded.lock("completion").run(async () => {
        const completion = completionFor(loaded);
        const started = performance.now();
        const capped = new AbortController();
        let timeCapHit = false;
        const timer = params.timeCapMs != null
            ? setTimeout(() => {
                timeCapHit = true;
                capped.abort(new Error("time cap"));
            }, params.timeCapMs)
            : undefined;
        let generatedTokens = 0;
        const useInfill = params.suffix != null && completion.infillSupported;
        const sequence = loaded.sequence("completion");
        const before = sequence.contextTokens;
        const prefix = params.specialTokens ? withSpecialTokens(params.prefix, loaded.model) : params.prefix;
        const options = {
            signal: AbortSignal.any([signal, capped.signal]),
            stopOnAbortSignal: true,
            maxTokens: params.maxTokens ?? defaultMaxTokens,
            temperature: params.temperature ?? 0,
            ...(params.stop && params.stop.length > 0 ? {customStopTriggers: params.stop} : {}),
            onTextChunk: (text: string) => emit({kind: "text", text}),
            onToken: (tokens: readonly unknown[]) => {
                generatedTokens += tokens.length;
            }
        };
        try {
            const response = useInfill
                ? await completion.generateInfillCompletionWithMeta(prefix, params.suffix ?? "", options)
                : await completion.generateCompletionWithMeta(prefix, options);
            const after = sequence.contextTokens;
            return {
                text: response.response,
                mode: useInfill ? "infill" : "completion",
                stopReason: toStopReason(response.metadata.stopReason, timeCapHit && !signal.aborted),
                generatedTokens,
                promptTokens: Math.max(0, after.length - generatedTokens),
                reusedTokens: commonPrefixLength(before, after),
                totalMs: Math.round(performance.now() - started)
            };
        } finally {
            clearTimeout(timer);
        }
    });
}

function completionFor(loaded: LoadedModel): LlamaCompletion {
    let completion = loaded.state.get("completion") as LlamaCompletion | undefined;
    if (!completion) {
        completion = new LlamaCompletion({contextSequence: loaded.sequence("completion")});
        loaded.state.set("completion", completion);
    }
    return completion;
}

/**
 * A prompt written in the model's chat format. node-llama-cpp prepends BOS itself when the model
 * asks for it, so a BOS written by the prompt builder is dropped rather than doubled.
 */
export function withSpecialTokens(prefix: string, model: LlamaModel): LlamaText {
    const bos = model.tokens.bosString;
    const text = bos && model.tokens.shouldPrependBosToken && prefix.startsWith(bos) ? prefix.slice(bos.length) : prefix;
    return LlamaText(new SpecialTokensText(text));
}

export function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
    const length = Math.min(a.length, b.length);
    let i = 0;
    while (i < length && a[i] === b[i]) i++;
    return i;
}
