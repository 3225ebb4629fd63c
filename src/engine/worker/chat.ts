/**
 * The `chat` operation: messages in, a stream of thought and answer chunks out.
 *
 * R1 as DeepSeek specifies it (docs/ARCHITECTURE.md, "Where each rule lives"): no system prompt, temperature around 0.6, top-p 0.95,
 * reasoning first. The assistant turn starts with "<think>\n", as R1's current template ends its
 * generation prompt, so the model continues inside its thought (and a model that only ever writes
 * "</think>" still has its reasoning recognised). A thought Enclave closes (budget reached, thinking
 * off) ends as R1 ends its own: "\n</think>\n\n".
 *
 * The budgets come from `chatBudgets.ts`: the thought has its own (`thoughtBudget`) and the answer
 * its own (`maxTokens`), the answer's room set aside first. The thinking budget is enforced here
 * rather than by node-llama-cpp's `budgets`, which ignores a segment that the prompt opened: when the
 * thought reaches the budget we stop at the next word boundary (`thoughtCut.ts`), close the thought
 * and let the model answer from there. The sequence keeps the prompt and the thought in its KV cache,
 * so the second pass only evaluates the closing. A budget of 0 closes the thought before the model
 * starts: it answers without reasoning.
 */
import {LlamaChat, type ChatHistoryItem, type ChatModelResponse, type ChatModelSegment, type LlamaChatResponseChunk} from "node-llama-cpp";
import {chatLimits, defaultAnswerTokens, thoughtBudgets, defaultThinking, wordEndAllowance} from "../chatBudgets";
import type {ChatEvent, ChatParams, ChatResult} from "../protocol";
import {LeadingTagStripper} from "./leadingTagStripper";
import {recordPrompt} from "./promptLog";
import {backgroundPriority} from "./batchPriority";
import type {LoadedModel} from "./runtime";
import {toStopReason} from "./stopReason";
import {closedThoughtText, cutDecision} from "./thoughtCut";

/** DeepSeek's sampling for R1: temperature 0.5–0.7 (0.6) and top-p 0.95, set here, not left to library defaults. */
export const r1Sampling = {temperature: 0.6, topP: 0.95} as const;

