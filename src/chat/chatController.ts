/**
 * The chat, independent of VS Code: it keeps the current conversation, streams a turn from the
 * engine into the chat view (answer) and the trace view (thought), stops, regenerates, and keeps
 * every chat in the history store. Views and the engine are ports, so the same controller runs in
 * the extension, in tests and in the benchmark.
 */
import {randomUUID} from "node:crypto";
import {untilAborted} from "../engine/untilAborted";
import {promptRoom} from "../engine/chatBudgets";
import type {ChatParams, ChatResult, ChatEvent, ChatMessage} from "../engine/protocol";
import type {ChatEvents} from "./chatEvents";
import type {ChatHistoryStore, HistoryProblem} from "./historyStore";
import {ThoughtClock} from "./thoughtClock";
import {titleOf} from "./turnText";
import {citationInstruction, formatAttachment, toMessages, trimToBudget, userContent} from "./promptAssembly";
import type {Attachment, Chat, Turn} from "./types";
import {chunksThatFit, maxRetrievedChunks, workspaceCodeRoom} from "./workspaceBudget";
import {mentionsWorkspace, withoutWorkspaceMention} from "./workspaceMention";
import {codeAttachment, type RetrievedCode, type WorkspaceRetriever} from "./workspaceRetriever";

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
    /** What happens to chats and turns (ChatPresenter says it to the views). */
    events: ChatEvents;
    settings(): ChatSettings;
    /** Failures that are not a turn's (a history that could not be saved, corrupt files). */
    reportProblem(message: string, error?: unknown): void;
    /** Finds workspace code for a question; without it a turn that asks for workspace code is answered without. */
    workspace?: WorkspaceRetriever;
}

/** Where a workspace chunk of a turn is, for the view's "open" (see `source`). */
export interface SourceLocation {
    uri: string;
    startLine: number;
    endLine: number;
}

export interface SendOptions {
    /** Add the workspace code relevant to the question (the composer's toggle). */
    workspace?: boolean;
    /** What the panel shows instead of the text sent to the model (and the new chat's title). */
    displayText?: string;
    /** Start a new chat unless the current one is about this file (an attachment's file name). */
    newChatUnlessAbout?: string;
}

/** Why the turn's retrieval ended without an answer: Stop was pressed while the index worked. */
class StoppedWhileRetrieving extends Error {}

/** How often the panel's "Indexing the workspace…" line may change. */
const progressIntervalMs = 100;

export class ChatController {
    private chats: Chat[] = [];
    private current: Chat | undefined;
    private running: {turnId: string; controller: AbortController; done: Promise<void>; thought: ThoughtClock} | undefined;
    private readonly tokenCounts = new Map<string, number>();
    private countedFor: string | undefined;

    constructor(private readonly ports: ChatControllerPorts) {}

    /** Loads the history; corrupt files are set aside and reported, the rest stays. */
    async initialize(): Promise<HistoryProblem[]> {
        const {chats, problems} = await this.ports.store.loadAll();
        this.chats = chats;
        this.current = chats[0];
        this.ports.events.chatShown(this.current);
        for (const problem of problems) this.ports.reportProblem(describeProblem(problem));
        return problems;
    }

    get currentChat(): Chat | undefined {
        return this.current;
    }

    /** Every chat, newest first. */
    get allChats(): readonly Chat[] {
        return this.chats;
    }

    get isRunning(): boolean {
        return this.running !== undefined;
    }

