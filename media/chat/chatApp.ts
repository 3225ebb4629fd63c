/**
 * The chat view: header (past chats, title, new chat), transcript, usage, composer. It applies host
 * messages to the view and turns user actions into messages for the host; it keeps no chat state
 * of its own beyond what is on screen (the host owns history).
 */
import type {ChatToHost, HostToChat, HostToChatOf, ModelSummary, Transcript} from "../../src/webview/protocol";
import {el, flash, iconButton} from "../shared/dom";
import {interceptLinks} from "../shared/links";
import {followScrollEnd} from "../shared/scrollFollower";
import {Announcer} from "./announcer";
import {ChatHistory} from "./chatHistory";
import {onCodeAction} from "./codeBlocks";
import {Composer, type ComposerState} from "./composer";
import {onSourceAction} from "./sources";
import {TurnView} from "./turnView";
import {UsageMeter} from "./usageMeter";

export class ChatApp {
    private readonly turns = new Map<string, TurnView>();
    private readonly transcript = el("div", {class: "transcript"});
    private readonly scroller: HTMLElement;
    private readonly emptyState = el("div", {class: "empty-state"});
    private readonly title = el("h1", {class: "chat-title", text: "New chat"});
    private readonly history: ChatHistory;
    private readonly usage = new UsageMeter();
    private readonly announcer = new Announcer();
    private readonly composer: Composer;
    private model: ModelSummary | null = null;
    private currentChatId: string | undefined;
    private chats: HostToChatOf<"history">["chats"] = [];
    /** Copy buttons waiting for the host's `copied`, by request id. */
    private readonly pendingCopies = new Map<string, HTMLButtonElement>();
    private copyRequests = 0;

    constructor(root: HTMLElement, private readonly post: (message: ChatToHost) => void, state: ComposerState | undefined, saveState: (state: ComposerState) => void) {
        this.history = new ChatHistory({
            open: (chatId) => post({type: "openChat", chatId}),
            delete: (chatId) => post({type: "deleteChat", chatId})
        });
        const newChat = iconButton("add", "New chat");
        newChat.addEventListener("click", () => {
            post({type: "newChat"});
            this.composer.focus();
        });
        const header = el("header", {class: "chat-header"}, this.history.toggle, this.title, newChat);
        this.composer = new Composer(
            {
                send: (text, attach) => post({type: "send", text, attach}),
                stop: () => post({type: "stop"}),
                regenerate: () => post({type: "regenerate"}),
                stateChanged: saveState
            },
            state
        );
        this.scroller = el("main", {class: "transcript-scroller", attrs: {"aria-label": "Conversation"}}, this.emptyState, this.transcript);
        root.classList.add("chat-app");
        root.append(header, this.history.element, this.scroller, this.usage.notice, this.composer.element, this.usage.element, this.announcer.element);
        followScrollEnd(this.scroller, this.transcript);
        interceptLinks(root, (href) => post({type: "openLink", href}));
        onCodeAction(this.transcript, (action, {code, language, turnId, block}, button) => {
            if (action === "copy") {
                // "Copied" only once the host has put it on the clipboard.
                const requestId = `copy-${++this.copyRequests}`;
                this.pendingCopies.set(requestId, button);
                post({type: "copyCode", code, requestId});
            }
            else if (action === "insert") post({type: "insertCode", code});
            else post({type: "applyCode", code, language, turnId, block});
        });
        onSourceAction(this.transcript, {
            open: (turnId, index, lines) => post({type: "openSource", turnId, index, ...(lines ? {lines} : {})}),
            drop: (turnId, index) => post({type: "dropSource", turnId, index})
        });
        this.refresh();
    }

