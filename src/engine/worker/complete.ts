/**
 * The `complete` operation: prefix (+ suffix, + middle, + repository) in, text out. Infill on models
 * whose completion format is FIM (completionFormat.ts), plain continuation otherwise.
 *
 * Two phases, because they fail differently under typing:
 * - prefill: the prompt tokens the KV cache lacks, evaluated in abortable slices (prefill.ts). A
 *   keystroke stops it within a slice, and what it evaluated is kept for the next request.
 * - generation: LlamaCompletion on the now-cached prompt, under the token cap and the time cap. The
 *   cap stops generation and keeps what was generated, so a slow machine still gets a (shorter)
 *   suggestion instead of none.
 *
 * Each client completes on its own sequence of the model's completion pool (loadedSequences.ts),
 * so its KV cache survives other windows' completions, and its work evaluates at keystroke
 * priority: it does not wait behind another window's chat or review on the same context
 * (batchPriority.ts).
 */
import {LlamaCompletion, type Token} from "node-llama-cpp";
import {keystrokePriority} from "./batchPriority";
import type {CompleteEvent, CompleteParams, CompleteResult} from "../protocol";
import {completionPrompt} from "./completionPrompt";
import type {CompletionSlot} from "./loadedSequences";
import {prefill} from "./prefill";
import type {LoadedModel} from "./runtime";
import {toStopReason} from "./stopReason";

const defaultMaxTokens = 128;

export async function runComplete(loaded: LoadedModel, params: CompleteParams, signal: AbortSignal, emit: (event: CompleteEvent) => void, client = 0): Promise<CompleteResult> {
    const slot = loaded.completionSlot(client);
    // Waiting for the sequence counts as keystroke work too: the batches then already leave room for it.
    return loaded.keystrokes.run(() => slot.lock.run(async () => {
        const started = performance.now();
        const completion = completionFor(slot);
        const sequence = slot.sequence;
        const prompt = completionPrompt(loaded.model, params, loaded.info.completionFormat, sequence.context.contextSize);

        // A warm-up brings every token but the last into the cache (the suggestion after it evaluates
        // that one to get its first prediction); a suggestion leaves its last slice to generation.
        const filled = params.prefillOnly === true
            ? await prefill(sequence, prompt.tokens.slice(0, -1), signal, slot.pace, keystrokePriority)
            : await prefill(sequence, prompt.tokens, signal, slot.pace, keystrokePriority, {leaveLastSlice: true});
        const prefillMs = Math.round(filled.ms);
        const base = {mode: prompt.mode, promptTokens: prompt.tokens.length, reusedTokens: filled.reused, prefillMs, prefillTokens: filled.evaluated, cutTokens: prompt.cut};
        if (!filled.complete || params.prefillOnly === true)
            return {...base, text: "", stopReason: filled.complete ? "maxTokens" : "abort", generatedTokens: 0, totalMs: Math.round(performance.now() - started)};

        const capped = new AbortController();
        let timeCapHit = false;
        const hitCap = (): void => {
            timeCapHit = true;
            capped.abort(new Error("time cap"));
        };
        const timer = params.timeCapMs != null ? setTimeout(hitCap, params.timeCapMs) : undefined;
        const generationStarted = performance.now();
        let generatedTokens = 0;
        try {
            // LlamaCompletion prepends BOS itself; it evaluates the tokens the cache still lacks (at most one slice).
            const input = prompt.bos != null ? prompt.tokens.slice(1) : prompt.tokens;
            const response = await completion.generateCompletionWithMeta(input, {
                signal: AbortSignal.any([signal, capped.signal]),
                stopOnAbortSignal: true,
                evaluationPriority: keystrokePriority,
                maxTokens: params.maxTokens ?? defaultMaxTokens,
                temperature: params.temperature ?? 0,
                ...(params.stop && params.stop.length > 0 ? {customStopTriggers: params.stop} : {}),
                onTextChunk: (text: string) => emit({kind: "text", text}),
                onToken: (tokens: readonly Token[]) => {
                    generatedTokens += tokens.length;
                    // Stop before a token that would end past the cap rather than abort it halfway:
                    // the time it would take is spent for nothing (the timer stays as the hard cap).
                    if (params.timeCapMs == null || generatedTokens === 0) return;
                    const elapsed = performance.now() - generationStarted;
                    if (elapsed + elapsed / generatedTokens > params.timeCapMs) hitCap();
                }
            });
            return {
                ...base,
                text: response.response,
                stopReason: toStopReason(response.metadata.stopReason, timeCapHit && !signal.aborted),
                generatedTokens,
                totalMs: Math.round(performance.now() - started)
            };
        } finally {
            clearTimeout(timer);
        }
    }));
}

function completionFor(slot: CompletionSlot): LlamaCompletion {
    slot.completion ??= new LlamaCompletion({contextSequence: slot.sequence});
    return slot.completion;
}
