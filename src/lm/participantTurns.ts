/**
 * The @enclave participant's conversation as Enclave's chat turns, so the panel's prompt assembly
 * (promptAssembly.ts: DeepSeek's file template, no system prompt, earlier thoughts never sent back)
 * builds its messages. VS Code keeps the participant's history as request/response pairs; this
 * takes them as plain text.
 */
import {randomUUID} from "node:crypto";
import {withoutThought} from "../chat/answerText";
import type {Attachment, Turn} from "../chat/types";

export interface PastExchange {
    question: string;
    /** The markdown the participant streamed (it holds no thought, but a copied one is stripped). */
    answer: string;
}

export function participantTurns(past: readonly PastExchange[], question: string, attachments: Attachment[]): Turn[] {
    const turn = (userText: string, answer: string, files: Attachment[]): Turn => ({id: randomUUID(), userText, attachments: files, thought: "", answer});
    return [...past.map((exchange) => turn(exchange.question, withoutThought(exchange.answer).trim(), [])), turn(question, "", attachments)];
}
