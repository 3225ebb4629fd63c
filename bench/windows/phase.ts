/**
 * One phase of bench:windows: `windows` simulated VS Code windows — EngineClients in this process,
 * `clientKind: "window"` — on one shared model process ("shared", the design of issue 15) or each on
 * a process of its own ("private", the design before it). Each window loads the model (one after
 * another, as windows open), then all of them type a completion session at once, each in its own
 * file; with `withChat`, one more window streams a long chat answer the whole time. After the
 * session, the resident memory of the model processes is read, and every process is stopped.
 */
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {setTimeout as sleep} from "node:timers/promises";
import type {CompletionModelCaps} from "../../src/completion/types";
import {EngineClient} from "../../src/engine/client";
import type {ModelInfo} from "../../src/engine/protocol";
import type {CallRecord} from "../completion/recordingBackend";
import {type LoadReport, watchLoad} from "../machineLoad";
import {percentile, round} from "../stats";
import {answeredKeystrokes, completedSuggestCalls, createTypingSession, type SuggestionLimits} from "../completion/typingSession";
import {ChatStream, type ChatStreamStats} from "./chatStream";
import {isRunning, totalMemory, type MemoryTotal} from "./memory";

export type Design = "shared" | "private";

export interface PhaseSpec {
    design: Design;
    windows: number;
    withChat: boolean;
}

export interface PhaseContext {
    workerPath: string;
    modelPath: string;
    seed: number;
    sessionMs: number;
    chatMaxTokens: number;
    limits: SuggestionLimits;
    log: (message: string) => void;
}

export interface WindowResult {
    window: number;
    pid: number;
    contextSize: number;
    loadMs: number;
    keystrokes: number;
    modelAnswers: number;
    /** Keystroke to the end of suggest() for the keystrokes the model answered (typingSession.ts). */
    latenciesMs: number[];
    p50Ms: number | null;
    p95Ms: number | null;
    modelCalls: number;
    completedModelCalls: number;
    aborted: number;
    errors: number;
    staleSuggestionsShown: number;
}

export interface PhaseResult extends PhaseSpec {
    /** Model processes (unique pids) and their memory, read after the session ran, the chat still streaming. */
    memory: MemoryTotal;
    /** Windows the shared process counted when memory was read (every client is a window here). */
    windowsSeenByProcess: number[];
    perWindow: WindowResult[];
    /** Every window's answered keystrokes together. */
    p50Ms: number | null;
    p95Ms: number | null;
    /** The chat while the windows type… */
    chat: ChatStreamStats | null;
    /** …and one short answer before they start, nothing else running. */
    chatAlone: ChatStreamStats | null;
    /** Every window's model calls, for the details file. */
    calls: Array<Array<Pick<CallRecord, "purpose" | "startedAtMs" | "durationMs" | "error"> & {promptTokens?: number; reusedTokens?: number; generatedTokens?: number; stopReason?: string}>>;
    sessionS: number | null;
    loadAverage: LoadReport;
}

/** Each window types in its own file; window 0's is bench:completion's. */
const fileOf = (window: number): string => `file:///work/store/src/backOffice${window === 0 ? "" : `-${window + 1}`}.ts`;

const processGoneTimeoutMs = 10_000;
/** The short answer that measures the chat alone. */
const chatAloneTokens = 64;

