/**
 * What the chat core tells the world: domain events about chats and turns, no view messages. The
 * host side of the webviews (src/webview/chatPresenter.ts) turns them into the chat view's and the
 * Reasoning panel's messages; a benchmark or a test can listen to the same events.
 */
import type {Chat, Turn} from "./types";

/** A turn that has ended: why, and its counts and times. */
export type EndedTurn = Turn & Required<Pick<Turn, "stopReason" | "stats">>;

/** How much of the model's context the last prompt used (the panel's meter). */
export interface ContextUsage {
    usedTokens: number;
    contextSize: number;
    /** Earlier turns left out so the prompt fits. */
    trimmedTurns: number;
    workspaceTokens?: number;
    workspaceChunksLeftOut?: number;
}

export interface ChatEvents {
    /** Another chat is current (undefined: a new, empty one), or the turns of the current one were replaced. */
    chatShown(chat: Chat | undefined): void;
    /** The list of chats changed (one saved, added or deleted). */
    chatsChanged(chats: readonly Chat[]): void;
    /** `replaces`: the turn this one answers again (Regenerate, a dropped source). */
    turnStarted(turn: Turn, replaces?: string): void;
    /** `thoughtTokens`: the turn's thought tokens so far, as the model counted them. */
    thought(turn: Turn, text: string, thoughtTokens: number): void;
    answer(turn: Turn, text: string): void;
    /** The turn's attachments changed (the workspace code found for it, cut to what fits). */
    attachmentsChanged(turn: Turn): void;
    /** A line of progress before the model starts (the workspace search). */
    progress(turn: Turn, text: string): void;
    /** Something the user should know about the answer (said once, kept with the turn). */
    notice(turn: Turn, text: string): void;
    usage(usage: ContextUsage): void;
    /** The turn ended (answered, stopped, cut short). */
    turnEnded(turn: EndedTurn): void;
    /** The turn failed with `message`. */
    turnFailed(turn: Turn & Pick<EndedTurn, "stats">, message: string): void;
}
