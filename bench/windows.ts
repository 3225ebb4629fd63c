/**
 * `npm run bench:windows` (run it under the CPU lock: `flock /tmp/enclave-cpu.lock npm run bench:windows`):
 * several VS Code windows using Enclave at once, in the design of issue 15 (every window on one
 * shared model process) and in the design before it (each window its own model process), measured
 * side by side in one run.
 *
 * A window is an EngineClient in this process (`clientKind: "window"`); this process stands for the
 * windows' extension hosts. For 1, 2 and 4 windows, each window types bench:completion's typing
 * session (shortened by a time budget) in a file of its own; in a second phase one more window
 * streams a long chat answer the whole time. Phases are interleaved — for each window count: alone
 * shared, alone private, with chat shared, with chat private — and each starts from fresh model
 * processes and stops them all at its end. The model is bench:completion's random
 * Qwen2.5-Coder-0.5B-shaped one (f16) at the default context, what a user gets.
 *
 * Reported per phase: resident memory (RSS and PSS) of the model processes after the session ran,
 * completion latency p50/p95 per window (keystroke to the end of suggest(), keystrokes the model
 * answered), chat tokens/s, the load average. The last line is one JSON object with
 * `memoryRatio4vs1` and `completionP50WithChatRatio` (see the JSON's `note`).
 *
 * Environment: BENCH_QUICK=1 (1 and 2 windows, 15 s sessions: checks the benchmark end to end),
 * BENCH_WINDOWS (1,2,4), BENCH_SESSION_BUDGET_S (45), BENCH_CHAT_MAX_TOKENS (2048), BENCH_SEED (7),
 * BENCH_MODEL=tiny (a tiny random model: checks the benchmark itself; its numbers mean nothing).
 */
import {report, runBench} from "./output";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {randomModel, TINY_RANDOM_SHAPE} from "../test/models/random";
import {watchLoad} from "./machineLoad";
import {ratio, round} from "./stats";
import {settingDefaults} from "./completion/typingSession";
import {runPhase, type Design, type PhaseResult} from "./windows/phase";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const workerPath = join(repoRoot, "dist", "worker.mjs");
const log = (message: string): void => {
    console.error(`[bench:windows] ${message}`);
};
const envNumber = (name: string, fallback: number): number => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
};

const quick = process.env.BENCH_QUICK === "1";
const tiny = process.env.BENCH_MODEL === "tiny";
const seed = envNumber("BENCH_SEED", 7);
const sessionMs = envNumber("BENCH_SESSION_BUDGET_S", quick ? 15 : 45) * 1000;
const chatMaxTokens = envNumber("BENCH_CHAT_MAX_TOKENS", 2048);

function windowCounts(): number[] {
    const text = process.env.BENCH_WINDOWS ?? (quick ? "1,2" : "1,2,4");
    const counts = text.split(",").map(Number);
    if (counts.length === 0 || !counts.every((count) => Number.isInteger(count) && count >= 1 && count <= 8))
        throw new Error(`BENCH_WINDOWS must be window counts from 1 to 8 separated by commas, not ${JSON.stringify(text)}`);
    if (!counts.includes(1)) throw new Error(`BENCH_WINDOWS must include 1 (the ratios are against one window), not ${JSON.stringify(text)}`);
    return [...new Set(counts)].sort((a, b) => a - b);
}

