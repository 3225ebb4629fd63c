import type {ChatEnginePort} from "../../../src/chat/chatController";
import type {ChatEvent, ChatParams, ChatResult} from "../../../src/engine/protocol";

/** A stand-in engine: thinks "Hm.", then answers by streaming `answer` word by word, honouring aborts. */
export class FakeEngine implements ChatEnginePort {
    readonly requests: ChatParams[] = [];
    answer = "The answer is 42.";
    delayMs = 1;
    contextSize = 4096;

    async model() {
        return {name: "fake", contextSize: this.contextSize};
    }

    async countTokens(text: string) {
        return text.split(/\s+/).filter(Boolean).length;
    }

    async chat(params: ChatParams, {signal, onEvent}: {signal: AbortSignal; onEvent: (event: ChatEvent) => void}): Promise<ChatResult> {
        this.requests.push(params);
        onEvent({kind: "thought", text: "Hm.", tokens: 1});
        let answer = "";
        let stopReason: ChatResult["stopReason"] = "eos";
        for (const word of this.answer.split(/(?<= )/)) {
            if (signal.aborted) {
                stopReason = "abort";
                break;
            }
            answer += word;
            onEvent({kind: "answer", text: word, tokens: 1});
            await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        }
        return {thought: "Hm.", answer, stopReason, thoughtCutByBudget: false, thoughtTokens: 1, answerTokens: answer.length, firstTokenMs: 1, totalMs: 1};
    }
}
