/**
 * Turns what the model wrote into what may be shown at the cursor. Each rule is a small function of
 * its own; `postProcess` runs them in order. An empty string means "no suggestion".
 */
import {indentOf, indentWidth} from "./cursorText";

/** The text around the cursor that the rules look at (see cursorText.ts for capped reads). */
export interface CursorContext {
    /** The cursor's line up to the cursor. */
    linePrefix: string;
    /** The cursor's line after the cursor. */
    lineSuffix: string;
    /** The document after the cursor (a few lines are enough), starting with `lineSuffix`. */
    after: string;
    tabSize?: number;
}

const thinkOpen = "<think>";
const thinkClose = "</think>";

/**
 * No thought text reaches the document: what precedes a `</think>` was thought, and an unclosed
 * `<think>` opens thought up to the end. Prompts already skip the thought; this is the safety net.
 */
export function stripThinking(text: string): string {
    let result = text;
    const close = result.lastIndexOf(thinkClose);
    if (close !== -1) result = result.slice(close + thinkClose.length).replace(/^\s*\n/, "");
    const open = result.indexOf(thinkOpen);
    if (open !== -1) result = result.slice(0, open);
    return result;
}

/** Prompts neutralise special-token text in the user's files with a zero-width space; never write it back. */
export function restoreNeutralized(text: string): string {
    return text.replaceAll("<\u200b", "<");
}

/** Cuts at the first stop string (the engine stops there too; this covers a backend that does not). */
export function cutAtStops(text: string, stops: readonly string[]): string {
    let end = text.length;
    for (const stop of stops) {
        if (stop === "") continue;
        const at = text.indexOf(stop);
        if (at !== -1 && at < end) end = at;
    }
    return text.slice(0, end);
}

/** A generation cut by the token or time cap ends mid-line; a multi-line one loses that partial line. */
export function dropPartialLastLine(text: string, cutShort: boolean): string {
    if (!cutShort) return text;
    const lastBreak = text.lastIndexOf("\n");
    return lastBreak === -1 ? text : text.slice(0, lastBreak);
}

/** The model proposes exactly what already follows the cursor: nothing to add. */
export function dropIfRepeatsSuffix(text: string, ctx: CursorContext): string {
    const core = text.trim();
    if (core === "") return text;
    return ctx.after.trimStart().startsWith(core) ? "" : text;
}

/** The first non-blank line after the cursor's line, trimmed ("" when none). */
function nextSuffixLine(after: string): string {
    const lines = after.split("\n");
    for (let i = 1; i < lines.length; i++) {
        const line = lines[i]?.trim() ?? "";
        if (line !== "") return line;
    }
    return "";
}

/**
 * Stops a multi-line suggestion where it starts writing the lines that already follow the cursor
 * (typically the closing `}` of the block, which the file already has).
 */
export function cutAtSuffixRepeat(text: string, ctx: CursorContext): string {
    const next = nextSuffixLine(ctx.after);
    if (next === "") return text;
    const lines = text.split("\n");
    const firstFullLine = ctx.linePrefix.trim() === "" && ctx.lineSuffix.trim() === "" ? 0 : 1;
    for (let i = firstFullLine; i < lines.length; i++) {
        if (lines[i]?.trim() === next) return lines.slice(0, i).join("\n");
    }
    return text;
}

const closers = new Set([")", "]", "}", "\"", "'", "`", ";", ",", ">"]);

/**
 * The suggestion ends with text the cursor's line already has after the cursor (`foo(|)` → `a, b)`):
 * drop that ending. Either the whole rest of the line, or a run that starts with a closing character
 * (the editor auto-closed a bracket or quote the model closed too).
 */
export function trimLineSuffixOverlap(text: string, ctx: CursorContext): string {
    const rest = ctx.lineSuffix.trimEnd();
    if (rest === "") return text;
    const whole = rest.trim();
    if (whole !== "" && text.trimEnd().endsWith(whole)) return text.trimEnd().slice(0, text.trimEnd().length - whole.length);
    if (!closers.has(rest[0] ?? "")) return text;
    for (let k = rest.length; k >= 1; k--) {
        if (text.endsWith(rest.slice(0, k))) return text.slice(0, text.length - k);
    }
    return text;
}

/**
 * Stops a multi-line suggestion at the end of the cursor's block: before the first line indented less
 * than the cursor's line (or than the cursor, on a line of only indentation).
 */
export function stopAtBlockEnd(text: string, ctx: CursorContext): string {
    const lines = text.split("\n");
    if (lines.length < 2) return text;
    const tabSize = ctx.tabSize ?? 4;
    const ownIndent = ctx.linePrefix.trim() === "" ? ctx.linePrefix : indentOf(ctx.linePrefix);
    const blockIndent = indentWidth(ownIndent, tabSize);
    for (let i = 1; i < lines.length; i++) {
        const line = lines[i] ?? "";
        if (line.trim() !== "" && indentWidth(indentOf(line), tabSize) < blockIndent) return lines.slice(0, i).join("\n");
    }
    return text;
}

/** Trailing whitespace on every line, and trailing blank lines. */
export function trimTrailingWhitespace(text: string): string {
    return text.split("\n").map((line) => line.trimEnd()).join("\n").trimEnd();
}

/** Nothing but whitespace is no suggestion. */
export function dropBlank(text: string): string {
    return text.trim() === "" ? "" : text;
}

const wordChar = /[\p{L}\p{N}_$]/u;

/**
 * With a word character right after the cursor, a suggestion must not split or extend that word: none
 * at all in the middle of a word, and otherwise only one line that ends in a non-word character
 * (`|foo` → `await ` is fine, `|foo` → `bar` would make `barfoo`).
 */
export function keepWordIntact(text: string, ctx: CursorContext): string {
    const after = ctx.lineSuffix[0];
    if (after === undefined || !wordChar.test(after)) return text;
    const before = ctx.linePrefix.at(-1);
    if (before !== undefined && wordChar.test(before)) return "";
    if (text.includes("\n")) return "";
    const last = text.at(-1);
    return last !== undefined && wordChar.test(last) ? "" : text;
}

/** Keeps at most `maxLines` lines. */
export function limitLines(text: string, maxLines: number): string {
    const lines = text.split("\n");
    return lines.length <= maxLines ? text : lines.slice(0, Math.max(1, maxLines)).join("\n");
}

export interface PostProcessInput {
    raw: string;
    ctx: CursorContext;
    /** The request's stop strings. */
    stops?: readonly string[];
    /** The token or time cap ended the generation. */
    cutShort?: boolean;
    maxLines?: number;
}

/** All rules in order; "" when nothing is worth showing. */
export function postProcess(input: PostProcessInput): string {
    const {ctx} = input;
    let text = stripThinking(restoreNeutralized(input.raw));
    text = cutAtStops(text, input.stops ?? []);
    text = dropPartialLastLine(text, input.cutShort ?? false);
    text = limitLines(text, input.maxLines ?? 16);
    text = dropIfRepeatsSuffix(text, ctx);
    text = cutAtSuffixRepeat(text, ctx);
    text = stopAtBlockEnd(text, ctx);
    text = trimTrailingWhitespace(text);
    text = trimLineSuffixOverlap(text, ctx);
    text = dropBlank(text);
    return keepWordIntact(text, ctx);
}
