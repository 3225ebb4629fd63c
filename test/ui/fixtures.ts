/** Host messages the UI tests send, typed by the shared protocol so they stay in step with it. */
import type {AnswerStats, HostToChat, HostToChatOf, HostToTrace, TraceStats} from "../../src/webview/protocol";

export const answerStats = (overrides: Partial<AnswerStats> = {}): AnswerStats => ({
    thoughtTokens: 42,
    answerTokens: 128,
    elapsedMs: 3400,
    thoughtCutByBudget: false,
    ...overrides
});

export const traceStats = (overrides: Partial<TraceStats> = {}): TraceStats => ({
    thoughtTokens: 42,
    thoughtMs: 2100,
    tokensPerSecond: 20,
    thoughtCutByBudget: false,
    ...overrides
});

export const initChat = (overrides: Partial<HostToChatOf<"init">> = {}): HostToChat => ({
    type: "init",
    chats: [],
    current: null,
    model: {name: "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M", state: "ready", contextSize: 8192},
    thinkingBudget: "Thinking: normal",
    ...overrides
});

export const turnStarted = (turnId: string, userText = "Question", overrides: Partial<HostToChatOf<"turnStarted">> = {}): HostToChat => ({
    type: "turnStarted",
    turnId,
    userText,
    attachments: [],
    ...overrides
});

/** `text` cut into chunks of `size` characters, as answerChunk messages (a stand-in for tokens). */
export function answerChunks(turnId: string, text: string, size = 3): HostToChat[] {
    const chunks: HostToChat[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push({type: "answerChunk", turnId, text: text.slice(i, i + size)});
    return chunks;
}

/** `text` as trace thoughtChunks of `size` characters, each counted as `tokensPerChunk` tokens. */
export function thoughtChunks(turnId: string, text: string, size = 3, tokensPerChunk = 1): HostToTrace[] {
    const chunks: HostToTrace[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push({type: "thoughtChunk", turnId, text: text.slice(i, i + size), thoughtTokens: (i / size + 1) * tokensPerChunk});
    return chunks;
}

export const sampleAnswer = [
    "## Sorting in place",
    "",
    "Use `Array.prototype.sort` with a comparator:",
    "",
    "1. Compare numbers by subtraction",
    "2. Keep it **stable**",
    "- a bullet",
    "",
    "| Method | Stable | Cost |",
    "|:--|:-:|--:|",
    "| sort | yes | n log n |",
    "| toSorted | yes | n log n |",
    "",
    "```ts",
    "function byValue(a: number, b: number): number {",
    "    return a < b && b > 0 ? -1 : a - b; // \"<tags>\" & such",
    "}",
    "```",
    "",
    "```python",
    "print('hi')",
    "```",
    "",
    "See <https://developer.mozilla.org/docs/Web/JavaScript> for more."
].join("\n");

export const sampleCode = [
    "function byValue(a: number, b: number): number {",
    "    return a < b && b > 0 ? -1 : a - b; // \"<tags>\" & such",
    "}"
].join("\n");
