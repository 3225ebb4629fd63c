/**
 * The baselines of the completion benchmark: the prompts of the session's completed model calls
 * (or of all its calls, when too few completed), through node-llama-cpp directly in this process
 * (see directReplay.ts). Run after the worker is shut down, never beside it.
 *
 * - cold: each prompt on a cleared sequence, so the whole prompt is evaluated.
 * - warm ideal: each prompt on a sequence that holds the prompt the session sent just before it
 *   (replayed first, untimed), so only the tokens the two do not share are evaluated. That is the
 *   best cache the session could have had at that moment; the worker's own cache held exactly that
 *   prompt too, since an aborted call still evaluates its whole prompt.
 * - warm, completed only: the completed prompts alone, in order, on one sequence (the literal
 *   reading of "replayed in order"). Completed calls are sparse, so consecutive ones share less
 *   than a keystroke's prompt shares with the one before; this costs more than the ideal.
 * A completed call's prompt generates as many tokens as the session's call did; a call that never
 * completed (the fallback) generates one token: its time to the first token.
 */
import {availableParallelism} from "node:os";
import type {ModelInfo} from "../../src/engine/protocol";
import {DirectReplayer, type ReplayTiming} from "./directReplay";
import type {CallRecord} from "./recordingBackend";
import {spreadSample} from "../stats";

export interface TimedReplay {
    call: number;
    timing: ReplayTiming;
}

export interface Baselines {
    replayable: number;
    warm: TimedReplay[];
    warmCompletedOnly: TimedReplay[];
    cold: TimedReplay[];
    warmMs: number;
    warmCompletedOnlyMs: number;
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
 * `calls` are all the session's calls in the order it made them (their `index` is their
 * position); `targets` are the ones to time, in the same order.
 */
export async function runBaselines(options: BaselineOptions, calls: readonly CallRecord[], targets: readonly CallRecord[], sampleText: string): Promise<Baselines> {
    const {modelPath, info, log, coldSamples, coldBudgetMs, warmBudgetMs} = options;
    const replayer = await DirectReplayer.create({modelPath, contextSize: info.contextSize, sequences: options.sequences, threads: info.threads, maxThreads: availableParallelism(), format: info.completionFormat});
    try {
        if (replayer.contextSize !== info.contextSize) log(`warning: baseline context ${replayer.contextSize} ≠ worker context ${info.contextSize}`);
        const replay = (call: CallRecord): Promise<ReplayTiming> =>
            replayer.run(call.params, call.result && call.result.stopReason !== "abort" ? call.result.generatedTokens : 1);
        const describe = (timing: ReplayTiming): string =>
            `${timing.promptTokens - timing.reusedTokens} of ${timing.promptTokens} tokens evaluated, ${timing.generatedTokens} generated, ${Math.round(timing.ms)} ms`;

        // Warm ideal: each target right after the prompt sent before it.
        const warm: TimedReplay[] = [];
        await replayer.clear();
        let held: number | undefined;
        const warmStart = performance.now();
        for (const target of targets) {
            if (performance.now() - warmStart > warmBudgetMs) break;
            const previous = calls[target.index - 1];
            if (previous && held !== previous.index) await replayer.run(previous.params, 1);
            const timing = await replay(target);
            held = target.index;
            warm.push({call: target.index, timing});
            log(`warm ideal ${warm.length}/${targets.length}: call ${target.index}, ${describe(timing)}`);
        }
        const warmMs = performance.now() - warmStart;

        // Warm, completed only: the targets alone, in order. The same as the ideal when every call is a target.
        const warmCompletedOnly: TimedReplay[] = [];
        const literalStart = performance.now();
        if (targets.length < calls.length) {
            await replayer.clear();
            for (const target of targets) {
                if (performance.now() - literalStart > warmBudgetMs / 2) break;
                const timing = await replay(target);
                warmCompletedOnly.push({call: target.index, timing});
                log(`warm, completed only ${warmCompletedOnly.length}/${targets.length}: call ${target.index}, ${describe(timing)}`);
            }
        }
        const warmCompletedOnlyMs = performance.now() - literalStart;

        // Cold: each prompt on a cleared sequence; a spread-out sample, since each costs the whole prompt.
        const cold: TimedReplay[] = [];
        const coldStart = performance.now();
        let lastColdMs = 0;
        for (const position of spreadSample(targets.length, coldSamples)) {
            // Each cold run costs about as much as the last one: stop before one would overrun the budget.
            if (cold.length >= 1 && performance.now() - coldStart + lastColdMs > coldBudgetMs) break;
            const target = targets[position] as CallRecord;
            await replayer.clear();
            const timing = await replay(target);
            cold.push({call: target.index, timing});
            lastColdMs = timing.ms;
            log(`cold ${cold.length}: call ${target.index}, ${describe(timing)}`);
        }
        const coldMs = performance.now() - coldStart;
        return {replayable: targets.length, warm, warmCompletedOnly, cold, warmMs, warmCompletedOnlyMs, coldMs, charsPerToken: replayer.charsPerToken(sampleText)};
    } finally {
        await replayer.dispose();
    }
}
