/**
 * The chat messages of an inline rewrite. R1 takes no system prompt (docs/ARCHITECTURE.md, "Where each rule lives"), so everything is in
 * the user turn: the file around the code in DeepSeek's file template (stable text first, for the
 * prompt-prefix cache), then the code to rewrite in a fence it cannot close, then the instruction
 * last. A follow-up ("make it shorter") is a second user turn after the rewrite it revises, so the
 * model changes that rewrite rather than starting over from the original.
 */
import {formatAttachment} from "../chat/promptAssembly";
import type {ChatMessage} from "../engine/protocol";
import {fenced} from "../review/format";

/** Lines of the file shown on each side of the code, as context. */
export const contextLines = 60;
/** Characters of context on each side at most (long minified lines must not fill the context). */
export const contextChars = 6_000;

export interface RewriteSource {
    /** The file's name as the user knows it (workspace-relative). */
    readonly fileName: string;
    /** A fence info word, e.g. "ts" or "python"; "" when unknown. */
    readonly language: string;
    /** The file's lines (without line endings). */
    readonly lines: readonly string[];
    /** The lines to rewrite, 0-based and inclusive. */
    readonly range: {readonly start: number; readonly end: number};
}

/** One round: the instruction, and the code the model answered with (for the next round's history). */
export interface RewriteRound {
    readonly instruction: string;
    readonly code?: string;
}

export function rewriteMessages(source: RewriteSource, rounds: readonly RewriteRound[]): ChatMessage[] {
    const [first, ...followUps] = rounds;
    if (!first) throw new Error("A rewrite needs an instruction.");
    const messages: ChatMessage[] = [{role: "user", content: firstRequest(source, first.instruction)}];
    let previous = first;
    for (const round of followUps) {
        messages.push({role: "assistant", content: fenced(previous.code ?? "", source.language)});
        messages.push({role: "user", content: followUpRequest(round.instruction)});
        previous = round;
    }
    return messages;
}

function firstRequest(source: RewriteSource, instruction: string): string {
    const {lines, range} = source;
    const before = tail(lines.slice(Math.max(0, range.start - contextLines), range.start));
    const after = head(lines.slice(range.end + 1, range.end + 1 + contextLines));
    const code = lines.slice(range.start, range.end + 1).join("\n");
    const parts: string[] = [];
    if (before.length > 0 || after.length > 0) {
        const context = [...before, "… (the code to rewrite is here) …", ...after].join("\n");
        const firstLine = range.start - before.length + 1;
        parts.push(formatAttachment({kind: "file", label: source.fileName, fileName: source.fileName, content: context, startLine: firstLine, endLine: range.end + 1 + after.length}));
    }
    parts.push(
        `Rewrite this code from ${source.fileName} (lines ${range.start + 1}-${range.end + 1}):`,
        fenced(code, source.language),
        `Instruction: ${oneLine(instruction)}`,
        "Answer with the complete rewritten code only, in one code block, with no explanation. Keep the code's indentation."
    );
    return parts.join("\n\n");
}

function followUpRequest(instruction: string): string {
    return `Revise your rewrite: ${oneLine(instruction)}\n\nAnswer with the complete revised code only, in one code block, with no explanation.`;
}

const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

/** The last lines of `lines` within contextChars. */
function tail(lines: readonly string[]): string[] {
    let size = 0;
    let first = lines.length;
    while (first > 0 && size + (lines[first - 1]?.length ?? 0) + 1 <= contextChars) size += (lines[--first]?.length ?? 0) + 1;
    return lines.slice(first);
}

function head(lines: readonly string[]): string[] {
    let size = 0;
    let end = 0;
    while (end < lines.length && size + (lines[end]?.length ?? 0) + 1 <= contextChars) size += (lines[end++]?.length ?? 0) + 1;
    return lines.slice(0, end);
}
