/**
 * The review loop. For each unit: a free reasoning pass (`chat` on the review sequence, so the chat
 * panel's KV cache is left alone) whose thoughts stream out, then a short grammar-constrained pass
 * (`structured`) that restates the model's answer as findings. Findings are tied to the lines the
 * unit showed (clamped into them, with the cited text kept for later re-validation), and reported
 * file by file as soon as a file's last unit is done. An AbortSignal stops the run at once: the
 * current request is cancelled and `review` rejects with an `Aborted` EngineError.
 */
import {defaultAnswerTokens, thoughtBudgets} from "../engine/chatBudgets";
import {EngineError, isEngineError} from "../engine/errors";
import type {ChatEvent, ChatParams, ChatResult, StructuredParams, StructuredResult} from "../engine/protocol";
import {findingsMaxTokens, findingsSchema, parseRawFindings, type AnchoredFinding, type RawFinding} from "./findings";
import {reviewPrompt, structuringPrompt} from "./prompts";
import type {ReviewUnit} from "./units";
import {normalizeReplacement} from "./validate";

/** The part of EngineClient a review needs (EngineClient satisfies it). */
export interface ReviewEngine {
    chat(params: ChatParams, options?: {signal?: AbortSignal | undefined; onEvent?: ((event: ChatEvent) => void) | undefined}): Promise<ChatResult>;
    structured(params: StructuredParams, options?: {signal?: AbortSignal | undefined; timeoutMs?: number | undefined}): Promise<StructuredResult>;
}

export interface ReviewSettings {
    /** Thought tokens per unit: -1 unlimited, 0 no reasoning. */
    thoughtBudget: number;
    /** Tokens the reasoning pass's answer may generate after its thought. */
    maxTokens: number;
    temperature: number;
    seed?: number | undefined;
    /** The structured pass streams nothing, so the engine's no-news timeout is replaced by this. */
    structuredTimeoutMs: number;
    /**
     * Cap on the structured pass; absent, the grammar's worst case, so the JSON always closes. A
     * lower cap (benchmarks on noise) may cut the JSON: that unit then gets a note, not findings.
     */
    structuredMaxTokens?: number | undefined;
}

export const defaultReviewSettings: ReviewSettings = {
    thoughtBudget: thoughtBudgets.normal,
    maxTokens: defaultAnswerTokens,
    // DeepSeek's recommendation for R1.
    temperature: 0.6,
    structuredTimeoutMs: 10 * 60_000
};

export interface ReviewProgress {
    /** Units finished so far, out of `total`. */
    done: number;
    total: number;
    /** The unit being worked on (absent once all are done). */
    unit?: ReviewUnit;
    phase: "reasoning" | "structuring" | "done";
    /** Tokens generated for the current unit so far (thought and answer). */
    tokens: number;
}

export interface ReviewNote {
    file: string;
    part: {index: number; count: number};
    message: string;
}

export interface FileReview {
    file: string;
    findings: AnchoredFinding[];
    notes: ReviewNote[];
}

export interface ReviewStats {
    units: number;
    thoughtTokens: number;
    answerTokens: number;
    structuredTokens: number;
    totalMs: number;
}

export interface ReviewResult {
    /** In the order the files' last units finished. */
    files: FileReview[];
    findings: AnchoredFinding[];
    notes: ReviewNote[];
    stats: ReviewStats;
}

export interface ReviewOptions {
    signal?: AbortSignal | undefined;
    onProgress?: ((progress: ReviewProgress) => void) | undefined;
    /** A piece of a unit's thought and how many model tokens it holds. */
    onThought?: ((text: string, unit: ReviewUnit, tokens: number) => void) | undefined;
    onAnswer?: ((text: string, unit: ReviewUnit) => void) | undefined;
    /** A file's findings, once all of its units are done. */
    onFileDone?: ((review: FileReview) => void) | undefined;
    settings?: Partial<ReviewSettings> | undefined;
}

/** The most content tokens a unit may have so that both passes fit in a context of `contextSize`. */
export function contentBudget(contextSize: number, settings: Partial<ReviewSettings> = {}, maxUnitTokens = 6000): number {
    const {maxTokens} = {...defaultReviewSettings, ...settings};
    // The prompt's own words (~300 tokens) and, on the second pass, the answer plus a realistic JSON.
    // The first pass's thought is not reserved: the worker gives it what the context leaves.
    const reserve = 400 + Math.max(maxTokens, 2500);
    return Math.max(256, Math.min(maxUnitTokens, contextSize - reserve));
}

export async function review(units: readonly ReviewUnit[], engine: ReviewEngine, options: ReviewOptions = {}): Promise<ReviewResult> {
    const settings = {...defaultReviewSettings, ...options.settings};
    const {signal} = options;
    const started = performance.now();
    const stats: ReviewStats = {units: units.length, thoughtTokens: 0, answerTokens: 0, structuredTokens: 0, totalMs: 0};
    const remaining = new Map<string, number>();
    for (const unit of units) remaining.set(unit.file, (remaining.get(unit.file) ?? 0) + 1);
    const pending = new Map<string, FileReview>();
    const files: FileReview[] = [];

    for (const [index, unit] of units.entries()) {
        throwIfAborted(signal);
        const progress = (phase: ReviewProgress["phase"], tokens: number) =>
            options.onProgress?.({done: index, total: units.length, unit, phase, tokens});
        progress("reasoning", 0);
        const outcome = await reviewUnit(unit, engine, settings, signal, options, progress, stats);
        const fileReview = pending.get(unit.file) ?? {file: unit.file, findings: [], notes: []};
        pending.set(unit.file, fileReview);
        for (const finding of outcome.findings)
            if (!fileReview.findings.some((seen) => sameFinding(seen, finding))) fileReview.findings.push(finding);
        if (outcome.note) fileReview.notes.push({file: unit.file, part: unit.part, message: outcome.note});

        const left = (remaining.get(unit.file) ?? 1) - 1;
        remaining.set(unit.file, left);
        if (left === 0) {
            pending.delete(unit.file);
            files.push(fileReview);
            options.onFileDone?.(fileReview);
        }
        options.onProgress?.({done: index + 1, total: units.length, phase: "done", tokens: 0});
    }
    stats.totalMs = Math.round(performance.now() - started);
    return {files, findings: files.flatMap((file) => file.findings), notes: files.flatMap((file) => file.notes), stats};
}

