/**
 * One simulated window's completion typing session, shared by bench:completion and bench:windows:
 * a generated file in a SimulatedEditor, the ContextRing holding chunks of other files (as the
 * extension's ContextFeeder fills it), the real CompletionSession on a RecordingBackend over an
 * EngineClient, and the TypingDriver that types the edit plan into it. Also how a session's
 * keystrokes are judged (which ones the model answered) and how to wait for the model process to
 * finish what a session left it evaluating.
 */
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {CompletionSession, defaultWarmAfterMs} from "../../src/completion/completionSession";
import {ContextRing} from "../../src/completion/contextRing";
import type {PromptBudgets} from "../../src/completion/promptBudgets";
import type {CompletionModelCaps} from "../../src/completion/types";
import type {EngineClient} from "../../src/engine/client";
import {SimulatedEditor} from "./editor";
import {generateMainFile, generateOtherFiles} from "./fixture";
import {Rng} from "./random";
import {RecordingBackend, type CallContext, type CallRecord} from "./recordingBackend";
import {TypingDriver, type KeystrokeRecord} from "./typingDriver";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface SuggestionLimits {
    maxTokens: number;
    timeCapMs: number;
}

/** The extension's default per-suggestion caps, read from package.json so that the benchmarks follow the settings. */
export function settingDefaults(): SuggestionLimits {
    const manifest: unknown = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const numberAt = (key: string, fallback: number): number => {
        if (typeof manifest !== "object" || manifest === null) return fallback;
        const properties = (manifest as {contributes?: {configuration?: {properties?: Record<string, {default?: unknown}>}}}).contributes?.configuration?.properties;
        const value = properties?.[key]?.default;
        return typeof value === "number" ? value : fallback;
    };
    return {maxTokens: numberAt("enclave.completion.maxTokens", 64), timeCapMs: numberAt("enclave.completion.timeCapMs", 1500)};
}

export interface TypingSessionInit {
    client: EngineClient;
    caps: CompletionModelCaps;
    /** Seeds the file's text, the other files and the typing (same seed: same session). */
    seed: number;
    /** The main file's URI; each window types in its own. */
    uri: string;
    limits: SuggestionLimits;
    budgets?: PromptBudgets | undefined;
    /** On `clock`: typing stops here. */
    deadline: number;
    clock: () => number;
    log: (message: string) => void;
}

export interface TypingSession {
    mainText: string;
    editor: SimulatedEditor;
    ring: ContextRing;
    backend: RecordingBackend;
    session: CompletionSession;
    driver: TypingDriver;
}

export function createTypingSession(init: TypingSessionInit): TypingSession {
    const mainText = generateMainFile(init.seed);
    const editor = new SimulatedEditor(init.uri, "typescript", mainText, {name: "store", uri: "file:///work/store"});
    const ring = new ContextRing();
    // Files the user had open before: a couple of places in each, added once.
    for (const file of generateOtherFiles(init.seed)) {
        for (const at of [0.3, 0.7]) ring.addAround({uri: file.uri, text: file.text, languageId: file.languageId, offset: Math.floor(file.text.length * at)});
    }
    // The backend asks the driver (declared below; only called once typing has started) what the user is doing.
    const backend: RecordingBackend = new RecordingBackend(init.client, (): CallContext => ({version: driver.version, typingThrough: driver.typingThroughNow()}), init.clock);
    const session = new CompletionSession({
        backend,
        caps: init.caps,
        ring,
        options: {maxTokens: init.limits.maxTokens, timeCapMs: init.limits.timeCapMs, warmAfterMs: defaultWarmAfterMs, ...(init.budgets ? {budgets: init.budgets} : {})}
    });
    const driver: TypingDriver = new TypingDriver({editor, session, ring, rng: new Rng(init.seed), deadline: init.deadline, clock: init.clock, log: init.log});
    return {mainText, editor, ring, backend, session, driver};
}

/** The suggestion calls (prefetches and warm-ups left out) that completed, not aborted. */
export function completedSuggestCalls(calls: readonly CallRecord[]): CallRecord[] {
    return calls.filter((call) => call.purpose === "suggest" && call.result !== undefined && call.result.stopReason !== "abort");
}

/**
 * The keystrokes the model answered: the call made for a keystroke's snapshot completed while that
 * snapshot was still current, and it was shown or emptied by post-processing. Post-processing
 * judges the text, and a random model's text is noise (and rarely holds the full line a
 * time-capped multi-line suggestion needs), so latency counts every answer.
 */
export function answeredKeystrokes(keys: readonly KeystrokeRecord[], completed: readonly CallRecord[]): KeystrokeRecord[] {
    const completedVersions = new Set(completed.map((call) => call.version));
    return keys.filter((key) => key.currentAtSettle === true && completedVersions.has(key.version) && (key.outcome === "model" || key.outcome === "none"));
}

/**
 * Waits until the model process is free for this client's completions: evaluation nobody waits for
 * may still run after a session. A one-token probe on the same sequence answers when it is.
 * Resolves with the wait in ms, or undefined when the probe failed or timed out.
 */
export async function waitForCompletionsFree(client: EngineClient, timeoutMs: number, log: (message: string) => void): Promise<number | undefined> {
    const started = performance.now();
    try {
        await client.complete({prefix: "x", maxTokens: 1, temperature: 0}, {timeoutMs});
        return performance.now() - started;
    } catch (error) {
        log(`drain probe: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
    }
}
