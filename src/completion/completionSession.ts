/**
 * The core of inline completions, driven by the VS Code adapter and by the benchmark alike: for one
 * snapshot of a document it serves the rest of a suggestion being typed through, a cached suggestion,
 * or (after an adaptive debounce) one from the model — never one computed for text or a cursor that
 * is no longer current.
 *
 * Latency discipline:
 * - One model request at a time: a new `suggest` aborts the one in flight (the abort reaches
 *   `backend.complete` through its signal) and waits for it to settle before sending its own.
 * - Typed-through and cached suggestions come before the debounce and make no model call.
 * - Each request carries a token cap and a time cap.
 *
 * Outcomes of `suggest`: a Suggestion; `undefined` for "nothing to show" (aborted, superseded, stale,
 * empty after post-processing, unusable input); a rejected promise when the backend fails for any
 * reason other than an abort. The adapter logs rejections and shows a problem state; they never
 * surface while typing. `suggest` never throws synchronously.
 */
import {looksBinary} from "./binaryText";
import {lineStartAt, linePrefix, lineSuffix, textAfter} from "./cursorText";
import {AdaptiveDebounce, sleepUnlessAborted, type DebounceOptions} from "./debounce";
import {postProcess, type CursorContext} from "./postProcess";
import {PrefillSpeed} from "./prefillSpeed";
import {buildPrompt, type BuiltPrompt} from "./promptBuilder";
import {budgetsWithin, defaultBudgets, type PromptBudgets} from "./promptBudgets";
import {SuggestionCache, typedThrough, type ShownSuggestion} from "./suggestionCache";
import type {CompletionBackend, CompletionModelCaps, CompletionResponse, ContextChunk, DocumentSnapshot, Suggestion} from "./types";
import {Disposable, Emitter, type Event} from "../engine/lifecycle";

export interface CompletionSessionOptions {
    /** Token cap of a multi-line suggestion. Default 64. */
    maxTokens?: number;
    /** Token cap when the cursor is mid-line and only the line's rest is wanted. Default 24. */
    singleLineMaxTokens?: number;
    /**
     * Wall-clock cap of a suggestion's generation (after its prompt is read); the text so far is
     * kept. Default 1000 ms: a suggestion within about a second of a pause, even on a laptop CPU.
     */
    timeCapMs?: number;
    /** Offer suggestions of more than one line (at a line's end). Default true. */
    multiline?: boolean;
    maxLines?: number;
    budgets?: Partial<PromptBudgets>;
    debounce?: Omit<DebounceOptions, "now">;
    cacheSize?: number;
    temperature?: number;
    /** See PromptOptions.bos. */
    bos?: boolean;
    /** Larger documents get no suggestion. Default 32 Mi characters. */
    maxDocumentChars?: number;
    /** How long a new request waits for an aborted one to settle before sending anyway. Default 500 ms. */
    settleWaitMs?: number;
    /**
     * Keep the model's cache warm: this long after the document or cursor changed (and whenever a
     * suggestion was cut off), the current prompt is evaluated without generating anything, while
     * the user types on. A suggestion then finds its prompt (nearly) evaluated and pays only for its
     * own last tokens and the generation. Typing on the same line does not stop a warm-up (the
     * prompts share all but their last tokens); a move to another line or file, a suggestion, and
     * typing through a shown suggestion do. Off when absent.
     */
    warmAfterMs?: number;
    /** Whether the cache may be warmed for this snapshot (completions on for its language, model loaded). */
    mayWarm?: (doc: DocumentSnapshot) => boolean;
}

