/**
 * The host side of the chat view and of the chat's sections in the Reasoning panel: it listens to
 * the chat core's domain events (ChatEvents) and says them to the views in their protocol. What a
 * view needs when it (re)opens — the chats, the current chat, the model and the last usage — it
 * builds here too, so the chat core never builds a view message.
 */
import type {ChatEvents, ContextUsage} from "../chat/chatEvents";
import {traceStats} from "../chat/thoughtClock";
import type {EndedTurn} from "../chat/chatEvents";
import {summarize as chatSummary} from "../chat/historyStore";
import {turnShownText, turnTitle} from "../chat/turnText";
import type {Attachment, Chat, Turn} from "../chat/types";
import type {HostToChat, ModelSummary, Transcript} from "./protocol";
import type {TraceBook} from "./traceBook";

export interface ChatPresenterPorts {
    postToChat(message: HostToChat): void;
    trace: TraceBook;
    /** The chats and the current one, as the chat core has them now. */
    chats(): readonly Chat[];
    current(): Chat | undefined;
    /** The configured chat model and its state now, without loading it; null when none is configured. */
    modelStatus(): ModelSummary | null;
    /** How the panel names the thinking budget, e.g. "Thinking: normal". */
    budgetLabel(): string;
}

export class ChatPresenter implements ChatEvents {
    /** The last usage report, repeated to a view that (re)opens while its chat is current. */
    private usageShown: Extract<HostToChat, {type: "usage"}> | undefined;

    constructor(private readonly ports: ChatPresenterPorts) {}

    /** The chat view is (again) ready: everything it shows. */
    chatViewReady(): void {
        const current = this.ports.current();
        this.ports.postToChat({
            type: "init",
            chats: this.ports.chats().map(chatSummary),
            current: current ? toTranscript(current) : null,
            model: this.ports.modelStatus(),
            thinkingBudget: this.ports.budgetLabel()
        });
        if (this.usageShown && current) this.ports.postToChat(this.usageShown);
    }

    /** The model setting, the model's state or the thinking budget changed: the footer follows. */
    modelChanged(): void {
        this.ports.postToChat({type: "model", model: this.ports.modelStatus(), thinkingBudget: this.ports.budgetLabel()});
    }

    chatShown(chat: Chat | undefined): void {
        this.chatViewReady();
        this.ports.trace.showChat(
            (chat?.turns ?? []).map((turn) => ({turnId: turn.id, title: turnTitle(turn), thought: turn.thought, ...(turn.stats ? {stats: turnTraceStats(turn.stats)} : {})}))
        );
    }

    chatsChanged(chats: readonly Chat[]): void {
        this.ports.postToChat({type: "history", chats: chats.map(chatSummary)});
    }

    turnStarted(turn: Turn, replaces?: string): void {
        this.ports.postToChat({
            type: "turnStarted",
            turnId: turn.id,
            userText: turnShownText(turn),
            attachments: turn.attachments.map(toViewAttachment),
            ...(replaces ? {replaces} : {})
        });
        // The replaced answer's thought leaves the panel with it.
        if (replaces) this.ports.trace.drop(replaces);
        this.ports.trace.start(turn.id, "chat", turnTitle(turn));
    }

    thought(turn: Turn, text: string, thoughtTokens: number): void {
        this.ports.postToChat({type: "thoughtChunk", turnId: turn.id, text, thoughtTokens});
        this.ports.trace.thought(turn.id, text, thoughtTokens);
    }

    answer(turn: Turn, text: string): void {
        this.ports.postToChat({type: "answerChunk", turnId: turn.id, text});
    }

    attachmentsChanged(turn: Turn): void {
        this.ports.postToChat({type: "turnAttachments", turnId: turn.id, attachments: turn.attachments.map(toViewAttachment)});
    }

    progress(turn: Turn, text: string): void {
        this.ports.postToChat({type: "turnProgress", turnId: turn.id, text: text.slice(0, 500)});
    }

    notice(turn: Turn, text: string): void {
        this.ports.postToChat({type: "turnNotice", turnId: turn.id, text});
    }

    usage(usage: ContextUsage): void {
        this.usageShown = {type: "usage", ...usage};
        this.ports.postToChat(this.usageShown);
    }

    turnEnded(turn: EndedTurn): void {
        this.ports.postToChat({type: "turnEnded", turnId: turn.id, stopReason: turn.stopReason, stats: turn.stats});
        this.ports.trace.end(turn.id, turnTraceStats(turn.stats));
    }

    turnFailed(turn: Turn & Pick<EndedTurn, "stats">, message: string): void {
        this.ports.postToChat({type: "turnFailed", turnId: turn.id, message});
        this.ports.trace.end(turn.id, turnTraceStats(turn.stats));
    }
}

/** A saved turn from before thought times were kept has no rate: its time was the whole turn's. */
function turnTraceStats(stats: NonNullable<Turn["stats"]>) {
    return traceStats(stats.thoughtTokens, stats.thoughtMs ?? 0, stats.thoughtCutByBudget);
}

function toTranscript(chat: Chat): Transcript {
    return {
        id: chat.id,
        title: chat.title,
        turns: chat.turns.map((turn) => ({
            turnId: turn.id,
            userText: turnShownText(turn),
            attachments: turn.attachments.map(toViewAttachment),
            answer: turn.answer,
            ...(turn.stopReason ? {stopReason: turn.stopReason} : {}),
            ...(turn.stats ? {stats: turn.stats} : {}),
            ...(turn.error ? {error: turn.error} : {}),
            ...(turn.notice ? {notice: turn.notice} : {})
        }))
    };
}

/** Host strings the view shows are bounded like the protocol's labels, so one odd path cannot make a message invalid. */
const viewLabel = (text: string): string => (text.length > 1_000 ? `${text.slice(0, 999)}…` : text);

/** What the view learns of an attachment: no content, no URI; a path and lines only when it can be opened. */
function toViewAttachment(attachment: Attachment): Transcript["turns"][number]["attachments"][number] {
    const openable = attachment.uri !== undefined && attachment.startLine !== undefined && attachment.endLine !== undefined;
    return {
        kind: attachment.kind,
        label: viewLabel(attachment.label),
        ...(openable ? {path: viewLabel(attachment.fileName), startLine: attachment.startLine, endLine: attachment.endLine} : {})
    };
}
