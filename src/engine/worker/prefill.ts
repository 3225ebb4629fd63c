/**
 * Prompt evaluation that an abort can stop. node-llama-cpp evaluates a whole prompt in one native
 * call that nothing interrupts: measured here, an abort 300 ms into a 1535-token prompt returned
 * after 26 s, and the completion sequence stayed busy while the user typed on. So the tokens the KV
 * cache lacks are evaluated in slices, with the abort checked between them. What a stopped prefill
 * evaluated stays in the cache: the next keystroke's prompt shares it and resumes from there instead
 * of starting cold.
 *
 * Slices are never smaller than 256 tokens, because smaller batches read the prompt slower: on
 * this 2-core machine llama-bench read a 1,500-token prompt at 148, 182, 196, 197 and 200 tokens/s
 * with micro-batches of 64, 128, 256, 512 and 1,024 (bench:engine's worker, with slices of about 76
 * tokens, read it at 0.75× llama-bench). The larger slice costs a typing user little: a keystroke
 * on the cursor's line changes only the prompt's end (the line sits after the suffix), so the
 * slice being finished is work the next prompt needs anyway; only a jump elsewhere waits for a
 * slice it does not use.
 */
import type {EvaluationPriority, LlamaContextSequence, Token} from "node-llama-cpp";

export interface PrefillResult {
    /** Tokens the cache already held. */
    reused: number;
    /** Tokens evaluated by this call. */
    evaluated: number;
    /** All tokens are in the cache, or all but the last slice with `leaveLastSlice` (false: stopped by the abort). */
    complete: boolean;
    ms: number;
}

/**
 * Sizes slices from the measured evaluation speed, so that an abort waits about `targetSliceMs`
 * on any machine: small slices on a laptop CPU, large ones on a GPU, where tiny batches would
 * waste most of its throughput. One per model: speeds differ between models.
 */
export class PrefillPace {
    private tokensPerSecond: number | undefined;

    constructor(
        private readonly targetSliceMs = 400,
        private readonly minSlice = 256,
        private readonly maxSlice = 2048
    ) {}

    /** Tokens to evaluate in the next slice. */
    sliceSize(): number {
        if (this.tokensPerSecond == null) return this.minSlice;
        const wanted = (this.tokensPerSecond * this.targetSliceMs) / 1000;
        return Math.max(this.minSlice, Math.min(this.maxSlice, Math.floor(wanted)));
    }

    record(tokens: number, ms: number): void {
        // Slices of a few tokens say more about fixed overhead than about speed.
        if (tokens < this.minSlice || ms <= 0) return;
        const speed = (tokens * 1000) / ms;
        this.tokensPerSecond = this.tokensPerSecond == null ? speed : this.tokensPerSecond * 0.7 + speed * 0.3;
    }
}

/**
 * Brings the sequence's KV cache to exactly `tokens`, keeping the prefix it already holds. The
 * slices evaluate at `priority` (batchPriority.ts: a completion's outrank another window's chat).
 *
 * `leaveLastSlice`: stop once what is left fits in one slice, and leave it to the generation that
 * follows. Generation evaluates what the cache lacks together with its first prediction, in one
 * batch; evaluating the last tokens here instead costs one more pass over all the weights — about
 * as long as generating a token (50 ms on this machine's 0.5B f16 test model), on every keystroke's
 * suggestion. What is left is at most one slice, so an abort waits no longer than for a slice here.
 */
export async function prefill(sequence: LlamaContextSequence, tokens: readonly Token[], signal: AbortSignal, pace: PrefillPace, priority?: EvaluationPriority, options: {leaveLastSlice?: boolean} = {}): Promise<PrefillResult> {
    const started = performance.now();
    // Drops what follows the shared prefix (an older prompt's tail, generated text); no shifting.
    await sequence.adaptStateToTokens([...tokens], false);
    const reused = sequence.nextTokenIndex;
    let next = reused;
    while (next < tokens.length) {
        if (options.leaveLastSlice === true && tokens.length - next <= pace.sliceSize()) break;
        if (signal.aborted) return {reused, evaluated: next - reused, complete: false, ms: performance.now() - started};
        const slice = tokens.slice(next, next + pace.sliceSize());
        const sliceStarted = performance.now();
        await sequence.evaluateWithoutGeneratingNewTokens([...slice], priority == null ? {} : {evaluationPriority: priority});
        pace.record(slice.length, performance.now() - sliceStarted);
        next += slice.length;
    }
    return {reused, evaluated: next - reused, complete: true, ms: performance.now() - started};
}
