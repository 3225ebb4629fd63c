/**
 * The `complete` operation: prefix (+ suffix) in, text out. Infill when the model has FIM tokens,
 * plain continuation otherwise. A time cap stops generation and keeps what was generated, so a
 * slow machine still gets a (shorter) suggestion instead of none.
 */
import {LlamaCompletion} from "node-llama-cpp";
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
                ? await completion.generateInfillCompletionWithMeta(params.prefix, params.suffix ?? "", options)
                : await completion.generateCompletionWithMeta(params.prefix, options);
            return {
                text: response.response,
                mode: useInfill ? "infill" : "completion",
                stopReason: toStopReason(response.metadata.stopReason, timeCapHit && !signal.aborted),
                generatedTokens,
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