async function main(): Promise<void> {
    if (!existsSync(workerPath)) throw new Error(`${workerPath} is missing: run \`node esbuild.mjs\` first (npm run bench:windows does).`);
    const counts = windowCounts();
    const started = performance.now();
    const load = watchLoad();

    log("generating or reusing the random Qwen2.5-Coder-0.5B-shaped model…");
    const modelPath = await randomModel(tiny ? {...TINY_RANDOM_SHAPE, vocabulary: "qwenCoder"} : {vocabulary: "qwenCoder"});
    const context = {workerPath, modelPath, seed, sessionMs, chatMaxTokens, limits: settingDefaults(), log};

    const phases: PhaseResult[] = [];
    for (const windows of counts) {
        for (const withChat of [false, true]) {
            for (const design of ["shared", "private"] as const) phases.push(await runPhase({design, windows, withChat}, context));
        }
    }

    const phase = (design: Design, windows: number, withChat: boolean): PhaseResult | undefined =>
        phases.find((entry) => entry.design === design && entry.windows === windows && entry.withChat === withChat);
    const byWindows = <T>(pick: (windows: number) => T): Record<string, T> => Object.fromEntries(counts.map((windows) => [String(windows), pick(windows)]));
    /** Window 1's p50 in `windows` windows while another window streams a chat ÷ its p50 without the chat. */
    const withChatRatio = (design: Design, windows: number): number | null =>
        ratio(phase(design, windows, true)?.perWindow[0]?.p50Ms ?? undefined, phase(design, windows, false)?.perWindow[0]?.p50Ms ?? undefined);
    const summary = (design: Design) => ({
        rssTotalMbByWindows: byWindows((windows) => phase(design, windows, false)?.memory.rssMb ?? null),
        pssTotalMbByWindows: byWindows((windows) => phase(design, windows, false)?.memory.pssMb ?? null),
        rssTotalMbByWindowsWithChat: byWindows((windows) => phase(design, windows, true)?.memory.rssMb ?? null),
        modelProcessesByWindows: byWindows((windows) => phase(design, windows, false)?.memory.pids.length ?? null),
        // Keystrokes the model answered per window (p50/p95 are null for a window with none).
        modelAnswersByWindows: byWindows((windows) => phase(design, windows, false)?.perWindow.map((window) => window.modelAnswers) ?? null),
        modelAnswersByWindowsWithChat: byWindows((windows) => phase(design, windows, true)?.perWindow.map((window) => window.modelAnswers) ?? null),
        completionP50MsByWindows: byWindows((windows) => phase(design, windows, false)?.perWindow.map((window) => window.p50Ms) ?? null),
        completionP95MsByWindows: byWindows((windows) => phase(design, windows, false)?.perWindow.map((window) => window.p95Ms) ?? null),
        completionP50MsByWindowsWithChat: byWindows((windows) => phase(design, windows, true)?.perWindow.map((window) => window.p50Ms) ?? null),
        completionP95MsByWindowsWithChat: byWindows((windows) => phase(design, windows, true)?.perWindow.map((window) => window.p95Ms) ?? null),
        chatTokensPerSecondByWindows: byWindows((windows) => phase(design, windows, true)?.chat?.tokensPerSecond ?? null),
        chatAloneTokensPerSecondByWindows: byWindows((windows) => phase(design, windows, true)?.chatAlone?.tokensPerSecond ?? null),
        completionP50WithChatRatioByWindows: byWindows((windows) => withChatRatio(design, windows)),
        memoryRatioVs1ByWindows: byWindows((windows) => ratio(phase(design, windows, false)?.memory.rssMb, phase(design, 1, false)?.memory.rssMb)),
        memoryRatioVs1ByWindowsPss: byWindows((windows) => ratio(phase(design, windows, false)?.memory.pssMb, phase(design, 1, false)?.memory.pssMb))
    });
    const shared = summary("shared");
    const today = summary("private");
    const first = phases[0]?.perWindow[0];

    const result = {
        bench: "windows",
        model: tiny ? "tiny random (benchmark self-check; numbers mean nothing)" : "random Qwen2.5-Coder-0.5B shape, f16",
        contextSize: first?.contextSize ?? null,
        quick,
        windowCounts: counts,
        sessionBudgetS: sessionMs / 1000,
        chatMaxTokens,
        memoryRatio4vs1: ratio(phase("shared", 4, false)?.memory.rssMb, phase("shared", 1, false)?.memory.rssMb),
        memoryRatio4vs1Pss: ratio(phase("shared", 4, false)?.memory.pssMb, phase("shared", 1, false)?.memory.pssMb),
        completionP50WithChatRatio: withChatRatio("shared", 1),
        targets: {memoryRatio4vs1: "≤ 1.15", completionP50WithChatRatio: "≤ 1.5"},
        shared,
        private: today,
        todayVsShared: {
            memoryRatio4vs1: ratio(phase("private", 4, false)?.memory.rssMb, phase("private", 1, false)?.memory.rssMb),
            memoryRatio4vs1Pss: ratio(phase("private", 4, false)?.memory.pssMb, phase("private", 1, false)?.memory.pssMb),
            completionP50WithChatRatio: withChatRatio("private", 1)
        },
        note:
            "shared: every window on one model process (issue 15); private: each window its own model process (before it). " +
            "Memory is the model processes' only (unique pids, read after the models loaded and the session ran; the chat, if any, still streaming); " +
            "this benchmark's own process stands for the windows' extension hosts and is not counted. memoryRatio* use RSS, as the issue asks for resident memory; " +
            "*Pss counts file pages shared between processes once, the fairer figure for private processes mapping one model file. " +
            "rssTotalMbByWindows: n windows typing, no chat; ...WithChat: one more window streaming a chat. " +
            "completionP50WithChatRatio: window 1's completion p50 with 1 window typing while another streams a chat ÷ its p50 typing alone, shared design, same run. " +
            "Latency: keystroke to the end of suggest() for keystrokes the model answered (bench:completion's p50Ms), the cold first prompt of each file included. " +
            "Chat tokens/s: generated tokens over the time from each answer's first token to its end, while the windows type; chatAlone…: one 64-token answer just before they start, nothing else running. " +
            "Phases are interleaved (per window count: alone shared, alone private, with chat shared, with chat private), each on fresh processes stopped at its end; " +
            "sessions are bench:completion's typing session cut at sessionBudgetS to keep the run short.",
        phases: phases.map(({perWindow, calls: _calls, ...rest}) => ({...rest, perWindow: perWindow.map(({latenciesMs: _, ...window}) => window)})),
        runtimeS: round((performance.now() - started) / 1000),
        loadAverage: load.report()
    };

    // The details first in the log, so the result stays the last line.
    log("per-window latencies and model calls: .cache/bench/windows-details.json");
    await report("windows", result, {phases});
}

runBench(main);