export async function runPhase(spec: PhaseSpec, context: PhaseContext): Promise<PhaseResult> {
    const {log} = context;
    const tag = `${spec.design} ×${spec.windows}${spec.withChat ? " + chat" : ""}`;
    const load = watchLoad();
    // The shared process lives in this folder, not the user's runtime folder; private ones each in a folder inside it.
    const runtimeDir = await mkdtemp(join(tmpdir(), "enclave-bench-windows-"));
    const clients: EngineClient[] = [];
    const open = (): EngineClient => {
        const client = new EngineClient({
            workerPath: context.workerPath,
            runtimeDir,
            processScope: spec.design,
            clientKind: "window",
            log: (level, message) => level === "error" && log(`${tag}: model process: ${message}`)
        });
        client.configure({modelPath: context.modelPath, gpu: "off"});
        clients.push(client);
        return client;
    };
    try {
        const typing: Array<{client: EngineClient; info: ModelInfo}> = [];
        for (let window = 0; window < spec.windows; window++) {
            const client = open();
            typing.push({client, info: await client.ensureModel()});
        }
        const chatClient = spec.withChat ? open() : undefined;
        if (chatClient) await chatClient.ensureModel();
        const pids = clients.map((client) => client.workerPid ?? -1);
        const expected = spec.design === "shared" ? 1 : clients.length;
        if (pids.includes(-1) || new Set(pids).size !== expected)
            throw new Error(`${tag}: expected ${expected} model process(es) for ${clients.length} client(s), got pids ${pids.join(", ")}`);
        log(`${tag}: ${clients.length} client(s) on ${expected} model process(es), context ${typing[0]?.info.contextSize} tokens, ${typing[0]?.info.threads} threads`);

        const chat = chatClient ? new ChatStream(chatClient, context.chatMaxTokens) : undefined;
        const chatAlone = (await chat?.measureAlone(chatAloneTokens)) ?? null;
        // The chat is under way (its first text arrived) before anyone types.
        await chat?.start();
        const t0 = performance.now();
        const clock = (): number => performance.now() - t0;
        const sessions = typing.map(({client, info}, window) => {
            const caps: CompletionModelCaps = {format: info.completionFormat, thinks: info.thinks, contextSize: info.contextSize};
            return createTypingSession({
                client,
                caps,
                seed: context.seed + window,
                uri: fileOf(window),
                limits: context.limits,
                deadline: context.sessionMs,
                clock,
                log: (message) => window === 0 && log(`${tag}: window 1: ${message}`)
            });
        });
        await Promise.all(sessions.map(({driver}) => driver.run()));
        const sessionS = round(clock() / 1000);
        const windowsSeenByProcess = clients.map((client) => client.sharedWindows);
        const memory = await totalMemory(pids);
        const chatStats = (await chat?.stop()) ?? null;
        for (const {session} of sessions) session.dispose();

        const perWindow = sessions.map(({backend, driver, session}, window): WindowResult => {
            const completed = completedSuggestCalls(backend.calls);
            const latenciesMs = answeredKeystrokes(driver.keystrokes, completed).map((key) => key.latencyMs ?? 0);
            const stats = session.stats;
            const loaded = typing[window] as {client: EngineClient; info: ModelInfo};
            return {
                window: window + 1,
                pid: pids[window] as number,
                contextSize: loaded.info.contextSize,
                loadMs: loaded.info.loadMs,
                keystrokes: driver.keystrokes.length,
                modelAnswers: latenciesMs.length,
                latenciesMs: latenciesMs.map((ms) => Math.round(ms)),
                p50Ms: round(percentile(latenciesMs, 50)),
                p95Ms: round(percentile(latenciesMs, 95)),
                modelCalls: stats.modelCalls,
                completedModelCalls: completed.length,
                aborted: stats.aborted,
                errors: stats.errors,
                staleSuggestionsShown: driver.staleSuggestionsShown
            };
        });
        const all = perWindow.flatMap((window) => window.latenciesMs);
        const result: PhaseResult = {
            ...spec,
            memory,
            windowsSeenByProcess,
            perWindow,
            p50Ms: round(percentile(all, 50)),
            p95Ms: round(percentile(all, 95)),
            chat: chatStats,
            chatAlone,
            calls: sessions.map(({backend}) =>
                backend.calls.map((call) => ({
                    purpose: call.purpose,
                    startedAtMs: Math.round(call.startedAtMs),
                    ...(call.durationMs !== undefined ? {durationMs: Math.round(call.durationMs)} : {}),
                    ...(call.result
                        ? {promptTokens: call.result.promptTokens, reusedTokens: call.result.reusedTokens, generatedTokens: call.result.generatedTokens, stopReason: call.result.stopReason}
                        : {}),
                    ...(call.error !== undefined ? {error: call.error} : {})
                }))
            ),
            sessionS,
            loadAverage: load.report()
        };
        log(
            `${tag}: RSS ${memory.rssMb} MB, PSS ${memory.pssMb} MB; completion p50 ${perWindow.map((window) => window.p50Ms ?? "–").join(" / ")} ms` +
                (chatStats ? `; chat ${chatStats.tokensPerSecond ?? "–"} tokens/s (alone ${chatAlone?.tokensPerSecond ?? "–"})` : "")
        );
        return result;
    } finally {
        await stopAll(clients, spec.design, log);
        await rm(runtimeDir, {recursive: true, force: true});
    }
}

/** Stops every model process of the phase, and checks that none is left running. */
async function stopAll(clients: readonly EngineClient[], design: Design, log: (message: string) => void): Promise<void> {
    const pids = [...new Set(clients.map((client) => client.workerPid).filter((pid): pid is number => pid !== undefined))];
    // A shared process outlives its windows (it exits when idle): "Unload Model" ends it for all of them.
    if (design === "shared") await clients[0]?.unload().catch(() => undefined);
    await Promise.all(clients.map((client) => client.shutdown()));
    const deadline = Date.now() + processGoneTimeoutMs;
    while (pids.some(isRunning) && Date.now() < deadline) await sleep(50);
    for (const pid of pids.filter(isRunning)) {
        log(`model process ${pid} did not exit: killing it`);
        process.kill(pid, "SIGKILL");
    }
}
