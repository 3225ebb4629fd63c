/**
 * Chats on disk: one JSON file per chat, written atomically (a temp file renamed over the old
 * one), so a crash mid-write never leaves half a chat. A file that cannot be read as a chat is
 * set aside (renamed *.corrupt-<time>) and reported, and every other chat stays available. Each
 * turn is checked with the chat view's own schemas (historySchema.ts): a turn the view could not
 * show is set aside (the file as it was is copied to *.invalid-turns-<time>) and the rest of its
 * chat stays.
 */
import {copyFile, mkdir, readdir, readFile, rename, rm} from "node:fs/promises";
import {join} from "node:path";
import {replaceFile} from "../engine/replaceFile";
import {chatIdPattern, prettyError, SavedChatEnvelope, SavedTurn} from "./historySchema";
import type {Chat, ChatSummary, Turn} from "./types";

export interface HistoryProblem {
    file: string;
    setAsideAs: string;
    reason: string;
    /** Set when only some turns were set aside: the chat's title and how many of its turns were kept. */
    partial?: {title: string; kept: number; setAside: number};
}

export interface LoadedHistory {
    chats: Chat[];
    problems: HistoryProblem[];
}


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
            let parsed: ParsedChat;
            try {
                parsed = parseChat(await readFile(file, "utf8"));
            } catch (error) {
                const setAsideAs = `${file}.corrupt-${Date.now()}`;
                await rename(file, setAsideAs).catch(() => undefined);
                problems.push({file, setAsideAs, reason: error instanceof Error ? error.message : String(error)});
                continue;
            }
            chats.push(parsed.chat);
            if (parsed.invalid.length > 0) {
                // The original stays whole beside the chat, which is saved with the turns that are valid.
                const setAsideAs = `${file}.invalid-turns-${Date.now()}`;
                await copyFile(file, setAsideAs).catch(() => undefined);
                await this.save(parsed.chat).catch(() => undefined);
                problems.push({
                    file,
                    setAsideAs,
                    reason: parsed.invalid.join("; "),
                    partial: {title: parsed.chat.title, kept: parsed.chat.turns.length, setAside: parsed.invalid.length}
                });
            }
        }
        chats.sort((a, b) => b.updatedAt - a.updatedAt);
        return {chats, problems};
    }

    async save(chat: Chat): Promise<void> {
        assertId(chat.id);
        await replaceFile(join(this.dir, `${chat.id}.json`), JSON.stringify(chat));
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
    if (!chatIdPattern.test(id)) throw new Error(`Invalid chat id: ${id}`);
}

interface ParsedChat {
    chat: Chat;
    /** Why each turn that was left out is invalid, e.g. "turn 2: stopReason: Invalid option…". */
    invalid: string[];
}

function parseChat(text: string): ParsedChat {
    const envelope = SavedChatEnvelope.safeParse(JSON.parse(text));
    if (!envelope.success) throw new Error(`not a chat (${prettyError(envelope.error)})`);
    const turns: Turn[] = [];
    const invalid: string[] = [];
    envelope.data.turns.forEach((raw, index) => {
        const turn = SavedTurn.safeParse(raw);
        if (turn.success) turns.push(turn.data);
        else invalid.push(`turn ${index + 1}: ${prettyError(turn.error)}`);
    });
    return {chat: {...envelope.data, turns}, invalid};
}