export interface CompletionStats {
    /** Calls to `suggest`. */
    requests: number;
    modelCalls: number;
    cacheHits: number;
    typedThroughHits: number;
    /** Requests cut off (a newer request or snapshot, the caller's signal) in the debounce or the model call. */
    aborted: number;
    /**
     * Finished model results dropped because the document or cursor had moved on (they raced the
     * abort), and requests that came with an older snapshot than one already seen.
     */
    staleDropped: number;
    /** Model calls that post-processing left empty. */
    empty: number;
    errors: number;
    lastLatencyMs?: number;
    lastPromptTokens?: number;
    lastReusedTokens?: number;
    /** Warm-ups sent: prompts evaluated ahead of a suggestion (see `warmAfterMs`). */
    warms: number;
    /** Prompt tokens the model reads per second, as measured (undefined until known). */
    prefillTokensPerSecond?: number;
    /** The prompt size that follows from it (see PrefillSpeed); undefined: only the token budgets apply. */
    promptTokenCap?: number;
    /** Real prompt tokens per estimated token, as learned from the engine (1 for Qwen's vocabulary). */
    tokenScale: number;
}

export interface SessionStatus {
    /** A model call is running. */
    busy: boolean;
    lastLatencyMs?: number;
    /** How fast the last model call generated its suggestion (after reading the prompt). */
    lastTokensPerSecond?: number;
    /** Suggestions served from the cache (or typed through) among all that were shown or computed. */
    cacheHitRate?: number;
    /** The last model call failed (cleared by the next success). */
    error?: string;
}

/** Where context chunks come from (a ContextRing). */
export interface ChunkSource {
    snapshot(): readonly ContextChunk[];
}

export interface SuggestRequest {
    /** Invoked on demand (a command): no debounce. */
    explicit?: boolean;
}

interface Position {
    uri: string;
    version: number;
    offset: number;
}

interface Settings {
    maxTokens: number;
    singleLineMaxTokens: number;
    timeCapMs: number;
    multiline: boolean;
    maxLines: number;
    budgets: Partial<PromptBudgets>;
    temperature: number;
    bos: boolean;
    maxDocumentChars: number;
    settleWaitMs: number;
    warmAfterMs: number | undefined;
    mayWarm: (doc: DocumentSnapshot) => boolean;
}

/** The extension's (and the benchmark's) `warmAfterMs`: coalesces the edit and selection events of one keystroke. */
export const defaultWarmAfterMs = 30;

/** Short prompts say little about the ratio (fixed template tokens dominate). */
const minTokensToLearnFrom = 200;
/** BOS and FIM markers, which the engine adds and the estimate leaves out. */
const engineAddedTokens = 4;
/** Byte-level worst case against an estimate that already charges punctuation fully. */
const maxTokenScale = 4;

export class CompletionSession extends Disposable {
    private readonly backend: CompletionBackend;
    private caps: CompletionModelCaps;
    private readonly ring: ChunkSource;
    private settings: Settings;
    private readonly now: () => number;
    private readonly debounce: AdaptiveDebounce;
    private readonly cache: SuggestionCache;
    private readonly statusEmitter = this.register(new Emitter<SessionStatus>());
    private readonly counters: CompletionStats = {requests: 0, modelCalls: 0, cacheHits: 0, typedThroughHits: 0, aborted: 0, staleDropped: 0, empty: 0, errors: 0, warms: 0, tokenScale: 1};
    /** The newest snapshot seen: what is current, and what a warm-up evaluates. */
    private latest: DocumentSnapshot | undefined;
    private shown: ShownSuggestion | undefined;
    private active: {controller: AbortController; position: Position} | undefined;
    private inFlight: Promise<void> = Promise.resolve();
    private status: SessionStatus = {busy: false};
    /** Where the last prompt's window and middle started, so the next one keeps them (see PromptOptions.prefixAnchor, middleAnchor). */
    private anchor: {uri: string; start: number; middle: number} | undefined;
    private warmTimer: ReturnType<typeof setTimeout> | undefined;
    /** The warm-up in flight, and the line of the snapshot it is for. */
    private warming: {controller: AbortController; position: Position; lineStart: number} | undefined;
    /** The last snapshot whose prompt was fully evaluated. */
    private warmed: Position | undefined;
    /** A suggestion's model call is being sent or running (warm-ups wait; a debounce is not a call). */
    private calling = false;
    private readonly prefillSpeed = new PrefillSpeed();

    /** Fires when a model call starts or ends, with the last latency or error; for the status bar. */
    readonly onDidChangeStatus: Event<SessionStatus> = this.statusEmitter.event;

