/**
 * The `chat` operation: messages in, a stream of thought and answer chunks out.
 *
 * R1 guidance (DESIGN.md): no system prompt, temperature around 0.6, reasoning first. We open the
 * thought segment ourselves (the assistant turn starts with "<think>", as newer R1 templates do), so
 * a model that only ever writes "</think>" still has its reasoning recognised.
 *
 * The thinking budget is enforced here rather than by node-llama-cpp's `budgets`, which ignores a
 * segment that the prompt opened: when the thought reaches the budget we stop, close the thought
 * ("</think>") and let the model answer from there. The sequence keeps the prompt and the thought in
 * its KV cache, so the second pass only evaluates the closing tag. A budget of 0 closes the thought
 * before the model starts: it answers without reasoning.
 */
import {LlamaChat, type ChatHistoryItem, type ChatModelSegment, type LlamaChatResponseChunk} from "node-llama-cpp";
import type {ChatEvent, ChatParams, ChatResult} from "../protocol";
import {LeadingTagStripper} from "./leadingTagStripper";
import type {LoadedModel} from "./runtime";
import {toStopReason} from "./stopReason";

const defaultTemperature = 0.6;
const defaultMaxTokens = 4096;

export async function runChat(loaded: LoadedModel, params: ChatParams, signal: AbortSignal, emit: (event: ChatEvent) => void): Promise<ChatResult> {
    const sequence = params.sequence ?? "chat";
    return loaded.lock(sequence).run(async () => {
        const chat = chatFor(loaded, sequence);
        const thinks = loaded.info.thinks;
        const budget = params.thoughtBudget ?? -1;
        const maxTokens = params.maxTokens ?? defaultMaxTokens;
        const started = performance.now();
        const stripper = new LeadingTagStripper("<think>");
        const budgetReached = new AbortController();
        const state = {firstTokenMs: null as number | null, thoughtTokens: 0, answerTokens: 0, rawThought: "", thought: "", answer: ""};

        const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
            if (chunk.tokens.length === 0 && chunk.text === "") return;
            state.firstTokenMs ??= performance.now() - started;
            if (chunk.type === "segment") {
                // After the budget stopped the thought, a token or two may still arrive: drop them.
                if (chunk.segmentType !== "thought" || budgetReached.signal.aborted) return;
                state.thoughtTokens += chunk.tokens.length;
                state.rawThought += chunk.text;
                const text = stripper.push(chunk.text);
                state.thought += text;
                if (text !== "") emit({kind: "thought", text});
                if (budget > 0 && state.thoughtTokens >= budget) budgetReached.abort();
            } else {
                state.answerTokens += chunk.tokens.length;
                state.answer += chunk.text;
                emit({kind: "answer", text: chunk.text});
            }
        };
        const generate = (history: ChatHistoryItem[], tokens: number, stopSignal: AbortSignal) =>
            chat.generateResponse(history, {
                signal: stopSignal,
                stopOnAbortSignal: true,
                temperature: params.temperature ?? defaultTemperature,
                maxTokens: tokens,
                ...(params.seed != null ? {seed: params.seed} : {}),
                // Our own budget applies; node-llama-cpp's default one (half the context) must not.
                budgets: {thoughtTokens: Infinity},
                onResponseChunk
            });

        const opening = thinks ? [thoughtSegment(budget === 0 ? "\n\n" : "", budget === 0)] : [];
        let response = await generate([...toHistory(params), {type: "model", response: opening}], maxTokens, AbortSignal.any([signal, budgetReached.signal]));
        const cutByBudget = budgetReached.signal.aborted && !signal.aborted;
        if (cutByBudget) {
            const left = maxTokens - state.thoughtTokens;
            if (left > 0)
                response = await generate([...toHistory(params), {type: "model", response: [thoughtSegment(state.rawThought, true)]}], left, signal);
        }

        const held = stripper.flush();
        if (held !== "") {
            state.thought += held;
            emit({kind: "thought", text: held});
        }
        return {
            thought: state.thought,
            answer: state.answer,
            stopReason: toStopReason(response.metadata.stopReason),
            thoughtCutByBudget: cutByBudget,
            thoughtTokens: state.thoughtTokens,
            answerTokens: state.answerTokens,
            firstTokenMs: state.firstTokenMs == null ? null : Math.round(state.firstTokenMs),
            totalMs: Math.round(performance.now() - started)
        };
    });
}

/** One LlamaChat per sequence, kept so that its KV cache and context window carry over. */
export function chatFor(loaded: LoadedModel, sequence: "chat" | "review"): LlamaChat {
    const key = `chat:${sequence}`;
    let chat = loaded.state.get(key) as LlamaChat | undefined;
    if (!chat) {
        chat = new LlamaChat({contextSequence: loaded.sequence(sequence), chatWrapper: loaded.chatWrapper});
        loaded.state.set(key, chat);
    }
    return chat;
}

export function thoughtSegment(text: string, ended: boolean): ChatModelSegment {
    return {type: "segment", segmentType: "thought", text, ended};
}

/** Earlier answers go back as plain text: R1's earlier thoughts are not sent back to the model. */
export function toHistory(params: Pick<ChatParams, "messages">): ChatHistoryItem[] {
    return params.messages.map((message) =>
        message.role === "user" ? {type: "user", text: message.content} : {type: "model", response: [message.content]}
    );
}
