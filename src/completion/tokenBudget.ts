/**
 * A fast, synchronous, deliberately pessimistic token estimate, and cuts of text to a token budget.
 *
 * Asking the worker to tokenize on every keystroke would cost a round trip, so prompts are sized
 * here. Qwen's byte-level BPE averages 3–4 UTF-8 bytes per token on code; this estimate charges
 * about 2.3 characters per token on typical code (1.4–1.6× the real count) so that a prompt sized by
 * it always fits. What it charges, in quarter tokens:
 * - a run of ASCII letters: 4 for its first letter, 1 for each further one, +2 at a lower→upper
 *   change (camelCase and base64 split there);
 * - a digit: 4 (Qwen splits numbers into single digits);
 * - punctuation: 4 for the first of a run, 2 for each further one (`);`, `=>`, `})` often merge);
 * - a lone space between two non-spaces: 0 (it merges into the next token); other spaces and tabs: 1;
 * - a line feed: 4; a carriage return: 0 (it merges with the line feed); other controls: 4;
 * - anything else: 4 per UTF-8 byte, which byte-level BPE can never exceed.
 * Each character's charge depends only on its neighbours, so the estimate of a range is the sum over
 * its characters and budgets can be walked from either end in time proportional to the window.
 */
import {lineStartAt} from "./cursorText";

const quarter = 4;
/**
 * Walking a budget charges characters with their outer neighbour present; the slice estimated on its
 * own may cost up to 3 quarters more at its first character and 1 at its last. One token covers both.
 */
const edgeReserve = quarter;

function isLetter(code: number): boolean {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
}

function isUpper(code: number): boolean {
    return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
    return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
    return code >= 48 && code <= 57;
}

function isBlank(code: number): boolean {
    return code === 32 || code === 9;
}

function isPunctuation(code: number): boolean {
    return code > 32 && code < 127 && !isLetter(code) && !isDigit(code);
}

/**
 * The charge of `text[i]` within `text[lo, hi)`, in quarter tokens. A missing neighbour (`-1`) never
 * lowers a charge, so a character costs at least as much at a window's edge as inside it.
 */
function charge(text: string, i: number, lo = 0, hi = text.length): number {
    const code = text.charCodeAt(i);
    const prev = i > lo ? text.charCodeAt(i - 1) : -1;
    if (isLetter(code)) {
        if (!isLetter(prev)) return 4;
        return isLower(prev) && isUpper(code) ? 3 : 1;
    }
    if (isDigit(code)) return 4;
    if (code === 32) {
        const next = i + 1 < hi ? text.charCodeAt(i + 1) : -1;
        const lone = prev !== -1 && !isBlank(prev) && prev !== 10 && next !== -1 && !isBlank(next) && next !== 10 && next !== 13;
        return lone ? 0 : 1;
    }
    if (code === 9) return 1;
    if (code === 13) return 0;
    if (isPunctuation(code)) return isPunctuation(prev) ? 2 : 4;
    if (code < 128) return 4;
    if (code < 0x800) return 8;
    // A surrogate pair is 4 UTF-8 bytes: 8 for each half.
    if (code >= 0xd800 && code <= 0xdfff) return 8;
    return 12;
}

/** Estimated tokens of `text.slice(start, end)` (the same as estimating that slice on its own). */
export function estimateTokens(text: string, start = 0, end = text.length): number {
    let total = 0;
    for (let i = start; i < end; i++) total += charge(text, i, start, end);
    return Math.ceil(total / quarter);
}

/** Moves an index off the second half of a surrogate pair, so cuts never split a character. */
function forwardToCharStart(text: string, index: number): number {
    const code = text.charCodeAt(index);
    return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}

export interface StartOptions {
    /** Never start before this index. Default 0. */
    lowest?: number;
    /**
     * Quantize the start: round the earliest allowed start up to a multiple of this many characters
     * before moving to a line start, so the start stays put while the text before `end` grows by
     * typing and the prompt keeps its prefix (and the model its KV cache). Default 1 (no rounding).
     */
    quantum?: number;
}

/**
 * Where to start a window that ends at `end` and holds at most `budget` estimated tokens: the first
 * line start at or after the earliest allowed index, or that index itself when the window's only line
 * is longer than the budget (a minified file).
 */
export function startForBudget(text: string, end: number, budget: number, options: StartOptions = {}): number {
    const lowest = Math.max(0, options.lowest ?? 0);
    const limit = Math.max(0, Math.floor(budget)) * quarter - edgeReserve;
    let start = end;
    let used = 0;
    while (start > lowest) {
        const cost = charge(text, start - 1);
        if (used + cost > limit) break;
        used += cost;
        start--;
    }
    if (start === lowest) return lowest;
    const quantum = Math.max(1, Math.floor(options.quantum ?? 1));
    let rounded = Math.min(end, Math.ceil(start / quantum) * quantum);
    // A quantum that is large against the window (dense text, a tiny budget) would waste most of it.
    if (end - rounded < (end - start) / 2) rounded = start;
    const lineStart = lineStartAt(text, end);
    if (rounded <= lineStart) {
        const nextLine = text.indexOf("\n", rounded - 1);
        if (nextLine !== -1 && nextLine < end) return nextLine + 1;
    }
    return forwardToCharStart(text, rounded);
}

/**
 * Where to end a window that starts at `start` and holds at most `budget` estimated tokens: the end
 * of the last whole line that fits (before its line feed), or the budget's end when the first line
 * alone does not fit; `text.length` when everything fits.
 */
export function endForBudget(text: string, start: number, budget: number): number {
    const limit = Math.max(0, Math.floor(budget)) * quarter - edgeReserve;
    let end = start;
    let used = 0;
    while (end < text.length) {
        const cost = charge(text, end);
        if (used + cost > limit) break;
        used += cost;
        end++;
    }
    if (end === text.length) return end;
    const lastBreak = text.lastIndexOf("\n", end - 1);
    if (lastBreak >= start) return lastBreak > start && text.charCodeAt(lastBreak - 1) === 13 ? lastBreak - 1 : lastBreak;
    const code = text.charCodeAt(end);
    return code >= 0xdc00 && code <= 0xdfff ? end - 1 : end;
}

/** The end of `text` within `budget`, dropping whole lines from the top where possible. */
export function keepEnd(text: string, budget: number): string {
    return text.slice(startForBudget(text, text.length, budget));
}

/** The start of `text` within `budget`, dropping whole lines from the bottom where possible. */
export function keepStart(text: string, budget: number): string {
    return text.slice(0, endForBudget(text, 0, budget));
}