    constructor(init: {backend: CompletionBackend; caps: CompletionModelCaps; ring: ChunkSource; options?: CompletionSessionOptions; now?: () => number}) {
        super();
        const options = init.options ?? {};
        this.backend = init.backend;
        this.caps = init.caps;
        this.ring = init.ring;
        this.now = init.now ?? (() => performance.now());
        this.settings = {
            maxTokens: options.maxTokens ?? 64,
            singleLineMaxTokens: options.singleLineMaxTokens ?? 24,
            timeCapMs: options.timeCapMs ?? 1000,
            multiline: options.multiline ?? true,
            maxLines: options.maxLines ?? 16,
            budgets: options.budgets ?? {},
            temperature: options.temperature ?? 0,
            bos: options.bos ?? true,
            maxDocumentChars: options.maxDocumentChars ?? 32 * 1024 * 1024,
            settleWaitMs: options.settleWaitMs ?? 500,
            warmAfterMs: options.warmAfterMs,
            mayWarm: options.mayWarm ?? (() => true)
        };
        this.debounce = new AdaptiveDebounce({...options.debounce, now: this.now});
        this.cache = new SuggestionCache(options.cacheSize ?? 256);
    }

    /** A copy of the counters. */
    get stats(): CompletionStats {
        return {...this.counters};
    }

    /** The loaded model changed: new prompt mode and context size; old suggestions no longer apply. */
    setCaps(caps: CompletionModelCaps): void {
        this.assertNotDisposed();
        this.caps = caps;
        this.cache.clear();
        this.shown = undefined;
        this.counters.tokenScale = 1;
        this.prefillSpeed.reset();
        delete this.counters.prefillTokensPerSecond;
        delete this.counters.promptTokenCap;
    }

    /** New caps per suggestion (the user changed a setting); applies from the next request. */
    setLimits(limits: {maxTokens?: number; timeCapMs?: number}): void {
        this.settings = {...this.settings, ...(limits.maxTokens != null ? {maxTokens: limits.maxTokens} : {}), ...(limits.timeCapMs != null ? {timeCapMs: limits.timeCapMs} : {})};
    }

    /** `setCaps`, but only when something changed (the model behind completions may be reloaded at any time). */
    setCapsIfChanged(caps: CompletionModelCaps): void {
        const current = this.caps;
        if (current.format === caps.format && current.thinks === caps.thinks && current.contextSize === caps.contextSize) return;
        this.setCaps(caps);
    }

    /**
     * The document changed or the cursor moved. Records the current snapshot (which makes results for
     * older ones stale), feeds typing speed to the debounce, and aborts a request in flight for an
     * older snapshot at once instead of letting it run to its caps.
     */
    documentChanged(doc: DocumentSnapshot): void {
        if (this.isDisposed) return;
        if (!this.observe(doc)) return;
        const active = this.active;
        if (active && this.isStale(active.position)) active.controller.abort(new Error("stale"));
        const warming = this.warming;
        if (warming && (warming.position.uri !== doc.uri || warming.lineStart !== lineStartOf(doc))) warming.controller.abort(new Error("moved"));
        this.scheduleWarm();
    }

    async suggest(doc: DocumentSnapshot, signal: AbortSignal, request: SuggestRequest = {}): Promise<Suggestion | undefined> {
        this.assertNotDisposed();
        const started = this.now();
        this.counters.requests++;
        const position: Position = {uri: doc.uri, version: doc.version, offset: doc.offset};
        if (!this.observe(doc)) return this.dropStale();
        // A new request supersedes the one in flight.
        this.active?.controller.abort(new Error("superseded"));
        const controller = new AbortController();
        this.active = {controller, position};
        const linked = AbortSignal.any([signal, controller.signal]);
        try {
            if (linked.aborted) return this.dropAborted();
            if (!this.usable(doc)) return undefined;
            const quick = this.quickSuggestion(doc, started, request.explicit ?? false);
            if (quick !== "miss") return quick;
            if (looksBinary(doc.text, doc.offset)) return undefined;
            if (!request.explicit && !(await this.debounce.wait(linked))) return this.dropAborted();
            return await this.fromModel(doc, position, linked, started);
        } finally {
            if (this.active?.controller === controller) {
                this.active = undefined;
                // Cut off by typing: evaluate what is current now, while the user types on.
                if (this.isStale(position)) this.scheduleWarm();
            }
        }
    }

