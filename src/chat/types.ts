/** A chat as Enclave keeps it: what the user asked (with attachments), what the model thought and answered. */
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

export interface TurnStats {
    thoughtTokens: number;
    answerTokens: number;
    elapsedMs: number;
    thoughtCutByBudget: boolean;
}

export interface Turn {
    id: string;
    userText: string;
    attachments: Attachment[];
    thought: string;
    answer: string;
    stopReason?: string;
    stats?: TurnStats;
    error?: string;
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
