/**
 * Builds the `complete` request for one cursor position in the prompt format the worker decided for
 * the model (`CompletionModelCaps.format`, from ModelInfo; never chosen here):
 * - repoFim (Qwen2.5-Coder): `repository` = the workspace folder's name, the other files and the
 *   current file's path, all workspace-relative; `prefix` = the file above the cursor's line,
 *   `suffix` = the file after the cursor, `middle` = the cursor's line up to the cursor. The worker
 *   renders `<|repo_name|>name\n<|file_sep|>path\ntext\n…<|file_sep|>path\n<|fim_prefix|>prefix<|fim_suffix|>suffix<|fim_middle|>middle`.
 * - fim: the same without repository tokens; other files become comments at the top of `prefix`.
 * - r1 (a reasoning chat model): a chat turn whose answer is prefilled with an empty thought and an
 *   open code fence holding the file so far; the model continues the code and closes the fence. The
 *   thought is skipped by construction, and the fence is the stop string.
 * - plain: the other files as comments and the file up to the cursor, continued; no suffix.
 * All put what stays the same while typing first (instructions, other files, in R1 mode the code
 * after the cursor) and the text around the cursor last, so consecutive keystrokes share the longest
 * prompt prefix and the completion sequence's KV cache is reused. The prefix window's start is
 * quantized for the same reason (see `startForBudget`).
 */
