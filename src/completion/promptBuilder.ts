/**
 * Builds the `complete` request for one cursor position, in one of two modes chosen from the model's
 * capabilities (never its name):
 * - FIM (the vocabulary has FIM tokens): `prefix` = other files + the file above the cursor's line,
 *   `suffix` = the file after the cursor, `middle` = the cursor's line up to the cursor; the worker
 *   renders `<|fim_prefix|>prefix<|fim_suffix|>suffix<|fim_middle|>middle`.
 * - R1 (no FIM tokens): a chat turn whose answer is prefilled with an empty thought and an open code
 *   fence holding the file so far; the model continues the code and closes the fence. The thought is
 *   skipped by construction, and the fence is the stop string.
 * Both put what stays the same while typing first (instructions, other files, in R1 mode the code
 * after the cursor) and the text around the cursor last, so consecutive keystrokes share the longest
 * prompt prefix and the completion sequence's KV cache is reused. The prefix window's start is
 * quantized for the same reason (see `startForBudget`).
 */
import {pickChunks, withoutWindowOverlap} from "./chunkSelection";
import {displayPath} from "./displayPath";
import {lineCommentFor} from "./lineComments";
import {defaultBudgets, fitBudgets, minPrefixTokens, promptTokenLimit, type PromptBudgets} from "./promptBudgets";
import {neutralizeSpecialTokens, qwenRepo, r1} from "./specialTokenText";
import {endForBudget, estimateTokens, startForBudget} from "./tokenBudget";
import type {CompletionModelCaps, CompletionRequest, ContextChunk, DocumentSnapshot} from "./types";

export type PromptMode = "fim" | "r1";

export interface PromptOptions {
    budgets?: Partial<PromptBudgets>;
    /** Most tokens to generate; reserved in the context and sent as `maxTokens`. */
    maxTokens: number;
    /** Stop at the end of the line (the cursor is mid-line, so only the line's rest makes sense). */
    singleLine?: boolean;
    timeCapMs?: number;
    temperature?: number;
    /** Characters the prefix window's start is rounded to. Default: half the prefix budget. */
    prefixQuantum?: number;
    /**
     * Where the previous prompt's window started in this document. Kept while the window from there
     * to the cursor still fits the budget, so typing does not move the window's start (which would
     * make the whole window a cold prompt). When it no longer fits, the new start leaves room for
     * the window to grow again (`refillShare` of the budget is used).
     */
    prefixAnchor?: number;
    /**
     * FIM: where the previous prompt's `middle` started. Kept while the cursor is still after it
     * and the text between is short (see `maxMiddleTokens`): the lines the user types then all go
     * into the middle, after the suffix, and a new line costs no re-evaluation of the suffix.
     */
    middleAnchor?: number;
    /**
     * R1 mode: start with `<｜begin▁of▁sentence｜>`, as DeepSeek's template does. Default true. The
     * engine drops it when node-llama-cpp prepends BOS itself, so it is never doubled; turn it off only
     * for a backend that always prepends BOS and does not drop a written one.
     */
    bos?: boolean;
    /**
     * Real tokens per estimated token, when the model's vocabulary is coarser than Qwen's (a test
     * model with few merges costs about one token per byte). Learned by the session from the
     * engine's `promptTokens`. Default 1.
     */
    tokenScale?: number;
}

/** The most estimated tokens a kept middle may grow to before it starts again at the cursor's line. */
const maxMiddleTokens = 256;

export interface BuiltPrompt {
    mode: PromptMode;
    params: CompletionRequest;
    /** Estimated prompt tokens (pessimistic), without the answer. */
    estimatedTokens: number;
    /** The document window the prompt shows: `[prefixStart, offset)` and `[offset, suffixEnd)`. */
    prefixStart: number;
    suffixEnd: number;
    /** FIM: where `middle` starts (the cursor's line after its indentation, or the kept anchor). */
    middleStart: number;
    /** The context chunks used, in prompt order. */
    chunks: readonly ContextChunk[];
}

interface Window {
    offset: number;
    prefixStart: number;
    suffixEnd: number;
    prefix: string;
    suffix: string;
}

interface Rendered {
    params: Omit<CompletionRequest, "maxTokens" | "timeCapMs" | "temperature">;
    /** Estimated tokens of the template alone (no file text, no chunks). */
    overhead: number;
    chunkCost: (chunk: ContextChunk) => number;
}