    override dispose(): void {
        clearTimeout(this.warmTimer);
        this.warming?.controller.abort(new Error("disposed"));
        this.active?.controller.abort(new Error("disposed"));
        this.active = undefined;
        super.dispose();
    }

    /**
     * Typed-through or cached: no model call. "miss" when neither applies, and for a remembered
     * "nothing here" when the user explicitly asks (the model may do better on a second try).
     */
    private quickSuggestion(doc: DocumentSnapshot, started: number, explicit: boolean): Suggestion | undefined | "miss" {
        const rest = this.shown ? typedThrough(this.shown, doc) : undefined;
        if (rest !== undefined) {
            this.counters.typedThroughHits++;
            this.cache.set(doc, rest);
            return this.show(doc, rest, {fromCache: false, typedThrough: true, latencyMs: this.now() - started});
        }
        const hit = this.cache.get(doc);
        if (!hit || (explicit && hit.text === "")) return "miss";
        if (hit.typedThrough) this.counters.typedThroughHits++;
        else this.counters.cacheHits++;
        if (hit.text === "") return undefined;
        return this.show(doc, hit.text, {fromCache: !hit.typedThrough, typedThrough: hit.typedThrough, latencyMs: this.now() - started});
    }

    /** The prompt for `doc`'s cursor; keeps the window's start for the next one (see PromptOptions.prefixAnchor). */
    private promptFor(doc: DocumentSnapshot, ctx: CursorContext): BuiltPrompt | undefined {
        const singleLine = !this.settings.multiline || ctx.lineSuffix.trim() !== "";
        const wanted: PromptBudgets = {...defaultBudgets[this.caps.format], ...this.settings.budgets};
        const cap = this.prefillSpeed.promptTokenCap;
        const budgets = cap != null ? budgetsWithin(wanted, cap / this.counters.tokenScale) : wanted;
        const prompt = buildPrompt(doc, this.ring.snapshot(), this.caps, {
            maxTokens: singleLine ? this.settings.singleLineMaxTokens : this.settings.maxTokens,
            singleLine,
            timeCapMs: this.settings.timeCapMs,
            temperature: this.settings.temperature,
            budgets,
            bos: this.settings.bos,
            tokenScale: this.counters.tokenScale,
            ...(this.anchor?.uri === doc.uri ? {prefixAnchor: this.anchor.start, middleAnchor: this.anchor.middle} : {})
        });
        if (prompt) this.anchor = {uri: doc.uri, start: prompt.prefixStart, middle: prompt.middleStart};
        return prompt;
    }

    /**
     * One request at a time: lets the aborted one settle (it stops within a prefill slice or a
     * token), bounded so that a backend that ignores aborts cannot stall completions.
     */
    private async settled(signal: AbortSignal): Promise<void> {
        await Promise.race([this.inFlight, sleepUnlessAborted(this.settings.settleWaitMs, signal)]);
    }

    private scheduleWarm(): void {
        clearTimeout(this.warmTimer);
        if (this.settings.warmAfterMs == null || this.isDisposed) return;
        this.warmTimer = setTimeout(() => void this.warm(), this.settings.warmAfterMs);
    }