import type {CompletionFormat} from "../engine/protocol";
import {pickChunks, withoutWindowOverlap} from "./chunkSelection";
import {lineStartAt} from "./cursorText";
import {lineCommentFor} from "./lineComments";
import {defaultBudgets, fitBudgets, minPrefixTokens, promptTokenLimit, type PromptBudgets} from "./promptBudgets";
import {neutralizeSpecialTokens, qwenRepo, r1} from "./specialTokenText";
import {endForBudget, estimateTokens, startForBudget} from "./tokenBudget";
import type {CompletionModelCaps, CompletionRequest, ContextChunk, DocumentSnapshot} from "./types";
import {noRootName, workspacePath} from "./workspacePath";

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
     * FIM formats: where the previous prompt's `middle` started. Kept while the cursor is still after it
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
    format: CompletionFormat;
    params: CompletionRequest;
    /** Estimated prompt tokens (pessimistic), without the answer. */
    estimatedTokens: number;
    /** The document window the prompt shows: `[prefixStart, offset)` and `[offset, suffixEnd)`. */
    prefixStart: number;
    suffixEnd: number;
    /** FIM formats: where `middle` starts (the cursor's line after its indentation, or the kept anchor). */
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
    const format = caps.format;
    const maxTokens = Math.max(1, Math.floor(options.maxTokens));
    // Budgets and estimates are in estimated tokens; the context holds real ones.
    const limit = Math.floor(promptTokenLimit(caps.contextSize, maxTokens) / Math.max(1, options.tokenScale ?? 1));
    const wanted: PromptBudgets = {...defaultBudgets[format], ...options.budgets};
    const offset = Math.max(0, Math.min(doc.text.length, Math.floor(doc.offset)));
    // Neutralised special-token text can cost more than estimated from the raw file; shrink and retry.
    for (let scale = 1; scale > 0.2; scale *= 0.7) {
        const built = tryBuild(doc, offset, chunks, caps, options, maxTokens, limit, scaleBudgets(wanted, scale));
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
    maxTokens: number, limit: number, wanted: PromptBudgets): BuiltPrompt | "tooSmall" {
    const fence = fenceFor(doc.text, offset);
    const infill = caps.format === "repoFim" || caps.format === "fim";
    const render = (picked: readonly ContextChunk[], window: Window, middleStart: number): Rendered => {
        switch (caps.format) {
            case "repoFim": return renderRepoFim(doc, picked, window, middleStart);
            case "fim": return renderCommentedFim(doc, picked, window, middleStart);
            case "plain": return renderPlain(doc, picked, window);
            case "r1": return renderR1(doc, caps, options, picked, window, fence);
        }
    };
    const template = render([], emptyWindow(offset), offset);
    const budgets = fitBudgets(wanted, limit - template.overhead);
    if (!budgets || budgets.prefixTokens < minPrefixTokens) return "tooSmall";
    const prefixStart = anchorFits(doc.text, offset, options.prefixAnchor, budgets.prefixTokens)
        ? options.prefixAnchor
        : startForBudget(doc.text, offset, options.prefixAnchor != null ? Math.floor(budgets.prefixTokens * refillShare) : budgets.prefixTokens, {
            quantum: options.prefixQuantum ?? Math.max(64, Math.floor(budgets.prefixTokens / 2))
        });
    const suffixEnd = caps.format === "plain" ? offset : endForBudget(doc.text, offset, budgets.suffixTokens);
    const window: Window = {offset, prefixStart, suffixEnd, prefix: doc.text.slice(prefixStart, offset), suffix: doc.text.slice(offset, suffixEnd)};
    const candidates = withoutWindowOverlap(chunks, doc.uri, () => doc.text.slice(prefixStart, suffixEnd));
    const picked = pickChunks(candidates, budgets.contextTokens, template.chunkCost).chunks;
    const middleStart = infill ? middleStartFor(doc.text, window, options.middleAnchor) : offset;
    const rendered = render(picked, window, middleStart);
    const params: CompletionRequest = {
        ...rendered.params,
        maxTokens,
        ...(options.timeCapMs != null ? {timeCapMs: Math.max(1, Math.floor(options.timeCapMs))} : {}),
        temperature: options.temperature ?? 0
    };
    const stop = [...(params.stop ?? []), ...(options.singleLine ? ["\n"] : [])];
    if (stop.length > 0) params.stop = stop;
    else delete params.stop;
    const estimatedTokens = estimateTokens(params.prefix) + (params.suffix != null ? estimateTokens(params.suffix) : 0) + (params.middle != null ? estimateTokens(params.middle) : 0) +
        (params.repository != null ? estimateTokens(renderRepository(params.repository)) : 0);
    return {format: caps.format, params, estimatedTokens, prefixStart, suffixEnd, middleStart, chunks: picked};
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
 * tokens, never the suffix before them. (llama.cpp's server appends such text to the prefix
 * instead; ours keeps the suffix in the KV cache while typing.) The line's indentation stays in the
 * prefix: it is set when the line is made and rarely changes, and on a fresh line the answer then
 * starts right after `<|fim_middle|>`, as in training. A kept anchor (the previous prompt's middle
 * start) lets the middle span the lines typed since, so a new line does not make the suffix a cold
 * prompt either.
 */
function middleStartFor(text: string, window: Window, anchor: number | undefined): number {
    // The length check first: a far jump past the anchor is never measured token by token.
    if (anchor != null && Number.isInteger(anchor) && anchor >= window.prefixStart && anchor <= window.offset && window.offset - anchor <= maxMiddleTokens * 16) {
        const anchorLine = lineStartAt(text, anchor);
        const indentOnly = /^[ \t]*$/.test(text.slice(anchorLine, anchor));
        if (indentOnly && estimateTokens(text, anchor, window.offset) <= maxMiddleTokens) return anchor;
    }
    const lineStart = Math.max(window.prefixStart, lineStartAt(text, window.offset));
    let contentStart = lineStart;
    while (contentStart < window.offset && (text[contentStart] === " " || text[contentStart] === "\t")) contentStart++;
    return contentStart;
}

/**
 * Qwen2.5-Coder's repository-level layout: the other files and the current file's path go in
 * `repository`, which the worker renders before `<|fim_prefix|>` with the real special tokens. The
 * file text is tokenized as plain text there, so it needs no neutralising.
 */
function renderRepoFim(doc: DocumentSnapshot, chunks: readonly ContextChunk[], window: Window, middleStart: number): Rendered {
    const root = doc.workspace;
    const name = root?.name ?? noRootName;
    const path = workspacePath(doc.uri, root);
    const file = (chunk: ContextChunk) => ({path: workspacePath(chunk.uri, root), text: chunk.text});
    const middle = doc.text.slice(middleStart, window.offset);
    return {
        params: {
            prefix: doc.text.slice(window.prefixStart, middleStart),
            suffix: window.suffix,
            ...(middle !== "" ? {middle} : {}),
            repository: {name, files: chunks.map(file), path}
        },
        overhead: estimateTokens(renderRepository({name, files: [], path})) + fimMarkers,
        chunkCost: (chunk) => estimateTokens(renderRepository({name: "", files: [file(chunk)], path: ""}))
    };
}

/** The repository part as the worker renders it (for estimates only: the worker owns the layout). */
function renderRepository(repository: NonNullable<CompletionRequest["repository"]>): string {
    const files = repository.files.map((file) => `${qwenRepo.fileSep}${file.path}\n${file.text}\n`).join("");
    return `${qwenRepo.repoName}${repository.name}\n${files}${qwenRepo.fileSep}${repository.path}\n`;
}

/**
 * Other files as comments in the current file's language; a language without line comments gets no
 * other files rather than text that breaks its syntax.
 */
function commentedChunks(doc: DocumentSnapshot): {render: (chunk: ContextChunk) => string; cost: (chunk: ContextChunk) => number} {
    const comment = lineCommentFor(doc.languageId);
    const render = (chunk: ContextChunk): string => comment == null
        ? ""
        : [`Path: ${workspacePath(chunk.uri, doc.workspace)}`, ...trimFinalNewline(chunk.text).split("\n")].map((line) => `${comment} ${line}`.trimEnd()).join("\n") + "\n\n";
    return {render, cost: (chunk) => comment == null ? Number.POSITIVE_INFINITY : estimateTokens(render(chunk))};
}

function renderCommentedFim(doc: DocumentSnapshot, chunks: readonly ContextChunk[], window: Window, middleStart: number): Rendered {
    const above = doc.text.slice(window.prefixStart, middleStart);
    const middle = doc.text.slice(middleStart, window.offset);
    const commented = commentedChunks(doc);
    return {
        params: {prefix: chunks.map(commented.render).join("") + above, suffix: window.suffix, ...(middle !== "" ? {middle} : {})},
        overhead: fimMarkers,
        chunkCost: commented.cost
    };
}

/** A model with no completion format of its own continues the file; the code after the cursor is not shown to it. */
function renderPlain(doc: DocumentSnapshot, chunks: readonly ContextChunk[], window: Window): Rendered {
    const commented = commentedChunks(doc);
    return {params: {prefix: chunks.map(commented.render).join("") + window.prefix}, overhead: 0, chunkCost: commented.cost};
}

/** `<|fim_prefix|>`, `<|fim_suffix|>`, `<|fim_middle|>`, added by the worker. */
const fimMarkers = 3;

function renderR1(doc: DocumentSnapshot, caps: CompletionModelCaps, options: PromptOptions, chunks: readonly ContextChunk[], window: Window, fence: string): Rendered {
    const lang = doc.languageId;
    const path = workspacePath(doc.uri, doc.workspace);
    const block = (body: string): string => `${fence}${lang}\n${neutralizeSpecialTokens(trimFinalNewline(body))}\n${fence}\n\n`;
    const renderChunk = (chunk: ContextChunk): string => `\`${workspacePath(chunk.uri, doc.workspace)}\`:\n${block(chunk.text)}`;
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
