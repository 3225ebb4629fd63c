/**
 * `npm run bench:completion`: inline completions as a user meets them, on a random
 * Qwen2.5-0.5B-shaped model (generated once, cached) in the real worker process.
 *
 * A scripted edit session types into a generated TypeScript file of 2000+ lines through the same
 * CompletionSession and ContextRing the extension uses (without VS Code): four places reached by
 * cursor jumps, code typed character by character at 60–120 ms a key with pauses of 400–1500 ms
 * (a quarter of them 2.5–6 s, where the user stops to think),
 * typos and word fixes with backspace, an edit in the middle of a line, and typing through shown
 * suggestions (their first characters, then backspace). Every keystroke makes a new snapshot,
 * tells the session (`documentChanged`), aborts the previous keystroke's request (VS Code's
 * cancellation) and asks for a suggestion. The ring holds chunks of other files from the start and
 * gets a chunk of this file when the cursor jumps far, as the extension's ContextFeeder does.
 *
 * Measured in the same run: latency to each suggestion, prompt tokens evaluated and reused per
 * model call, cache and typed-through hits, aborted calls and how long they kept the model busy,
 * model calls made while the user typed through a shown suggestion, and suggestions that arrived
 * for a snapshot that was no longer current; after the last keystroke, how long the worker stays
 * busy with evaluations nobody waits for. Then, with the worker shut down, baselines on the prompts
 * of the completed model calls, through node-llama-cpp in this process (baselines.ts): cold (a
 * cleared sequence per prompt) and warm ideal (each prompt right after the one sent before it, so
 * only the tokens they do not share are evaluated), each generating as many tokens as the session's
 * call did. Progress goes to stderr; details to .cache/bench/; the last line is one JSON object.
 *
 * Environment: BENCH_SEED (7), BENCH_SESSION_BUDGET_S (300), BENCH_COLD_SAMPLES (8),
 * BENCH_COLD_BUDGET_S (120), BENCH_WARM_BUDGET_S (150); BENCH_BUDGETS=prefix,suffix,context tries
 * other prompt budgets (estimated tokens) than the extension's defaults; BENCH_MODEL=tiny checks
 * the benchmark itself quickly on a tiny random model (its numbers mean nothing).
 */
import {report, runBench} from "./output";
import {existsSync} from "node:fs";
import {loadavg} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import type {PromptBudgets} from "../src/completion/promptBudgets";
import type {CompletionModelCaps} from "../src/completion/types";
import {EngineClient} from "../src/engine/client";
import {randomModel, TINY_RANDOM_SHAPE} from "../test/models/random";
import {runBaselines} from "./completion/baselines";
import type {CallRecord} from "./completion/recordingBackend";
import {percentile, ratio, round, sum} from "./stats";
import {answeredKeystrokes, completedSuggestCalls, createTypingSession, settingDefaults, waitForCompletionsFree} from "./completion/typingSession";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const workerPath = join(repoRoot, "dist", "worker.mjs");
const envNumber = (name: string, fallback: number): number => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
};
const seed = envNumber("BENCH_SEED", 7);
const sessionBudgetMs = envNumber("BENCH_SESSION_BUDGET_S", 300) * 1000;
const coldSamples = envNumber("BENCH_COLD_SAMPLES", 8);
const coldBudgetMs = envNumber("BENCH_COLD_BUDGET_S", 120) * 1000;
const warmBudgetMs = envNumber("BENCH_WARM_BUDGET_S", 150) * 1000;

/** EngineClient's default grace for a cancelled request to return its partial result (client.ts). */
const cancelGraceMs = 5_000;
const minCompletedForReplay = 3;
/** After the session, how long a one-token probe may wait for the worker to finish what it was still evaluating. */
const drainProbeTimeoutMs = 90_000;

const log = (message: string): void => {
    console.error(`[bench:completion] ${message}`);
};
const t0 = performance.now();
const clock = (): number => performance.now() - t0;

/**
 * BENCH_BUDGETS=prefix,suffix,context (estimated tokens) tries other prompt budgets than the
 * extension's defaults (promptBudgets.ts) without editing src/; unset, the defaults apply.
 */
function budgetOverride(): PromptBudgets | undefined {
    const text = process.env.BENCH_BUDGETS;
    if (text == null || text === "") return undefined;
    const [prefixTokens, suffixTokens, contextTokens] = text.split(",").map(Number);
    if (![prefixTokens, suffixTokens, contextTokens].every((value) => value !== undefined && Number.isInteger(value) && value >= 0))
        throw new Error(`BENCH_BUDGETS must be three whole numbers (prefix,suffix,context), not ${JSON.stringify(text)}`);
    return {prefixTokens: prefixTokens as number, suffixTokens: suffixTokens as number, contextTokens: contextTokens as number};
}

