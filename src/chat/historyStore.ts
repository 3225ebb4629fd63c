/**
 * Chats on disk: one JSON file per chat, written atomically (a temp file renamed over the old
 * one), so a crash mid-write never leaves half a chat. A file that cannot be read as a chat is
 * set aside (renamed *.corrupt-<time>) and reported, and every other chat stays available.
 */
import {randomUUID} from "node:crypto";
import {mkdir, readdir, readFile, rename, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import type {Chat, ChatSummary} from "./types";

export interface HistoryProblem {
    file: string;
    setAsideAs: string;
    reason: string;
}

export interface LoadedHistory {
    chats: Chat[];
    problems: HistoryProblem[];
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export class ChatHistoryStore {
    constructor(private readonly dir: string) {}

    /** All readable chats, newest first, and what was set aside. */
    async loadAll(): Promise<LoadedHistory> {
        await mkdir(this.dir, {recursive: true});
        const chats: Chat[] = [];
        const problems: HistoryProblem[] = [];
        for (const name of await readdir(this.dir)) {
            if (!name.endsWith(".json")) continue;
            const file = join(this.dir, name);
            try {
                chats.push(parseChat(await readFile(file, "utf8")));
            } catch (error) {
                const setAsideAs = `${file}.corrupt-${Date.now()}`;
                await rename(file, setAsideAs).catch(() => undefined);
                problems.push({file, setAsideAs, reason: error instanceof Error ? error.message : String(error)});
            }
        }
        chats.sort((a, b) => b.updatedAt - a.updatedAt);
        return {chats, problems};
    }

    async save(chat: Chat): Promise<void> {
        assertId(chat.id);
        await mkdir(this.dir, {recursive: true});
        const file = join(this.dir, `${chat.id}.json`);
        const temp = `${file}.${randomUUID()}.tmp`;
        await writeFile(temp, JSON.stringify(chat), "utf8");
        await rename(temp, file);
    }

    async delete(id: string): Promise<void> {
        assertId(id);
        await rm(join(this.dir, `${id}.json`), {force: true});
    }
}

export function summarize(chat: Chat): ChatSummary {
    return {id: chat.id, title: chat.title, updatedAt: chat.updatedAt};
}

function assertId(id: string): void {
    // Ids become file names: nothing that could leave the folder.
    if (!idPattern.test(id)) throw new Error(`Invalid chat id: ${id}`);
}

function parseChat(text: string): Chat {
    const value: unknown = JSON.parse(text);
    if (!isChat(value)) throw new Error("not a chat");
    return value;
}

function isChat(value: unknown): value is Chat {
    if (typeof value !== "object" || value === null) return false;
    const chat = value as Partial<Chat>;
    return typeof chat.id === "string" && idPattern.test(chat.id) && typeof chat.title === "string" &&
        typeof chat.createdAt === "number" && typeof chat.updatedAt === "number" && Array.isArray(chat.turns) &&
        chat.turns.every((turn) => typeof turn === "object" && turn !== null && typeof turn.id === "string" &&
            typeof turn.userText === "string" && typeof turn.answer === "string" && typeof turn.thought === "string" && Array.isArray(turn.attachments));
}