/** Returns undefined when the context is too small for a useful prompt. */
export function buildPrompt(doc: DocumentSnapshot, chunks: readonly ContextChunk[], caps: CompletionModelCaps, options: PromptOptions): BuiltPrompt | undefined {
    const mode: PromptMode = caps.fim ? "fim" : "r1";
    const maxTokens = Math.max(1, Math.floor(options.maxTokens));
    // Budgets and estimates are in estimated tokens; the context holds real ones.
    const limit = Math.floor(promptTokenLimit(caps.contextSize, maxTokens) / Math.max(1, options.tokenScale ?? 1));
    const wanted: PromptBudgets = {...defaultBudgets[mode], ...options.budgets};
    const offset = Math.max(0, Math.min(doc.text.length, Math.floor(doc.offset)));
    // Neutralised special-token text can cost more than estimated from the raw file; shrink and retry.
    for (let scale = 1; scale > 0.2; scale *= 0.7) {
        const built = tryBuild(doc, offset, chunks, caps, options, mode, maxTokens, limit, scaleBudgets(wanted, scale));
        if (built === "tooSmall") return undefined;
        if (built.estimatedTokens <= limit) return built;
    }
    return undefined;
}

function scaleBudgets(budgets: PromptBudgets, scale: number): PromptBudgets {
    return {
        prefixTokens: Math.floor(budgets.prefixTokens * scale),
        suffixTokens: Math.floor(budgets.suffixTokens * scale),
        contextTokens: Math.floor(budgets.contextTokens * scale)
    };
}

function tryBuild(doc: DocumentSnapshot, offset: number, chunks: readonly ContextChunk[], caps: CompletionModelCaps, options: PromptOptions,
    mode: PromptMode, maxTokens: number, limit: number, wanted: PromptBudgets): BuiltPrompt | "tooSmall" {
    const fence = fenceFor(doc.text, offset);
    const template = mode === "fim" ? renderFim(doc, caps, [], emptyWindow(offset), offset) : renderR1(doc, caps, options, [], emptyWindow(offset), fence);
    const budgets = fitBudgets(wanted, limit - template.overhead);
    if (!budgets || budgets.prefixTokens < minPrefixTokens) return "tooSmall";
    const prefixStart = anchorFits(doc.text, offset, options.prefixAnchor, budgets.prefixTokens)
        ? options.prefixAnchor
        : startForBudget(doc.text, offset, options.prefixAnchor != null ? Math.floor(budgets.prefixTokens * refillShare) : budgets.prefixTokens, {
            quantum: options.prefixQuantum ?? Math.max(64, Math.floor(budgets.prefixTokens / 2))
        });
    const suffixEnd = endForBudget(doc.text, offset, budgets.suffixTokens);
    const window: Window = {offset, prefixStart, suffixEnd, prefix: doc.text.slice(prefixStart, offset), suffix: doc.text.slice(offset, suffixEnd)};
    const candidates = withoutWindowOverlap(chunks, doc.uri, () => doc.text.slice(prefixStart, suffixEnd));
    const picked = pickChunks(candidates, budgets.contextTokens, template.chunkCost).chunks;
    const middleStart = mode === "fim" ? middleStartFor(doc.text, window, options.middleAnchor) : offset;
    const rendered = mode === "fim" ? renderFim(doc, caps, picked, window, middleStart) : renderR1(doc, caps, options, picked, window, fence);
    const params: CompletionRequest = {
        ...rendered.params,
        maxTokens,
        ...(options.timeCapMs != null ? {timeCapMs: Math.max(1, Math.floor(options.timeCapMs))} : {}),
        temperature: options.temperature ?? 0
    };
    const stop = [...(params.stop ?? []), ...(options.singleLine ? ["\n"] : [])];
    if (stop.length > 0) params.stop = stop;
    else delete params.stop;
    const estimatedTokens = estimateTokens(params.prefix) + (params.suffix != null ? estimateTokens(params.suffix) : 0) + (params.middle != null ? estimateTokens(params.middle) : 0);
    return {mode, params, estimatedTokens, prefixStart, suffixEnd, middleStart, chunks: picked};
}

/** A new window start after the anchored one overflowed uses this share of the prefix budget. */
const refillShare = 0.6;

function anchorFits(text: string, offset: number, anchor: number | undefined, budget: number): anchor is number {
    if (anchor == null || !Number.isInteger(anchor) || anchor < 0 || anchor > offset) return false;
    // At a line start (edits above may have moved it off one), and within the budget.
    if (anchor > 0 && text.charCodeAt(anchor - 1) !== 10) return false;
    return estimateTokens(text, anchor, offset) <= budget;
}

function emptyWindow(offset: number): Window {
    return {offset, prefixStart: offset, suffixEnd: offset, prefix: "", suffix: ""};
}

/** A code fence that the file's own text near the cursor does not contain, so it can end the answer. */
function fenceFor(text: string, offset: number): string {
    const near = text.slice(Math.max(0, offset - 20_000), offset + 20_000);
    return near.includes("```") ? "~~~~~" : "```";
}

/**
 * Where a FIM prompt's `middle` starts. The cursor's line up to the cursor goes after
 * `<|fim_middle|>` (see `middle` in the protocol): typing then changes only the prompt's last
 * tokens, never the suffix before them. llama.cpp's server lays infill out the same way. The line's
 * indentation stays in the prefix: it is set when the line is made and rarely changes, and on a
 * fresh line the answer then starts right after `<|fim_middle|>`, as in training. A kept anchor
 * (the previous prompt's middle start) lets the middle span the lines typed since, so a new line
 * does not make the suffix a cold prompt either.
 */
