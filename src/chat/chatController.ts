/**
 * The chat, independent of VS Code: it keeps the current conversation, streams a turn from the
 * engine into the chat view (answer) and the trace view (thought), stops, regenerates, and keeps
 * every chat in the history store. Views and the engine are ports, so the same controller runs in
 * the extension, in tests and in the benchmark.
 */
import {randomUUID} from "node:crypto";
import {promptRoom} from "../engine/chatBudgets";
import type {ChatParams, ChatResult, ChatEvent, ChatMessage} from "../engine/protocol";
import type {HostToChat, HostToTrace, Transcript} from "../webview/protocol";
import type {ChatHistoryStore, HistoryProblem} from "./historyStore";
import {summarize} from "./historyStore";
import {toMessages, trimToBudget, userContent} from "./promptAssembly";
import type {Attachment, Chat, Turn} from "./types";

export interface ChatEnginePort {
    chat(params: ChatParams, options: {signal: AbortSignal; onEvent: (event: ChatEvent) => void}): Promise<ChatResult>;
    /** The loaded (or loadable) model's name and context size; loads it when needed. */
    model(signal: AbortSignal): Promise<{name: string; contextSize: number}>;
    countTokens(text: string): Promise<number>;
}

export interface ChatSettings {
    temperature: number;
    /** Tokens the answer may generate after the thought. */
    maxTokens: number;
    /** Thought tokens: -1 as many as the context allows, 0 no thinking. */
    thoughtBudget: number;
    /** How the panel names the budget, e.g. "Thinking: normal". */
    budgetLabel: string;
}

export interface ChatControllerPorts {
    engine: ChatEnginePort;
    store: ChatHistoryStore;
    postToChat(message: HostToChat): void;
    postToTrace(message: HostToTrace): void;
    settings(): ChatSettings;
    /** Failures that are not a turn's (a history that could not be saved, corrupt files). */
    reportProblem(message: string, error?: unknown): void;
}

const titleLength = 60;

export class ChatController {
    private chats: Chat[] = [];
    private current: Chat | undefined;
    private running: {turnId: string; controller: AbortController; done: Promise<void>} | undefined;
    private model: {name: string; contextSize: number} | null = null;
    /** The last usage report, repeated to a view that (re)opens. */
    private usage: Extract<HostToChat, {type: "usage"}> | undefined;
    private readonly tokenCounts = new Map<string, number>();

    constructor(private readonly ports: ChatControllerPorts) {}

    /** Loads the history; corrupt files are set aside and reported, the rest stays. */
    async initialize(): Promise<HistoryProblem[]> {
        const {chats, problems} = await this.ports.store.loadAll();
        this.chats = chats;
        this.current = chats[0];
        for (const problem of problems)
            this.ports.reportProblem(`A chat history file could not be read and was set aside as ${problem.setAsideAs} (${problem.reason}). Your other chats are unaffected.`);
        return problems;
    }

    get currentChat(): Chat | undefined {
        return this.current;
    }

    get isRunning(): boolean {
        return this.running !== undefined;
    }

    /** Everything the chat view needs after its `ready`. */
    chatViewReady(): void {
        this.ports.postToChat({
            type: "init",
            chats: this.chats.map(summarize),
            current: this.current ? toTranscript(this.current) : null,
            model: this.model,
            thinkingBudget: this.ports.settings().budgetLabel
        });
        if (this.usage && this.current) this.ports.postToChat(this.usage);
    }

    traceViewReady(): void {
        this.ports.postToTrace({
            type: "init",
            turns: (this.current?.turns ?? []).map((turn) => ({
                turnId: turn.id,
                title: titleOf(turn.userText),
                thought: turn.thought,
                ...(turn.stats ? {stats: traceStats(turn.stats)} : {})
            }))
        });
    }

    /** Asks the model; resolves when the answer is complete, stopped or failed. */
    async send(text: string, attachments: Attachment[]): Promise<void> {
        await this.stopAndWait();
        const chat = this.current ?? this.newChatObject(text);
        if (!this.current) {
            this.current = chat;
            this.chats.unshift(chat);
            this.chatViewReady();
            this.traceViewReady();
        }
        const turn: Turn = {id: randomUUID(), userText: text, attachments, thought: "", answer: ""};
        chat.turns.push(turn);
        await this.run(chat, turn);
    }

    /** Answers the last question again, replacing the last answer. */
    async regenerate(): Promise<void> {
        await this.stopAndWait();
        const chat = this.current;
        const last = chat?.turns.at(-1);
        if (!chat || !last) return;
        const turn: Turn = {id: randomUUID(), userText: last.userText, attachments: last.attachments, thought: "", answer: ""};
        // The trace drops the replaced turn's thought: it is re-sent without it.
        chat.turns.pop();
        this.traceViewReady();
        chat.turns.push(turn);
        await this.run(chat, turn, last.id);
    }

    /** Stops the answer being generated; what arrived so far is kept. */
    stop(): void {
        this.running?.controller.abort();
    }

    async newChat(): Promise<void> {
        await this.stopAndWait();
        this.current = undefined;
        this.chatViewReady();
        this.ports.postToTrace({type: "clear"});
    }

    async openChat(id: string): Promise<void> {
        await this.stopAndWait();
        const chat = this.chats.find((candidate) => candidate.id === id);
        if (!chat) return;
        this.current = chat;
        this.chatViewReady();
        this.traceViewReady();
    }

    async deleteChat(id: string): Promise<void> {
        if (this.current?.id === id) await this.stopAndWait();
        this.chats = this.chats.filter((chat) => chat.id !== id);
        await this.ports.store.delete(id);
        if (this.current?.id === id) {
            this.current = undefined;
            this.chatViewReady();
            this.ports.postToTrace({type: "clear"});
        } else this.ports.postToChat({type: "history", chats: this.chats.map(summarize)});
    }