async function main(): Promise<void> {
    if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: run \`node esbuild.mjs\` first (npm run bench:completion does).`);
    const loadStart = loadavg();
    // Other jobs on this 2-core machine distort every number: keep the worst 1-minute load seen.
    let loadMax = loadStart[0] ?? 0;
    const loadSampler = setInterval(() => {
        loadMax = Math.max(loadMax, loadavg()[0] ?? 0);
    }, 5_000);
    loadSampler.unref();
    log("generating or reusing the random Qwen2.5-0.5B-shaped model…");
    // BENCH_MODEL=tiny checks the benchmark itself in a minute (a few-hundred-KB model); its numbers mean nothing.
    const tiny = process.env.BENCH_MODEL === "tiny";
    // Coder-shaped (Qwen2.5-Coder's tokens and ChatML template), so the worker picks repository-level FIM,
    // the format completions are measured in.
    const modelPath = await randomModel(tiny ? {...TINY_RANDOM_SHAPE, vocabulary: "qwenCoder"} : {vocabulary: "qwenCoder"});

    const client = new EngineClient({workerPath, processScope: "private", log: (level, message) => level === "error" && log(`worker: ${message}`)});
    client.configure({modelPath, gpu: "off"});
    const info = await client.ensureModel();
    const caps: CompletionModelCaps = {format: info.completionFormat, thinks: info.thinks, contextSize: info.contextSize};
    const mode = caps.format;
    log(`model loaded in ${info.loadMs} ms: context ${info.contextSize}, ${info.threads} threads, thinks ${info.thinks} → ${mode} format (${info.completionFormatReason})`);

    const limits = settingDefaults();
    const budgets = budgetOverride();
    const {mainText, editor, ring, backend, session, driver} = createTypingSession({
        client,
        caps,
        seed,
        uri: "file:///work/store/src/backOffice.ts",
        limits,
        budgets,
        deadline: clock() + sessionBudgetMs,
        clock,
        log
    });
    log(`fixture: ${editor.lineCount} lines, ${mainText.length} chars; ring: ${ring.size} chunks, ~${ring.tokens} estimated tokens`);
    const sessionStart = clock();
    await driver.run();
    const sessionMs = clock() - sessionStart;
    const stats = session.stats;
    session.dispose();
    // Evaluation the user no longer waits for may still be running: a one-token probe on the same
    // sequence answers when the worker is free again.
    const lastKeyAt = driver.keystrokes.at(-1)?.atMs ?? clock();
    const probed = await waitForCompletionsFree(client, drainProbeTimeoutMs, log);
    const workerFreeAfterLastKeyS = probed === undefined ? null : round((clock() - lastKeyAt) / 1000);
    log(`worker free ${workerFreeAfterLastKeyS ?? `> ${drainProbeTimeoutMs / 1000 + 30}`} s after the last keystroke`);
    // The baselines must not share the two cores with the worker.
    await client.shutdown();
    log(`session done in ${(sessionMs / 1000).toFixed(1)} s: ${driver.keystrokes.length} keystrokes, ${stats.modelCalls} model calls; worker shut down`);

    // Every call, prefetches included: the worker's cache state before a call is the prompt of the one before it.
    const calls = backend.calls;
    const suggestCalls = calls.filter((call) => call.purpose === "suggest");
    const warmCalls = calls.filter((call) => call.purpose === "warm");
    const completed = completedSuggestCalls(calls);
    const isAborted = (call: CallRecord): boolean => call.result?.stopReason === "abort" || (call.error !== undefined && call.settleAfterAbortMs !== undefined);
    const abortedCalls = suggestCalls.filter(isAborted);
    // Too few completed calls say nothing about the baselines: then replay every prompt sent (to the first token).
    const replaySet = completed.length >= minCompletedForReplay ? "completed" : "all sent (too few completed; each to its first token)";
    const toReplay = completed.length >= minCompletedForReplay ? completed : suggestCalls;
    log(`replaying ${toReplay.length} prompts in-process (${replaySet})…`);
    const baselines = await runBaselines({modelPath, info, sequences: 3, coldSamples, coldBudgetMs, warmBudgetMs, log}, calls, toReplay, mainText);

    // --- the numbers ---
    const keys = driver.keystrokes;
    const shown = keys.filter((key) => key.outcome === "model" || key.outcome === "cache" || key.outcome === "typedThrough");
    // Latency counts every keystroke the model answered (typingSession.ts); shown ones are reported apart.
    const answered = answeredKeystrokes(keys, completed);
    const answerLatencies = answered.map((key) => key.latencyMs ?? 0);
    const shownModelLatencies = keys.filter((key) => key.outcome === "model").map((key) => key.latencyMs ?? 0);
    const p50Ms = percentile(answerLatencies, 50);
    const firstAnswer = answered[0];
    const warmTimes = baselines.warm.map((entry) => entry.timing.ms);
    const coldTimes = baselines.cold.map((entry) => entry.timing.ms);
    const warmIdealP50Ms = percentile(warmTimes, 50);
    const warmCompletedOnlyP50Ms = percentile(baselines.warmCompletedOnly.map((entry) => entry.timing.ms), 50);
    const coldP50Ms = percentile(coldTimes, 50);
    const coldCalls = new Set(baselines.cold.map((entry) => entry.call));
    const byCall = new Map(completed.map((call) => [call.index, call]));
    const promptTokenMismatches = baselines.warm.filter((entry) => byCall.has(entry.call) && entry.timing.promptTokens !== byCall.get(entry.call)?.result?.promptTokens).length;
    const evaluated = (call: CallRecord): number => Math.max(0, (call.result?.promptTokens ?? 0) - (call.result?.reusedTokens ?? 0));
    const stopReasons: Record<string, number> = {};
    for (const call of suggestCalls) {
        const reason = call.result?.stopReason ?? (call.error !== undefined ? "error" : "pending");
        stopReasons[reason] = (stopReasons[reason] ?? 0) + 1;
    }
    const typedThroughModelCalls = calls.filter((call) => call.typingThrough).length;

    const result = {
        bench: "completion",
        model: tiny ? "tiny random (benchmark self-check)" : "random Qwen2.5-0.5B shape, f16",
        mode,
        promptFormat: {repoFim: "repository-level fim (<|repo_name|>, <|file_sep|> files)", fim: "fim with comment files", r1: "r1 prefilled answer", plain: "plain continuation"}[mode],
        engine: {contextSize: info.contextSize, threads: info.threads, charsPerToken: round(baselines.charsPerToken, 2), completionFormat: info.completionFormat, thinks: info.thinks},
        limits,
        budgets: budgets ?? "extension defaults",
        fixture: {lines: editor.lineCount, chars: mainText.length, ringChunks: ring.size, seed},
        keystrokes: keys.length,
        keystrokesTypingThrough: keys.filter((key) => key.typingThrough).length,
        suggestions: shown.length,
        modelAnswers: answered.length,
        modelSuggestionsShown: shownModelLatencies.length,
        p50Ms: round(p50Ms),
        p95Ms: round(percentile(answerLatencies, 95)),
        latencyNote: "p50Ms/p95Ms: keystroke to the end of suggest() for keystrokes the model answered (shown, or emptied by post-processing); p50ShownMs: model suggestions shown; p50AllSuggestionsMs: every suggestion shown, cache and typed-through included",
        p50ShownMs: round(percentile(shownModelLatencies, 50)),
        p50AllSuggestionsMs: round(percentile(shown.map((key) => key.latencyMs ?? 0), 50)),
        // Latencies are of suggestions that arrived; these say how often one arrived at all.
        pauses: driver.pauses,
        pausesWithSuggestion: driver.pausesWithSuggestion,
        firstModelAnswerAtS: round(firstAnswer === undefined ? undefined : (firstAnswer.atMs + (firstAnswer.latencyMs ?? 0) - (keys[0]?.atMs ?? 0)) / 1000),
        p50VsColdRatio: ratio(p50Ms, coldP50Ms),
        p50VsWarmIdealRatio: ratio(p50Ms, warmIdealP50Ms),
        typedThroughModelCalls,
        staleSuggestionsShown: driver.staleSuggestionsShown,
        modelCalls: stats.modelCalls,
        completedModelCalls: completed.length,
        cacheHits: stats.cacheHits,
        typedThroughHits: stats.typedThroughHits,
        aborted: stats.aborted,
        staleDropped: stats.staleDropped,
        emptyAfterPostProcessing: stats.empty,
        errors: stats.errors,
        promptTokensEvaluated: sum(completed.map(evaluated)),
        promptTokensReused: sum(completed.map((call) => call.result?.reusedTokens ?? 0)),
        promptTokensP50: percentile(completed.map((call) => call.result?.promptTokens ?? 0), 50) ?? null,
        evaluatedPerCallP50: percentile(completed.map(evaluated), 50) ?? null,
        generatedTokensP50: percentile(completed.map((call) => call.result?.generatedTokens ?? 0), 50) ?? null,
        stopReasons,
        sessionCall: {
            // Wall time of the backend call for completed calls (IPC, waiting for the worker's lock, evaluation, generation)…
            p50Ms: round(percentile(completed.map((call) => call.durationMs ?? 0), 50)),
            // …and the worker's own time for it (evaluation and generation only).
            engineP50Ms: round(percentile(completed.map((call) => call.result?.totalMs ?? 0), 50))
        },
        // Prompts evaluated while the user typed, ahead of a suggestion (nothing generated, never shown).
        warmUps: {
            count: warmCalls.length,
            completed: warmCalls.filter((call) => call.result !== undefined && !isAborted(call)).length,
            promptTokensEvaluated: sum(warmCalls.map(evaluated))
        },
        // The worker finished evaluating what the session had sent this long after the last keystroke (null: not within the probe's wait).
        workerFreeAfterLastKeyS,
        abortedCalls: {
            count: abortedCalls.length,
            sentAlreadyAborted: calls.filter((call) => call.sentAborted).length,
            promptTokensEvaluated: sum(abortedCalls.map(evaluated)),
            settleAfterAbortP50Ms: round(percentile(abortedCalls.map((call) => call.settleAfterAbortMs ?? 0), 50)),
            settleAfterAbortMaxMs: round(percentile(abortedCalls.map((call) => call.settleAfterAbortMs ?? 0), 100)),
            // The client gives up on a cancelled request after its grace period while the worker may still be evaluating it.
            hitCancelGrace: abortedCalls.filter((call) => (call.settleAfterAbortMs ?? 0) >= cancelGraceMs - 100).length
        },
        coldP50Ms: round(coldP50Ms),
        warmIdealP50Ms: round(warmIdealP50Ms),
        baselines: {
            replaySet,
            replayablePrompts: baselines.replayable,
            warmReplayed: baselines.warm.length,
            warmSubsampled: baselines.warm.length < baselines.replayable,
            warmIdealNote: "warm ideal: each prompt on a sequence holding the prompt the session sent just before it (only the tokens they do not share are evaluated); warm completed-only: the completed prompts alone, in order",
            warmIdealP95Ms: round(percentile(warmTimes, 95)),
            warmCompletedOnlyReplayed: baselines.warmCompletedOnly.length,
            warmCompletedOnlyP50Ms: round(warmCompletedOnlyP50Ms),
            p50VsWarmCompletedOnlyRatio: ratio(p50Ms, warmCompletedOnlyP50Ms),
            warmIdealPromptTokensEvaluated: sum(baselines.warm.map((entry) => Math.max(0, entry.timing.promptTokens - entry.timing.reusedTokens))),
            coldSampled: baselines.cold.length,
            coldSubsampled: baselines.cold.length < baselines.replayable,
            coldSampleNote: "cold runs a spread-out sample of the replayed prompts (each evaluates the whole prompt, within BENCH_COLD_BUDGET_S); warm ideal times them all unless warmSubsampled",
            warmIdealP50OnColdSampleMs: round(percentile(baselines.warm.filter((entry) => coldCalls.has(entry.call)).map((entry) => entry.timing.ms), 50)),
            promptTokenMismatches,
            warmReplayS: round(baselines.warmMs / 1000),
            warmCompletedOnlyReplayS: round(baselines.warmCompletedOnlyMs / 1000),
            coldReplayS: round(baselines.coldMs / 1000)
        },
        targets: {
            p50VsColdRatio: "≤ 0.1",
            p50VsWarmIdealRatio: "≤ 1.2",
            typedThroughModelCalls: "= 0",
            staleSuggestionsShown: "= 0"
        },
        truncatedSession: driver.truncated,
        sessionS: round(sessionMs / 1000),
        runtimeS: round(clock() / 1000),
        loadAverage: {start: round(loadStart[0], 2), max: round(loadMax, 2), end: round(loadavg()[0], 2)}
    };

    log("per-keystroke and per-call details: .cache/bench/completion-details.json");
    await report("completion", result, {keystrokes: keys, calls, baselines});
}

runBench(main);
