/**
 * What VS Code's language-model API hands a provider, turned into the messages Enclave's engine
 * takes — without VS Code, so it is unit-tested. The provider (src/provider/lm/) reduces each
 * request message to its role and text parts first; this decides everything else:
 * - R1 takes no system prompt and the engine has two roles, so consecutive messages of one role
 *   become one (joined by a blank line) and the conversation must end with the user's turn.
 * - An earlier answer may still hold its thought (another provider's text, or ours copied back);
 *   DeepSeek's guidance is to send earlier thoughts never, so `withoutThought` strips them.
 * - Parts that are not text (tool calls and results, data) are counted, not silently dropped: R1
 *   distills are weak at tool use, so the model says it cannot call tools, and the caller learns
 *   how many parts were left out.
 */
import type {ChatMessage} from "../engine/protocol";
import {withoutThought} from "../chat/answerText";

export interface LmMessage {
    role: "user" | "assistant";
    /** The message's text parts, in order. */
    texts: readonly string[];
    /** Parts that are not text (tool calls, tool results, data). */
    otherParts: number;
}

export interface ConvertedMessages {
    messages: ChatMessage[];
    /** Non-text parts left out, over all messages. */
    leftOutParts: number;
}

export class LmMessageError extends Error {}

export function toEngineMessages(input: readonly LmMessage[]): ConvertedMessages {
    const messages: ChatMessage[] = [];
    let leftOutParts = 0;
    for (const message of input) {
        leftOutParts += message.otherParts;
        const joined = message.texts.join("");
        const content = (message.role === "assistant" ? withoutThought(joined) : joined).trim();
        if (content === "") continue;
        const last = messages.at(-1);
        if (last?.role === message.role) last.content = `${last.content}\n\n${content}`;
        else messages.push({role: message.role, content});
    }
    // The engine answers the last user message: a conversation that starts with an answer keeps it
    // (as context), one that ends with an answer has nothing to answer.
    if (messages.length === 0) throw new LmMessageError("The request has no text for Enclave's model to answer.");
    if (messages.at(-1)?.role !== "user") throw new LmMessageError("The request ends with an assistant message: Enclave's model answers a user message.");
    return {messages, leftOutParts};
}

/** Characters per token of typical English and code for byte-level BPE vocabularies like R1's. */
const charsPerToken = 4;

/**
 * An estimate, used only until the model is loaded (the real tokenizer lives in the model process
 * and loading a model just to count would be wrong): about one token per four characters.
 */
export function estimatedTokenCount(text: string): number {
    return Math.ceil(text.length / charsPerToken);
}
