/**
 * Turns a chat into the messages the model sees. DeepSeek's guidance for R1: no system prompt
 * (instructions go in the user turn), files in its upload format, and earlier thoughts not sent
 * back. Long conversations lose their oldest turns first, never the newest, and never silently:
 * the caller learns how many were left out.
 */
import type {ChatMessage} from "../engine/protocol";
import type {Attachment, Turn} from "./types";
import {withoutWorkspaceMention} from "./workspaceMention";

/** DeepSeek's file template (from its official R1 prompts). */
export function formatAttachment(attachment: Attachment): string {
    const lines = attachment.startLine != null && attachment.endLine != null ? ` (lines ${attachment.startLine}-${attachment.endLine})` : "";
    return `[file name]: ${attachment.fileName}${lines}\n[file content begin]\n${attachment.content}\n[file content end]`;
}

/**
 * R1 takes no system prompt, so the request to cite goes in the user turn: after the files (stable
 * text first, for the prompt-prefix cache) and before the question (the changing line last). The
 * example is a real chunk's reference, so a small model copies the format rather than invents one.
 */
export function citationInstruction(example: Pick<Attachment, "fileName" | "startLine" | "endLine">): string {
    const lines = example.startLine != null && example.endLine != null ? `:${example.startLine}-${example.endLine}` : "";
    return `The files above are from my workspace. Cite the files and lines you use as path:start-end (for example ${example.fileName}${lines}).`;
}

export function userContent(turn: Pick<Turn, "userText" | "attachments">): string {
    const code = turn.attachments.find((attachment) => attachment.kind === "workspace");
    return [...turn.attachments.map(formatAttachment), ...(code ? [citationInstruction(code)] : []), withoutWorkspaceMention(turn.userText)].join("\n");
}

export function toMessages(turns: readonly Turn[]): ChatMessage[] {
    const messages: ChatMessage[] = [];
    for (const [index, turn] of turns.entries()) {
        messages.push({role: "user", content: userContent(turn)});
        const isLast = index === turns.length - 1;
        // The last turn is the one being answered; earlier turns send their answer only.
        if (!isLast) messages.push({role: "assistant", content: turn.answer});
    }
    return messages;
}

export interface TrimResult {
    turns: Turn[];
    /** How many of the oldest turns were left out to fit. */
    trimmedTurns: number;
    usedTokens: number;
}

/**
 * Keeps the newest turns whose messages fit `budgetTokens`. The newest turn always stays (if it
 * alone is too long, the model's own context handling has to cope, and the caller reports it).
 */
export function trimToBudget(turns: readonly Turn[], budgetTokens: number, countTokens: (text: string) => number): TrimResult {
    const costs = turns.map((turn, index) => countTokens(userContent(turn)) + (index === turns.length - 1 ? 0 : countTokens(turn.answer)));
    let used = 0;
    let first = turns.length;
    while (first > 0) {
        const cost = costs[first - 1] as number;
        if (first < turns.length && used + cost > budgetTokens) break;
        used += cost;
        first--;
    }
    return {turns: turns.slice(first), trimmedTurns: first, usedTokens: used};
}
