/**
 * The window that streams a chat answer while the others type: one long answer after another
 * (a random model may end an answer early) until it is stopped, which aborts the one in progress
 * (the worker keeps its partial result). Tokens per second are the worker's own: generated tokens
 * over the time from each answer's first token to its end, so the prompt's evaluation is left out.
 */
import type {EngineClient} from "../../src/engine/client";
import type {ChatResult} from "../../src/engine/protocol";

const question =
    "Explain at length, step by step, how to design a caching layer for a TypeScript web service: " +
    "eviction policies, invalidation on writes, stampede protection, metrics, and how to test each part. Give code for every step.";

export interface ChatStreamStats {
    answers: number;
    tokens: number;
    streamS: number;
    tokensPerSecond: number | null;
    stopReasons: Record<string, number>;
    errors: string[];
}

export class ChatStream {
    private readonly results: ChatResult[] = [];
    private readonly errors: string[] = [];
    private readonly controller = new AbortController();
    private loop: Promise<void> | undefined;
    private firstText: Promise<void> | undefined;

    constructor(
        private readonly client: EngineClient,
        private readonly maxTokens: number
    ) {}

    /** Starts streaming; resolves once the first answer's first text arrived (the stream is under way). */
    start(): Promise<void> {
        let started!: () => void;
        this.firstText = new Promise<void>((resolve) => (started = resolve));
        this.loop = this.run(started);
        // An answer that fails before any text must not leave the caller waiting.
        return Promise.race([this.firstText, this.loop]);
    }

    /**
     * One short answer with nothing else running on this window's model process (before anyone
     * types): the chat's speed on its own, to read the streaming figure against.
     */
    async measureAlone(maxTokens: number): Promise<ChatStreamStats> {
        try {
            return summarize([await this.client.chat({messages: [{role: "user", content: question}], maxTokens, thoughtBudget: 0})], []);
        } catch (error) {
            return summarize([], [error instanceof Error ? error.message : String(error)]);
        }
    }

    /** Aborts the answer in progress, waits for its partial result, and sums up. */
    async stop(): Promise<ChatStreamStats> {
        this.controller.abort(new Error("benchmark phase over"));
        await this.loop;
        return summarize(this.results, this.errors);
    }

    private async run(started: () => void): Promise<void> {
        const signal = this.controller.signal;
        while (!signal.aborted) {
            try {
                const result = await this.client.chat(
                    {messages: [{role: "user", content: question}], maxTokens: this.maxTokens, thoughtBudget: 0},
                    {signal, onEvent: () => started()}
                );
                this.results.push(result);
            } catch (error) {
                if (signal.aborted) break;
                this.errors.push(error instanceof Error ? error.message : String(error));
                // A failing chat would spin: one error ends the stream (reported in the JSON).
                break;
            }
        }
        started();
    }
}

function summarize(results: readonly ChatResult[], errors: string[]): ChatStreamStats {
    const tokens = results.reduce((sum, result) => sum + result.thoughtTokens + result.answerTokens, 0);
    const streamMs = results.reduce((sum, result) => sum + Math.max(0, result.totalMs - (result.firstTokenMs ?? result.totalMs)), 0);
    const stopReasons: Record<string, number> = {};
    for (const result of results) stopReasons[result.stopReason] = (stopReasons[result.stopReason] ?? 0) + 1;
    return {
        answers: results.length,
        tokens,
        streamS: Math.round(streamMs / 100) / 10,
        tokensPerSecond: streamMs > 0 ? Math.round((tokens / (streamMs / 1000)) * 10) / 10 : null,
        stopReasons,
        errors
    };
}