    /**
     * Asks the model; resolves when the answer is complete, stopped or failed. `workspace` (the
     * composer's toggle) or `@workspace` in the text adds the workspace code relevant to the question.
     */
    async send(text: string, attachments: Attachment[], options: SendOptions = {}): Promise<void> {
        await this.stopAndWait();
        // A question about another file than the chat's starts a chat of its own.
        if (options.newChatUnlessAbout !== undefined && this.current && !isAbout(this.current, options.newChatUnlessAbout)) this.current = undefined;
        const chat = this.current ?? this.newChatObject(options.displayText ?? text);
        if (!this.current) {
            this.current = chat;
            this.chats.unshift(chat);
            this.ports.events.chatShown(chat);
        }
        const wantsWorkspace = options.workspace === true || mentionsWorkspace(text);
        const turn: Turn = {
            id: randomUUID(),
            userText: text,
            ...(options.displayText !== undefined ? {displayText: options.displayText} : {}),
            attachments,
            thought: "",
            answer: "",
            ...(wantsWorkspace ? {workspace: {searched: false}} : {})
        };
        chat.turns.push(turn);
        await this.run(chat, turn);
    }

    /** Answers the last question again, replacing the last answer; workspace code found before is reused. */
    async regenerate(): Promise<void> {
        await this.stopAndWait();
        const last = this.current?.turns.at(-1);
        if (last) await this.replaceLast(last.attachments);
    }

    /**
     * Drops workspace chunk `index` from the last turn and answers it again without it. Only the last
     * turn: an earlier answer cannot be redone without redoing everything after it.
     */
    async dropSource(turnId: string, index: number): Promise<boolean> {
        await this.stopAndWait();
        const last = this.current?.turns.at(-1);
        if (last?.id !== turnId || last.attachments[index]?.kind !== "workspace") return false;
        await this.replaceLast(last.attachments.filter((_, position) => position !== index));
        return true;
    }

    /** The file and lines of workspace chunk `index` of a turn in the current chat, if it has one. */
    source(turnId: string, index: number): SourceLocation | undefined {
        const attachment = this.current?.turns.find((turn) => turn.id === turnId)?.attachments[index];
        if (attachment?.uri === undefined || attachment.startLine === undefined || attachment.endLine === undefined) return undefined;
        return {uri: attachment.uri, startLine: attachment.startLine, endLine: attachment.endLine};
    }

    /** Stops the answer being generated; what arrived so far is kept. */
    stop(): void {
        this.running?.controller.abort();
    }

    async newChat(): Promise<void> {
        await this.stopAndWait();
        this.current = undefined;
        this.ports.events.chatShown(undefined);
    }

    async openChat(id: string): Promise<void> {
        await this.stopAndWait();
        const chat = this.chats.find((candidate) => candidate.id === id);
        if (!chat) return;
        this.current = chat;
        this.ports.events.chatShown(chat);
    }