export async function runChat(loaded: LoadedModel, params: ChatParams, signal: AbortSignal, emit: (event: ChatEvent) => void): Promise<ChatResult> {
    const sequence = params.sequence ?? "chat";
    return loaded.lock(sequence).run(async () => {
        const chat = chatFor(loaded, sequence);
        const thinks = loaded.info.thinks;
        const history = toHistory(params);
        const budget = thinks ? (params.thoughtBudget ?? thoughtBudgets[defaultThinking]) : 0;
        const prompt: ChatHistoryItem[] = [...history, {type: "model", response: openThought()}];
        recordPrompt(sequence, () => loaded.chatWrapper.generateContextState({chatHistory: prompt}).contextText.toString());
        const limits = chatLimits(budget, params.maxTokens ?? defaultAnswerTokens, loaded.context.contextSize, promptTokens(loaded, prompt));
        const thoughtLimit = limits.thoughtTokens;
        const started = performance.now();
        const stripper = new LeadingTagStripper("<think>");
        const budgetReached = new AbortController();
        const answerFull = new AbortController();
        const state = {firstTokenMs: null as number | null, thoughtTokens: 0, answerTokens: 0, rawThought: "", thought: "", answer: "", unsentThoughtTokens: 0};

        const onResponseChunk = (chunk: LlamaChatResponseChunk) => {
            if (chunk.tokens.length === 0 && chunk.text === "") return;
            state.firstTokenMs ??= performance.now() - started;
            if (chunk.type === "segment") {
                // After the budget stopped the thought, a token or two may still arrive: drop them.
                if (chunk.segmentType !== "thought" || budgetReached.signal.aborted) return;
                const decision = thoughtLimit > 0 ? cutDecision(state.rawThought, state.thoughtTokens, chunk.text, chunk.tokens.length, thoughtLimit) : "continue";
                if (decision === "closeBefore") {
                    budgetReached.abort();
                    return;
                }
                state.thoughtTokens += chunk.tokens.length;
                state.unsentThoughtTokens += chunk.tokens.length;
                state.rawThought += chunk.text;
                const text = stripper.push(chunk.text);
                state.thought += text;
                if (text !== "") {
                    emit({kind: "thought", text, tokens: state.unsentThoughtTokens});
                    state.unsentThoughtTokens = 0;
                }
                if (decision === "closeAfter") budgetReached.abort();
            } else {
                if (answerFull.signal.aborted) return;
                state.answerTokens += chunk.tokens.length;
                state.answer += chunk.text;
                emit({kind: "answer", text: chunk.text, tokens: chunk.tokens.length});
                if (state.answerTokens >= limits.answerTokens) answerFull.abort();
            }
        };
        const generate = (response: ChatModelResponse["response"], tokens: number, stopSignal: AbortSignal) =>
            chat.generateResponse([...history, {type: "model", response}], {
                signal: stopSignal,
                stopOnAbortSignal: true,
                // Below completions: another window's keystrokes go first in the shared batches.
                evaluationPriority: backgroundPriority,
                temperature: params.temperature ?? r1Sampling.temperature,
                topP: r1Sampling.topP,
                maxTokens: tokens,
                ...(params.seed != null ? {seed: params.seed} : {}),
                // Our own budget applies; node-llama-cpp's default one (half the context) must not.
                budgets: {thoughtTokens: Infinity},
                onResponseChunk
            });

        const thinking = thinks && thoughtLimit > 0;
        const firstPass = thinking ? thoughtLimit + wordEndAllowance + limits.answerTokens : limits.answerTokens;
        let response = await generate(
            thinks ? (thinking ? openThought() : closedThought("")) : [],
            Math.max(1, firstPass),
            AbortSignal.any([signal, budgetReached.signal, answerFull.signal])
        );
        const cutByBudget = thinks && budget !== 0 && (thoughtLimit === 0 || (budgetReached.signal.aborted && !signal.aborted));
        if (thinking && cutByBudget && limits.answerTokens > 0)
            response = await generate(closedThought(state.rawThought), limits.answerTokens, AbortSignal.any([signal, answerFull.signal]));

        const held = stripper.flush();
        if (held !== "") {
            state.thought += held;
            emit({kind: "thought", text: held, tokens: state.unsentThoughtTokens});
        }
        const answerWasFull = answerFull.signal.aborted && !signal.aborted;
        return {
            thought: state.thought,
            answer: state.answer,
            stopReason: answerWasFull ? "maxTokens" : toStopReason(response.metadata.stopReason),
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

/** The start of R1's turn as its template writes it: "<think>\n", the model continues the thought. */
export function openThought(): ChatModelResponse["response"] {
    return [thoughtSegment("\n", false)];
}

/**
 * A thought Enclave closes, as R1 closes its own: "<think>\n{thought}\n</think>\n\n" (with no
 * thought: "<think>\n\n</think>\n\n", DeepSeek's form for answering without reasoning).
 */
export function closedThought(thought: string): ChatModelResponse["response"] {
    return [thoughtSegment(`\n${closedThoughtText(thought)}`, true), "\n\n"];
}

function thoughtSegment(text: string, ended: boolean): ChatModelSegment {
    return {type: "segment", segmentType: "thought", text, ended};
}

function promptTokens(loaded: LoadedModel, history: ChatHistoryItem[]): number {
    return loaded.chatWrapper.generateContextState({chatHistory: history}).contextText.tokenize(loaded.model.tokenizer).length;
}

/** Earlier answers go back as plain text: R1's earlier thoughts are not sent back to the model. */
export function toHistory(params: Pick<ChatParams, "messages">): ChatHistoryItem[] {
    return params.messages.map((message) =>
        message.role === "user" ? {type: "user", text: message.content} : {type: "model", response: [message.content]}
    );
}
