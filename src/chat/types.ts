/** A chat as Enclave keeps it: what the user asked (with attachments), what the model thought and answered. */
import type {AnswerStats, StopReason} from "../webview/protocol";

export type AttachmentKind = "selection" | "file" | "editors" | "workspace";

export interface Attachment {
    kind: AttachmentKind;
    /** Shown in the panel, e.g. "app.ts:10-24". */
    label: string;
    fileName: string;
    languageId?: string;
    /** 1-based, inclusive, for selections. */
    startLine?: number;
    endLine?: number;
    content: string;
    /** The file it came from, as a URI string, so that a citation can open it (workspace code). */
    uri?: string;
}

/** The chat view's own stats type: what is saved is what is shown. */
export type TurnStats = AnswerStats;

export interface Turn {
    id: string;
    userText: string;
    /** What the panel shows for `userText` when it is a canned prompt, e.g. "Explain `greet` (sample.ts:2-4)". */
    displayText?: string;
    attachments: Attachment[];
    thought: string;
    answer: string;
    stopReason?: StopReason;
    stats?: TurnStats;
    error?: string;
    /**
     * Set when the turn asked for workspace code (the Workspace toggle or `@workspace`). `searched`:
     * the index was asked, and its chunks (what fitted) are among `attachments`, so Regenerate
     * reuses them instead of searching again.
     */
    workspace?: {searched: boolean};
    /** One line for the user about the turn that is not a failure, e.g. why no workspace code was used. */
    notice?: string;
}

export interface Chat {
    id: string;
    title: string;
    createdAt: number;
    updatedAt: number;
    turns: Turn[];
}

export interface ChatSummary {
    id: string;
    title: string;
    updatedAt: number;
}