    async deleteChat(id: string): Promise<void> {
        if (this.current?.id === id) await this.stopAndWait();
        this.chats = this.chats.filter((chat) => chat.id !== id);
        await this.ports.store.delete(id);
        if (this.current?.id === id) {
            this.current = undefined;
            this.ports.events.chatShown(undefined);
        } else this.ports.events.chatsChanged(this.chats);
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

    private async replaceLast(attachments: Attachment[]): Promise<void> {
        const chat = this.current;
        const last = chat?.turns.at(-1);
        if (!chat || !last) return;
        const turn: Turn = {
            id: randomUUID(),
            userText: last.userText,
            ...(last.displayText !== undefined ? {displayText: last.displayText} : {}),
            attachments,
            thought: "",
            answer: "",
            ...(last.workspace ? {workspace: {...last.workspace}} : {})
        };
        chat.turns.pop();
        chat.turns.push(turn);
        await this.run(chat, turn, last.id);
    }

    private async run(chat: Chat, turn: Turn, replaces?: string): Promise<void> {
        const controller = new AbortController();
        let finish!: () => void;
        const done = new Promise<void>((resolve) => (finish = resolve));
        const thought = new ThoughtClock();
        this.running = {turnId: turn.id, controller, done, thought};
        this.ports.events.turnStarted(turn, replaces);
        const started = Date.now();
        try {
            const settings = this.ports.settings();
            const {name, contextSize} = await this.ports.engine.model(controller.signal);
            // Token counts are the model's: another model (or the remote server's estimate) counts afresh.
            if (name !== this.countedFor) this.tokenCounts.clear();
            this.countedFor = name;
            // Room for the thought and the answer, but never less than half the context for the prompt.
            const room = promptRoom(contextSize, settings.thoughtBudget, settings.maxTokens);
            const code = turn.workspace ? await this.workspaceCode(turn, room, controller.signal) : {tokens: 0, leftOut: 0};
            const messages = await this.fit(chat, contextSize, room, code);
            const result = await this.ports.engine.chat(
                {messages, temperature: settings.temperature, maxTokens: settings.maxTokens, thoughtBudget: settings.thoughtBudget},
                {
                    signal: controller.signal,
                    onEvent: (event) => {
                        if (event.kind === "thought") {
                            turn.thought += event.text;
                            thought.add(event.tokens);
                            this.ports.events.thought(turn, event.text, thought.tokens);
                        } else {
                            turn.answer += event.text;
                            this.ports.events.answer(turn, event.text);
                        }
                    }
                }
            );
            turn.thought = result.thought;
            turn.answer = result.answer;
            const stats = {
                thoughtTokens: result.thoughtTokens,
                answerTokens: result.answerTokens,
                elapsedMs: Date.now() - started,
                thoughtMs: thought.thoughtMs,
                thoughtCutByBudget: result.thoughtCutByBudget
            };
            this.ports.events.turnEnded(Object.assign(turn, {stopReason: result.stopReason, stats}));
        } catch (error) {
            const stats = {thoughtTokens: thought.tokens, answerTokens: 0, elapsedMs: Date.now() - started, thoughtMs: thought.thoughtMs, thoughtCutByBudget: false};
            if (error instanceof StoppedWhileRetrieving) {
                // Stopped before the model started: a stopped turn, not a failed one.
                this.ports.events.turnEnded(Object.assign(turn, {stopReason: "abort" as const, stats}));
            } else {
                const message = error instanceof Error ? error.message : String(error);
                this.ports.events.turnFailed(Object.assign(turn, {error: message, stats}), message);
            }
        } finally {
            chat.updatedAt = Date.now();
            this.running = undefined;
            await this.save(chat);
            finish();
        }
    }

    /**
     * The workspace code of the newest turn: searched for once (Regenerate reuses what was found),
     * then cut to the room `workspaceCodeRoom` gives it, least relevant first. The turn's attachments
     * become what the model will see, so its sources and its saved history say the same.
     */
    private async workspaceCode(turn: Turn, room: number, signal: AbortSignal): Promise<{tokens: number; leftOut: number}> {
        if (!turn.workspace?.searched) {
            const found = await this.retrieve(turn, signal);
            if (found) {
                turn.attachments = [...turn.attachments.filter((attachment) => attachment.kind !== "workspace"), ...found.map(codeAttachment)];
                turn.workspace = {searched: true};
                if (found.length === 0) this.notice(turn, "The workspace search found no code for this question.");
            }
        }
        const others = turn.attachments.filter((attachment) => attachment.kind !== "workspace");
        const code = turn.attachments.filter((attachment) => attachment.kind === "workspace");
        let fitted = {count: 0, tokens: 0};
        if (code.length > 0) {
            const rest = [userContent({userText: turn.userText, attachments: others}), citationInstruction(code[0] as Attachment)];
            // +1: the line break that joins each file to the rest of the message.
            const costs = (await this.countAll(code.map(formatAttachment))).map((tokens) => tokens + 1);
            const restTokens = (await this.countAll(rest)).reduce((sum, tokens) => sum + tokens, 0);
            fitted = chunksThatFit(costs, workspaceCodeRoom(room, restTokens));
            turn.attachments = [...others, ...code.slice(0, fitted.count)];
        }
        this.ports.events.attachmentsChanged(turn);
        return {tokens: fitted.tokens, leftOut: code.length - fitted.count};
    }

    /** Best-first chunks, or undefined (and a notice) when there is no workspace to search. */
    private async retrieve(turn: Turn, signal: AbortSignal): Promise<RetrievedCode[] | undefined> {
        const retriever = this.ports.workspace;
        if (!retriever) {
            this.notice(turn, "Answered without workspace code: workspace search is not available in this window.");
            return undefined;
        }
        const post = (text: string): void => this.ports.events.progress(turn, text);
        // An index may report every file: the view gets at most one line per interval (the first at once).
        let lastPosted = -Infinity;
        const progress = (text: string): void => {
            const now = Date.now();
            if (signal.aborted || now - lastPosted < progressIntervalMs) return;
            lastPosted = now;
            post(text);
        };
        post("Searching the workspace…");
        try {
            // Raced with the signal: Stop ends the wait at once, even for an index that is slow to notice.
            return await untilAborted(retriever.retrieve(withoutWorkspaceMention(turn.userText), {signal, maxChunks: maxRetrievedChunks, onProgress: progress}), signal);
        } catch (error) {
            if (signal.aborted) throw new StoppedWhileRetrieving();
            this.notice(turn, `Answered without workspace code: ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
        }
    }

    private notice(turn: Turn, text: string): void {
        turn.notice = text;
        this.ports.events.notice(turn, text);
    }

    /** The messages that fit the context, with the usage shown in the panel. */
    private async fit(chat: Chat, contextSize: number, budget: number, code: {tokens: number; leftOut: number}): Promise<ChatMessage[]> {
        const texts = chat.turns.flatMap((turn) => [userContent(turn), turn.answer]);
        await this.countAll(texts);
        const trimmed = trimToBudget(chat.turns, budget, (text) => this.tokenCounts.get(text) ?? 0);
        this.ports.events.usage({
            usedTokens: trimmed.usedTokens,
            contextSize,
            trimmedTurns: trimmed.trimmedTurns,
            ...(code.tokens > 0 || code.leftOut > 0 ? {workspaceTokens: code.tokens, workspaceChunksLeftOut: code.leftOut} : {})
        });
        if (this.tokenCounts.size > 5_000) this.tokenCounts.clear();
        return toMessages(trimmed.turns);
    }

    /** Token counts of `texts`, each counted by the engine once. */
    private async countAll(texts: readonly string[]): Promise<number[]> {
        await Promise.all([...new Set(texts)].filter((text) => !this.tokenCounts.has(text)).map(async (text) => this.tokenCounts.set(text, await this.ports.engine.countTokens(text))));
        return texts.map((text) => this.tokenCounts.get(text) ?? 0);
    }

    private async save(chat: Chat): Promise<void> {
        try {
            await this.ports.store.save(chat);
            this.ports.events.chatsChanged(this.chats);
        } catch (error) {
            this.ports.reportProblem("The chat could not be saved to the history.", error);
        }
    }

    private newChatObject(firstText: string): Chat {
        const now = Date.now();
        return {id: randomUUID(), title: titleOf(firstText), createdAt: now, updatedAt: now, turns: []};
    }
}


function isAbout(chat: Chat, fileName: string): boolean {
    return chat.turns.some((turn) => turn.attachments.some((attachment) => attachment.fileName === fileName));
}

function describeProblem(problem: HistoryProblem): string {
    const {partial} = problem;
    if (!partial) return `A chat history file could not be read and was set aside as ${problem.setAsideAs} (${problem.reason}). Your other chats are unaffected.`;
    const turns = (n: number): string => `${n} ${n === 1 ? "turn" : "turns"}`;
    return `${turns(partial.setAside)} of the chat “${partial.title}” could not be read and ${partial.setAside === 1 ? "was" : "were"} set aside (the file as it was is kept as ${problem.setAsideAs}): ${problem.reason}. The rest of the chat (${turns(partial.kept)}) is shown.`;
}