    /** Evaluates the latest snapshot's prompt without generating (see `warmAfterMs`). One at a time, never beside a suggestion. */
    private async warm(): Promise<void> {
        const doc = this.latest;
        if (!doc || this.isDisposed || this.calling || this.warming) return;
        const position: Position = {uri: doc.uri, version: doc.version, offset: doc.offset};
        if (this.warmed && samePosition(this.warmed, doc)) return;
        // A suggestion is on screen for this snapshot, or its rest is being typed through: no model needed.
        const shown = this.shown;
        if (shown && (samePosition(shown.doc, doc) || typedThrough(shown, doc) !== undefined)) return;
        if (!this.usable(doc) || looksBinary(doc.text, doc.offset) || !this.settings.mayWarm(doc)) return;
        const prompt = this.promptFor(doc, cursorContext(doc));
        if (!prompt) return;
        const controller = new AbortController();
        this.warming = {controller, position, lineStart: lineStartOf(doc)};
        try {
            await this.settled(controller.signal);
            if (controller.signal.aborted || this.calling || this.isStale(position)) return;
            this.counters.warms++;
            const call = this.backend.complete({...prompt.params, prefillOnly: true}, controller.signal, "warm");
            this.inFlight = call.then(() => undefined, () => undefined);
            const result = await call.catch(() => undefined);
            if (!result) return;
            this.learnFrom(result, prompt);
            if (result.stopReason !== "abort") this.warmed = position;
        } finally {
            if (this.warming?.controller === controller) this.warming = undefined;
            // The user moved on meanwhile: keep going with what is current.
            if (this.isStale(position)) this.scheduleWarm();
        }
    }

    private async fromModel(doc: DocumentSnapshot, position: Position, signal: AbortSignal, started: number): Promise<Suggestion | undefined> {
        const ctx = cursorContext(doc);
        const prompt = this.promptFor(doc, ctx);
        if (!prompt) return undefined;
        this.calling = true;
        try {
            return await this.callModel(doc, position, signal, started, ctx, prompt);
        } finally {
            this.calling = false;
        }
    }

    private async callModel(doc: DocumentSnapshot, position: Position, signal: AbortSignal, started: number, ctx: CursorContext, prompt: BuiltPrompt): Promise<Suggestion | undefined> {
        // The suggestion evaluates the prompt itself, from where the warm-up got to.
        this.warming?.controller.abort(new Error("suggestion"));
        await this.settled(signal);
        if (signal.aborted || this.isStale(position)) return this.dropAborted();

        this.counters.modelCalls++;
        this.setStatus(true);
        const call = this.backend.complete(prompt.params, signal);
        this.inFlight = call.then(() => undefined, () => undefined);
        let result: CompletionResponse;
        try {
            result = await call;
        } catch (error) {
            if (signal.aborted) {
                this.setStatus(false);
                return this.dropAborted();
            }
            this.counters.errors++;
            this.setStatus(false, {error: error instanceof Error ? error.message : String(error)});
            throw error;
        }
        this.counters.lastPromptTokens = result.promptTokens;
        this.counters.lastReusedTokens = result.reusedTokens;
        // The engine counts the whole prompt even when it stopped evaluating it, so aborted calls teach
        // the scale too: a prompt that overflows and is cut at the front would otherwise never
        // share a prefix with the next one, and no call would ever finish to learn from.
        this.learnFrom(result, prompt);
        // An aborted call may still resolve with its partial text: not a suggestion for anything current.
        if (result.stopReason === "abort") {
            this.setStatus(false);
            return this.dropAborted();
        }
        this.warmed = position;
        // A finished result for a snapshot that is no longer current (it raced the abort) is never shown.
        if (signal.aborted || this.isStale(position)) {
            this.setStatus(false);
            return this.dropStale();
        }
        const latencyMs = this.now() - started;
        this.counters.lastLatencyMs = latencyMs;
        const generatingMs = result.totalMs - (result.prefillMs ?? 0);
        this.setStatus(false, {latencyMs, tokensPerSecond: generatingMs > 0 && result.generatedTokens > 0 ? (result.generatedTokens * 1000) / generatingMs : undefined});

        const text = postProcess({
            raw: result.text,
            ctx,
            stops: prompt.params.stop ?? [],
            cutShort: result.stopReason === "maxTokens" || result.stopReason === "timeCap",
            maxLines: this.settings.maxLines
        });
        this.cache.set(doc, text);
        if (text === "") {
            this.counters.empty++;
            return undefined;
        }
        return this.show(doc, text, {
            fromCache: false,
            typedThrough: false,
            latencyMs,
            promptTokens: result.promptTokens,
            reusedTokens: result.reusedTokens
        });
    }

