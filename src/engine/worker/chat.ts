/**
 * The `chat` operation: messages in, a stream of thought and answer chunks out.
 *
 * R1 guidance (DESIGN.md): no system prompt, temperature around 0.6, reasoning first. We open the
 * thought segment ourselves (the assistant turn starts with "<think>", as newer R1 templates do), so
 * a model that only ever writes "</think>" still has its reasoning recognised; a thinking budget of 0
 * closes the segment at once, so the model answers without reasoning.
 */
import {LlamaChat, type ChatHistoryItem, type ChatModelSegment} from "node-llama-cpp";
import type {ChatEvent, ChatParams, ChatResult} from "../protocol";
import {LeadingTagStripper} from "./leadingTagStripper";
import type {LoadedModel} from "./runtime";
import {toStopReason} from "./stopReason";

const defaultTemperature = 0.6;
const defaultMaxTokens = 4096;

export async function runChat(loaded: LoadedModel, params: ChatParams, signal: AbortSignal, emit: (event: ChatEvent) => void): Promise<ChatResult> {
    return loaded.lock("chat").run(async () => {
        const chat = chatFor(loaded);
        const budget = params.thoughtBudget ?? -1;
        const history = toHistory(params, loaded.info.thinks, budget === 0);

        const started = performance.now();
        let firstTokenMs: number | null = null;
        let thoughtTokens = 0;
        let answerTokens = 0;
        let thought = "";
        let answer = "";
        const stripper = new LeadingTagStripper("<think>");
        const markFirst = () => {
            firstTokenMs ??= performance.now() - started;
        };

        const response = await chat.generateResponse(history, {
            signal,
            stopOnAbortSignal: true,
            temperature: params.temperature ?? defaultTemperature,
            maxTokens: params.maxTokens ?? defaultMaxTokens,
            ...(params.seed != null ? {seed: params.seed} : {}),
            budgets: {thoughtTokens: budget < 0 ? Infinity : budget, includeCurrentResponse: true},
            onResponseChunk(chunk) {
                if (chunk.tokens.length === 0 && chunk.text === "") return;
                markFirst();
                if (chunk.type === "segment") {
                    if (chunk.segmentType !== "thought") return;
                    thoughtTokens += chunk.tokens.length;
                    const text = stripper.push(chunk.text);
                    thought += text;
                    if (text !== "") emit({kind: "thought", text});
                } else {
                    answerTokens += chunk.tokens.length;
                    answer += chunk.text;
                    emit({kind: "answer", text: chunk.text});
                }
            }
        });
        const held = stripper.flush();
        if (held !== "") {
            thought += held;
            emit({kind: "thought", text: held});
        }

        const stopReason = toStopReason(response.metadata.stopReason);
        return {
            thought,
            answer,
            stopReason,
            thoughtCutByBudget: budget > 0 && thoughtTokens >= budget,
            thoughtTokens,
            answerTokens,
            firstTokenMs: firstTokenMs == null ? null : Math.round(firstTokenMs),
            totalMs: Math.round(performance.now() - started)
        };
    });
}

function chatFor(loaded: LoadedModel): LlamaChat {
    let chat = loaded.state.get("chat") as LlamaChat | undefined;
    if (!chat) {
        chat = new LlamaChat({contextSequence: loaded.sequence("chat"), chatWrapper: loaded.chatWrapper});
        loaded.state.set("chat", chat);
    }
    return chat;
}

/**
 * Earlier answers go back as plain text: R1's earlier thoughts are not sent back to the model.
 * The last item is the assistant turn we open, with its thought started (or already closed).
 */
function toHistory(params: ChatParams, thinks: boolean, skipThinking: boolean): ChatHistoryItem[] {
    const history: ChatHistoryItem[] = params.messages.map((message) =>
        message.role === "user" ? {type: "user", text: message.content} : {type: "model", response: [message.content]}
    );
    const opened: ChatModelSegment = {type: "segment", segmentType: "thought", text: skipThinking ? "\n\n" : "", ended: skipThinking};
    history.push({type: "model", response: thinks ? [opened] : []});
    return history;
}