interface UnitOutcome {
    findings: AnchoredFinding[];
    note?: string;
}

async function reviewUnit(
    unit: ReviewUnit,
    engine: ReviewEngine,
    settings: ReviewSettings,
    signal: AbortSignal | undefined,
    options: ReviewOptions,
    progress: (phase: ReviewProgress["phase"], tokens: number) => void,
    stats: ReviewStats
): Promise<UnitOutcome> {
    const prompt = reviewPrompt(unit);
    let streamed = 0;
    const reasoning = await engine.chat(
        {
            messages: [{role: "user", content: prompt}],
            sequence: "review",
            thoughtBudget: settings.thoughtBudget,
            maxTokens: settings.maxTokens,
            temperature: settings.temperature,
            ...(settings.seed != null ? {seed: settings.seed} : {})
        },
        {
            signal,
            onEvent: (event) => {
                streamed++;
                if (event.kind === "thought") options.onThought?.(event.text, unit, event.tokens);
                else options.onAnswer?.(event.text, unit);
                progress("reasoning", streamed);
            }
        }
    );
    // The engine answers a cancel with the partial text; a cancelled review reports nothing of it.
    throwIfAborted(signal);
    stats.thoughtTokens += reasoning.thoughtTokens;
    stats.answerTokens += reasoning.answerTokens;
    if (reasoning.answer.trim() === "") {
        const why = reasoning.stopReason === "maxTokens" ? ` (it ran out of tokens: the context was full)` : "";
        return {findings: [], note: `The model gave no answer${why}; no findings for this part.`};
    }

    progress("structuring", reasoning.thoughtTokens + reasoning.answerTokens);
    let structured: StructuredResult;
    try {
        structured = await engine.structured(
            {
                messages: [
                    {role: "user", content: prompt},
                    {role: "assistant", content: reasoning.answer},
                    {role: "user", content: structuringPrompt()}
                ],
                schema: findingsSchema(),
                // The grammar's longest possible output: the JSON always closes before this.
                maxTokens: settings.structuredMaxTokens ?? findingsMaxTokens(),
                temperature: 0,
                ...(settings.seed != null ? {seed: settings.seed} : {})
            },
            {signal, timeoutMs: settings.structuredTimeoutMs}
        );
    } catch (error) {
        if (signal?.aborted || isEngineError(error, "Aborted")) throw abortedError();
        // The JSON did not parse (it was cut short, or the engine failed on it): this part has no
        // findings, and the run goes on. A crashed or unloaded engine is not this part's problem.
        if (isEngineError(error, "Internal")) return {findings: [], note: `The review could not be turned into findings: ${error.detail ?? error.message}`};
        throw error;
    }
    throwIfAborted(signal);
    stats.structuredTokens += structured.tokens;
    const parsed = parseRawFindings(structured.value);
    if (!parsed.ok) return {findings: [], note: `The model's findings did not have the expected shape: ${parsed.error}`};
    return {findings: parsed.findings.flatMap((raw) => anchor(raw, unit))};
}

/** Ties a finding to the lines the unit showed: its range is clamped into one excerpt, whose text it cites. */
export function anchor(raw: RawFinding, unit: ReviewUnit): AnchoredFinding[] {
    if (unit.excerpts.length === 0 || !Number.isFinite(raw.startLine) || !Number.isFinite(raw.endLine)) return [];
    let start = Math.round(Math.min(raw.startLine, raw.endLine));
    let end = Math.round(Math.max(raw.startLine, raw.endLine));
    // The excerpt that holds the start, or else the one nearest to it.
    let excerpt = unit.excerpts[0]!;
    let distance = Infinity;
    for (const candidate of unit.excerpts) {
        const last = candidate.startLine + candidate.lines.length - 1;
        const away = start < candidate.startLine ? candidate.startLine - start : start > last ? start - last : 0;
        if (away < distance) {
            distance = away;
            excerpt = candidate;
        }
    }
    const last = excerpt.startLine + excerpt.lines.length - 1;
    start = Math.min(last, Math.max(excerpt.startLine, start));
    end = Math.min(last, Math.max(start, end));
    const cited = excerpt.lines.slice(start - excerpt.startLine, end - excerpt.startLine + 1);
    const title = oneLine(raw.title) || "Review finding";
    const replacement = normalizeReplacement(raw.replacement, cited);
    return [{
        file: unit.file,
        startLine: start,
        endLine: end,
        severity: raw.severity,
        title,
        explanation: raw.explanation.trim(),
        ...(replacement != null ? {replacement} : {}),
        cited
    }];
}

function oneLine(text: string): string {
    return text.replace(/\s+/g, " ").trim();
}

function sameFinding(a: AnchoredFinding, b: AnchoredFinding): boolean {
    return a.startLine === b.startLine && a.endLine === b.endLine && a.title === b.title;
}

function abortedError(): EngineError {
    return new EngineError("Aborted", "The review was cancelled.");
}

function throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw abortedError();
}