    private show(doc: DocumentSnapshot, text: string, details: Omit<Suggestion, "text">): Suggestion {
        this.shown = {doc, text};
        return {text, ...details};
    }

    /** Records `doc` as current; false when it is older than a snapshot already seen (a stale request). */
    private observe(doc: DocumentSnapshot): boolean {
        const latest = this.latest;
        if (latest && latest.uri === doc.uri && doc.version < latest.version) return false;
        if (latest && latest.uri === doc.uri && doc.version !== latest.version) this.debounce.keystroke();
        this.latest = doc;
        return true;
    }

    /** Stale: the current snapshot is another document, another version, or another cursor. */
    private isStale(position: Position): boolean {
        return !this.latest || !samePosition(this.latest, position);
    }

    private usable(doc: DocumentSnapshot): boolean {
        return Number.isInteger(doc.offset) && doc.offset >= 0 && doc.offset <= doc.text.length && doc.text.length <= this.settings.maxDocumentChars;
    }

    /**
     * Prompts are sized by an estimate made for Qwen's vocabulary; a coarser one (a test model) costs
     * more real tokens, and a prompt that overflows would be cut from the front by node-llama-cpp,
     * losing its stable part. So the session scales budgets by what the engine reports. It only grows,
     * in one step with headroom, because every change moves the prompt window (one cold prompt).
     */
    /**
     * What an engine answer teaches, aborted or not: the engine counts the whole prompt even when it
     * stopped reading it, and reports the time it spent reading.
     */
    private learnFrom(result: CompletionResponse, prompt: BuiltPrompt): void {
        this.learnTokenScale(result.promptTokens + (result.cutTokens ?? 0), prompt.estimatedTokens);
        this.prefillSpeed.record(result.prefillTokens ?? result.promptTokens - result.reusedTokens, result.prefillMs);
        this.counters.prefillTokensPerSecond = this.prefillSpeed.speed;
        this.counters.promptTokenCap = this.prefillSpeed.promptTokenCap;
    }

    private learnTokenScale(promptTokens: number, estimatedTokens: number): void {
        if (estimatedTokens < minTokensToLearnFrom) return;
        const ratio = (promptTokens - engineAddedTokens) / estimatedTokens;
        if (ratio > this.counters.tokenScale) this.counters.tokenScale = Math.min(maxTokenScale, ratio * 1.1);
    }

    private dropAborted(): undefined {
        this.counters.aborted++;
        return undefined;
    }

    private dropStale(): undefined {
        this.counters.staleDropped++;
        return undefined;
    }

    /** Start (busy) or end of a model call; the end brings a latency (success) or an error. */
    private setStatus(busy: boolean, outcome?: {latencyMs: number; tokensPerSecond: number | undefined} | {error: string}): void {
        const next: SessionStatus = {...this.status, busy};
        if (outcome && "latencyMs" in outcome) {
            next.lastLatencyMs = outcome.latencyMs;
            if (outcome.tokensPerSecond !== undefined) next.lastTokensPerSecond = outcome.tokensPerSecond;
            delete next.error;
        } else if (outcome) next.error = outcome.error;
        const hits = this.counters.cacheHits + this.counters.typedThroughHits;
        if (hits + this.counters.modelCalls > 0) next.cacheHitRate = hits / (hits + this.counters.modelCalls);
        this.status = next;
        this.statusEmitter.fire({...next});
    }
}

function samePosition(a: Position, b: Position): boolean {
    return a.uri === b.uri && a.version === b.version && a.offset === b.offset;
}

function lineStartOf(doc: DocumentSnapshot): number {
    return lineStartAt(doc.text, doc.offset);
}

function cursorContext(doc: DocumentSnapshot): CursorContext {
    return {
        linePrefix: linePrefix(doc.text, doc.offset),
        lineSuffix: lineSuffix(doc.text, doc.offset),
        after: textAfter(doc.text, doc.offset)
    };
}