    handle(message: HostToChat): void {
        switch (message.type) {
            case "init":
                this.setModel(message.model, message.thinkingBudget);
                this.chats = message.chats;
                this.show(message.current);
                break;
            case "model":
                this.setModel(message.model, message.thinkingBudget);
                break;
            case "history":
                this.chats = message.chats;
                this.history.update(this.chats, this.currentChatId);
                break;
            case "turnStarted": {
                if (message.replaces !== undefined) this.remove(message.replaces);
                this.remove(message.turnId);
                this.add(new TurnView(message.turnId, message.userText, message.attachments));
                this.announcer.say("Enclave is working on an answer…");
                break;
            }
            // Chunks change no controls: return before the refresh, they arrive per token.
            case "thoughtChunk":
                this.turns.get(message.turnId)?.appendThought(message.thoughtTokens);
                this.announcer.say("Enclave is thinking…");
                return;
            case "answerChunk":
                this.turns.get(message.turnId)?.appendAnswer(message.text);
                if (message.text.trim() !== "") this.announcer.say("Enclave is answering…");
                return;
            case "turnProgress":
                this.turns.get(message.turnId)?.showProgress(message.text);
                return;
            case "turnAttachments":
                this.turns.get(message.turnId)?.setAttachments(message.attachments);
                break;
            case "turnNotice":
                this.turns.get(message.turnId)?.showNotice(message.text);
                break;
            case "turnEnded": {
                const turn = this.turns.get(message.turnId);
                turn?.end(message.stopReason, message.stats);
                if (turn) {
                    if (message.stopReason === "abort") this.announcer.say("Stopped. The partial answer is kept.");
                    else this.announcer.answerComplete(turn.answerText);
                }
                break;
            }
            case "turnFailed":
                this.turns.get(message.turnId)?.fail(message.message);
                break;
            case "usage":
                this.usage.setUsage(message.usedTokens, message.contextSize, message.trimmedTurns, {tokens: message.workspaceTokens ?? 0, leftOut: message.workspaceChunksLeftOut ?? 0});
                break;
            case "copied": {
                const button = this.pendingCopies.get(message.requestId);
                this.pendingCopies.delete(message.requestId);
                if (button?.isConnected) flash(button, message.ok ? "Copied" : "Copy failed");
                break;
            }
        }
        this.refresh();
    }

    private setModel(model: ModelSummary | null, thinkingBudget: string): void {
        this.model = model;
        this.usage.setModel(model, thinkingBudget);
    }

    private show(chat: Transcript | null): void {
        this.turns.clear();
        this.transcript.replaceChildren();
        this.currentChatId = chat?.id;
        this.title.textContent = chat?.title.trim() || "New chat";
        this.title.title = this.title.textContent;
        for (const turn of chat?.turns ?? []) this.add(TurnView.fromTranscript(turn));
        this.history.update(this.chats, this.currentChatId);
        this.scroller.scrollTop = this.scroller.scrollHeight;
    }

    private add(turn: TurnView): void {
        this.turns.set(turn.turnId, turn);
        this.transcript.append(turn.element);
    }

    private remove(turnId: string): void {
        this.turns.get(turnId)?.element.remove();
        this.turns.delete(turnId);
    }

    private refresh(): void {
        const turns = [...this.turns.values()];
        const busy = turns.some((turn) => !turn.isFinished);
        turns.forEach((turn, index) => turn.setLast(index === turns.length - 1));
        this.composer.setBusy(busy, turns.length > 0);
        this.emptyState.hidden = turns.length > 0;
        if (turns.length === 0) this.emptyState.replaceChildren(...emptyText(this.model).map((text, index) => el("p", {text, ...(index === 0 ? {class: "empty-title"} : {})})));
    }
}

/** The empty chat's lines: what to do now, for the configured model in its state. */
function emptyText(model: ModelSummary | null): string[] {
    if (model === null) return ["No model is set up.", "Set one up with the command “Enclave: Set Up a Model…”, or choose a GGUF file with “Enclave: Choose Model…”."];
    const privacy = "The model runs on this machine; nothing you ask leaves it. Attach the selection, the current file, the open editors or code from the workspace with the toggles below.";
    if (model.state === "error") return [`${model.name} could not be loaded.`, "The status bar item says why; choose another model with “Enclave: Choose Model…”."];
    const state = model.state === "ready" ? "is ready" : model.state === "loading" ? "is loading" : "loads with your first question";
    return ["Ask about your code.", `${model.name} ${state}. ${privacy}`];
}