    dispose(): void {
        this.stop();
    }

    private async stopAndWait(): Promise<void> {
        const running = this.running;
        if (!running) return;
        running.controller.abort();
        await running.done;
    }

    private async run(chat: Chat, turn: Turn, replaces?: string): Promise<void> {
        const controller = new AbortController();
        let finish!: () => void;
        const done = new Promise<void>((resolve) => (finish = resolve));
        this.running = {turnId: turn.id, controller, done};
        const title = titleOf(turn.userText);
        this.ports.postToChat({
            type: "turnStarted",
            turnId: turn.id,
            userText: turn.userText,
            attachments: turn.attachments.map((attachment) => ({kind: attachment.kind, label: attachment.label})),
            ...(replaces ? {replaces} : {})
        });
        this.ports.postToTrace({type: "turnStarted", turnId: turn.id, title});
        const started = Date.now();
        try {
            const settings = this.ports.settings();
            this.model = await this.ports.engine.model(controller.signal);
            const messages = await this.fit(chat, settings);
            let thoughtChunks = 0;
            const result = await this.ports.engine.chat(
                {messages, temperature: settings.temperature, maxTokens: settings.maxTokens, thoughtBudget: settings.thoughtBudget},
                {
                    signal: controller.signal,
                    onEvent: (event) => {
                        if (event.kind === "thought") {
                            turn.thought += event.text;
                            thoughtChunks++;
                            this.ports.postToChat({type: "thoughtChunk", turnId: turn.id, text: event.text, thoughtTokens: thoughtChunks});
                            this.ports.postToTrace({type: "thoughtChunk", turnId: turn.id, text: event.text});
                        } else {
                            turn.answer += event.text;
                            this.ports.postToChat({type: "answerChunk", turnId: turn.id, text: event.text});
                        }
                    }
                }
            );
            turn.thought = result.thought;
            turn.answer = result.answer;
            turn.stopReason = result.stopReason;
            turn.stats = {thoughtTokens: result.thoughtTokens, answerTokens: result.answerTokens, elapsedMs: Date.now() - started, thoughtCutByBudget: result.thoughtCutByBudget};
            this.ports.postToChat({type: "turnEnded", turnId: turn.id, stopReason: result.stopReason, stats: turn.stats});
            this.ports.postToTrace({type: "turnEnded", turnId: turn.id, stats: traceStats(turn.stats)});
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            turn.error = message;
            turn.stats = {thoughtTokens: 0, answerTokens: 0, elapsedMs: Date.now() - started, thoughtCutByBudget: false};
            this.ports.postToChat({type: "turnFailed", turnId: turn.id, message});
            this.ports.postToTrace({type: "turnEnded", turnId: turn.id, stats: traceStats(turn.stats)});
        } finally {
            chat.updatedAt = Date.now();
            this.running = undefined;
            await this.save(chat);
            finish();
        }
    }

    /** The messages that fit the context, with the usage shown in the panel. */
    private async fit(chat: Chat, settings: ChatSettings): Promise<ChatMessage[]> {
        const contextSize = this.model?.contextSize ?? 4096;
        // Room for the thought and the answer, but never less than half the context for the prompt.
        const budget = promptRoom(contextSize, settings.thoughtBudget, settings.maxTokens);
        const texts = chat.turns.flatMap((turn) => [userContent(turn), turn.answer]);
        await Promise.all(texts.filter((text) => !this.tokenCounts.has(text)).map(async (text) => this.tokenCounts.set(text, await this.ports.engine.countTokens(text))));
        const trimmed = trimToBudget(chat.turns, budget, (text) => this.tokenCounts.get(text) ?? 0);
        this.usage = {type: "usage", usedTokens: trimmed.usedTokens, contextSize, trimmedTurns: trimmed.trimmedTurns};
        this.ports.postToChat(this.usage);
        if (this.tokenCounts.size > 5_000) this.tokenCounts.clear();
        return toMessages(trimmed.turns);
    }

    private async save(chat: Chat): Promise<void> {
        try {
            await this.ports.store.save(chat);
            this.ports.postToChat({type: "history", chats: this.chats.map(summarize)});
        } catch (error) {
            this.ports.reportProblem("The chat could not be saved to the history.", error);
        }
    }

    private newChatObject(firstText: string): Chat {
        const now = Date.now();
        return {id: randomUUID(), title: titleOf(firstText), createdAt: now, updatedAt: now, turns: []};
    }
}

function titleOf(text: string): string {
    const line = text.trim().split("\n")[0] ?? "";
    return line.length > titleLength ? `${line.slice(0, titleLength - 1)}…` : line || "New chat";
}

function traceStats(stats: NonNullable<Turn["stats"]>) {
    return {
        thoughtTokens: stats.thoughtTokens,
        elapsedMs: stats.elapsedMs,
        tokensPerSecond: stats.elapsedMs > 0 ? Math.round((stats.thoughtTokens / stats.elapsedMs) * 10_000) / 10 : 0,
        thoughtCutByBudget: stats.thoughtCutByBudget
    };
}

function toTranscript(chat: Chat): Transcript {
    return {
        id: chat.id,
        title: chat.title,
        turns: chat.turns.map((turn) => ({
            turnId: turn.id,
            userText: turn.userText,
            attachments: turn.attachments.map((attachment) => ({kind: attachment.kind, label: attachment.label})),
            answer: turn.answer,
            ...(turn.stopReason ? {stopReason: turn.stopReason as NonNullable<Transcript["turns"][number]["stopReason"]>} : {}),
            ...(turn.stats ? {stats: turn.stats} : {}),
            ...(turn.error ? {error: turn.error} : {})
        }))
    };
}
