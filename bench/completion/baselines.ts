/**
 * The two baselines of the completion benchmark, on the prompts of the session's completed model
 * calls (or of all its calls, when too few completed), through node-llama-cpp directly in this process (see directReplay.ts): cold, each prompt
 * evaluated whole; warm ideal, the prompts in order on one sequence, so only what a prompt does not
 * share with the previous one is evaluated. Run after the worker is shut down, never beside it.
 */
import {availableParallelism} from "node:os";
import type {ModelInfo} from "../../src/engine/protocol";
import {DirectReplayer, type ReplayTiming} from "./directReplay";
import type {CallRecord} from "./recordingBackend";
import {spreadSample} from "./stats";

export interface Baselines {
    replayable: number;
    warm: Array<{call: number; timing: ReplayTiming}>;
    cold: Array<{call: number; timing: ReplayTiming}>;
    warmMs: number;
    coldMs: number;
    charsPerToken: number;
}

export interface BaselineOptions {
    modelPath: string;
    /** The worker's model info: its context size and threads are used here too. */
    info: ModelInfo;
    /** The worker's context has this many sequences (chat, completion, review). */
    sequences: number;
    coldSamples: number;
    coldBudgetMs: number;
    warmBudgetMs: number;
    log: (message: string) => void;
}

/**
 * Warm ideal first (every prompt, in order, on one sequence), then cold (a spread-out sample, each
 * on a cleared sequence). A completed call's prompt generates as many tokens as the session's call
 * did; a call that never completed (the fallback when too few did) generates one token: its time
 * to the first token.
 */
export async function runBaselines(options: BaselineOptions, calls: readonly CallRecord[], sampleText: string): Promise<Baselines> {
    const {modelPath, info, log, coldSamples, coldBudgetMs, warmBudgetMs} = options;
    const replayer = await DirectReplayer.create({modelPath, contextSize: info.contextSize, sequences: options.sequences, threads: info.threads, maxThreads: availableParallelism()});
    try {
        if (replayer.contextSize !== info.contextSize) log(`warning: baseline context ${replayer.contextSize} ≠ worker context ${info.contextSize}`);
        const replay = (call: CallRecord): Promise<ReplayTiming> =>
            replayer.run(call.params, call.result && call.result.stopReason !== "abort" ? call.result.generatedTokens : 1);

        // Warm ideal: the prompts in order on one sequence.
        const warm: Baselines["warm"] = [];
        await replayer.clear();
        const warmStart = performance.now();
        for (const call of calls) {
            if (performance.now() - warmStart > warmBudgetMs) break;
            const timing = await replay(call);
            warm.push({call: call.index, timing});
            log(`warm ideal ${warm.length}/${calls.length}: call ${call.index}, ${timing.promptTokens - timing.reusedTokens} of ${timing.promptTokens} tokens evaluated, ${Math.round(timing.ms)} ms`);
        }
        const warmMs = performance.now() - warmStart;

        // Cold: each prompt on a cleared sequence; a spread-out sample, since each costs the whole prompt.
        const cold: Baselines["cold"] = [];
        const coldStart = performance.now();
        for (const position of spreadSample(calls.length, coldSamples)) {
            if (cold.length >= 3 && performance.now() - coldStart > coldBudgetMs) break;
            const call = calls[position] as CallRecord;
            await replayer.clear();
            const timing = await replay(call);
            cold.push({call: call.index, timing});
            log(`cold ${cold.length}: call ${call.index}, ${timing.promptTokens} tokens, ${Math.round(timing.ms)} ms`);
        }
        const coldMs = performance.now() - coldStart;
        return {replayable: calls.length, warm, cold, warmMs, coldMs, charsPerToken: replayer.charsPerToken(sampleText)};
    } finally {
        await replayer.dispose();
    }
}