function middleStartFor(text: string, window: Window, anchor: number | undefined): number {
    // The length check first: a far jump past the anchor is never measured token by token.
    if (anchor != null && Number.isInteger(anchor) && anchor >= window.prefixStart && anchor <= window.offset && window.offset - anchor <= maxMiddleTokens * 16) {
        const anchorLine = text.lastIndexOf("\n", anchor - 1) + 1;
        const indentOnly = /^[ \t]*$/.test(text.slice(anchorLine, anchor));
        if (indentOnly && estimateTokens(text, anchor, window.offset) <= maxMiddleTokens) return anchor;
    }
    const lineStart = Math.max(window.prefixStart, text.lastIndexOf("\n", window.offset - 1) + 1);
    let contentStart = lineStart;
    while (contentStart < window.offset && (text[contentStart] === " " || text[contentStart] === "\t")) contentStart++;
    return contentStart;
}

function renderFim(doc: DocumentSnapshot, caps: CompletionModelCaps, chunks: readonly ContextChunk[], window: Window, middleStart: number): Rendered {
    const above = doc.text.slice(window.prefixStart, middleStart);
    const middle = doc.text.slice(middleStart, window.offset);
    const withMiddle = middle !== "" ? {middle} : {};
    if (caps.fileSeparator) {
        // Qwen2.5-Coder's repository format: each file as `<|file_sep|>path\ncontent`, the current one last.
        const renderChunk = (chunk: ContextChunk): string => `${qwenRepo.fileSep}${displayPath(chunk.uri)}\n${neutralizeSpecialTokens(trimFinalNewline(chunk.text))}\n`;
        const header = `${qwenRepo.fileSep}${displayPath(doc.uri)}\n`;
        return {
            params: {
                prefix: chunks.map(renderChunk).join("") + header + neutralizeSpecialTokens(above),
                // The engine parses special tokens in the prefix only: suffix and middle go as they are.
                suffix: window.suffix,
                ...withMiddle,
                specialTokens: true
            },
            overhead: estimateTokens(header) + fimMarkers,
            chunkCost: (chunk) => estimateTokens(renderChunk(chunk))
        };
    }
    // Without special tokens, other files become comments in the current file's language; a language
    // without line comments gets no other files rather than text that breaks its syntax.
    const comment = lineCommentFor(doc.languageId);
    const renderChunk = (chunk: ContextChunk): string => comment == null
        ? ""
        : [`Path: ${displayPath(chunk.uri)}`, ...trimFinalNewline(chunk.text).split("\n")].map((line) => `${comment} ${line}`.trimEnd()).join("\n") + "\n\n";
    return {
        params: {prefix: chunks.map(renderChunk).join("") + above, suffix: window.suffix, ...withMiddle},
        overhead: fimMarkers,
        chunkCost: (chunk) => comment == null ? Number.POSITIVE_INFINITY : estimateTokens(renderChunk(chunk))
    };
}

/** `<|fim_prefix|>`, `<|fim_suffix|>`, `<|fim_middle|>`, added by the worker. */
const fimMarkers = 3;

function renderR1(doc: DocumentSnapshot, caps: CompletionModelCaps, options: PromptOptions, chunks: readonly ContextChunk[], window: Window, fence: string): Rendered {
    const lang = doc.languageId;
    const path = displayPath(doc.uri);
    const block = (body: string): string => `${fence}${lang}\n${neutralizeSpecialTokens(trimFinalNewline(body))}\n${fence}\n\n`;
    const renderChunk = (chunk: ContextChunk): string => `\`${displayPath(chunk.uri)}\`:\n${block(chunk.text)}`;
    const opening = `${options.bos ?? true ? r1.bos : ""}${r1.user}Complete the ${lang} code in \`${path}\` at the cursor. ` +
        `Write only the code that goes at the cursor, then close the code block.\n\n`;
    const contextIntro = "Related code from other files:\n\n";
    const suffixIntro = "The code after the cursor (already in the file, do not repeat it):\n";
    const suffixPart = window.suffix.trim() === "" ? "" : suffixIntro + block(window.suffix);
    const answerStart = `${r1.assistant}${caps.thinks ? `${r1.thinkOpen}\n\n${r1.thinkClose}\n\n` : ""}${fence}${lang}\n`;
    const chunkPart = chunks.length > 0 ? contextIntro + chunks.map(renderChunk).join("") : "";
    return {
        params: {
            prefix: opening + chunkPart + suffixPart + answerStart + neutralizeSpecialTokens(window.prefix),
            stop: [fence],
            specialTokens: true
        },
        // The suffix block's frame is template too: its text is charged to the suffix budget.
        overhead: estimateTokens(opening + contextIntro + suffixIntro + block("") + answerStart),
        chunkCost: (chunk) => estimateTokens(renderChunk(chunk))
    };
}

function trimFinalNewline(text: string): string {
    return text.replace(/\r?\n$/, "");
}
