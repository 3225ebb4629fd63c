/**
 * A CompletionBackend for tests: controllable delay and answers, records every call with its signal,
 * and measures how many calls ran at once.
 */
import type {CompletionBackend, CompletionRequest, CompletionResponse} from "../../../src/completion/types";

export interface RecordedCall {
    params: CompletionRequest;
    signal: AbortSignal;
    settled: boolean;
    purpose: "suggest" | "warm";
}

export type Answer = string | Error | Partial<CompletionResponse>;

export class FakeBackend implements CompletionBackend {
    readonly calls: RecordedCall[] = [];
    maxConcurrent = 0;
    delayMs = 0;
    /** false: behave like a broken backend that runs to the end whatever the signal says. */
    honorAbort = true;
    /** How an honoured abort ends the call: node-llama-cpp's partial result, or a rejection. */
    abortStyle: "partial" | "reject" = "partial";
    answer: (params: CompletionRequest, call: number) => Answer = () => "answer";
    private running = 0;
    private readonly waiters: Array<() => void> = [];

    async complete(params: CompletionRequest, signal: AbortSignal, purpose: "suggest" | "warm" = "suggest"): Promise<CompletionResponse> {
        const call: RecordedCall = {params, signal, settled: false, purpose};
        const index = this.calls.push(call) - 1;
        this.running++;
        this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
        for (const wake of this.waiters.splice(0)) wake();
        try {
            const aborted = await this.sleep(this.delayMs, this.honorAbort ? signal : undefined);
            if (aborted) {
                if (this.abortStyle === "reject") throw new DOMException("aborted", "AbortError");
                return {text: "partial", mode: "infill", stopReason: "abort", generatedTokens: 1, promptTokens: 100, reusedTokens: 90, totalMs: 1};
            }
            const answer = this.answer(params, index);
            if (answer instanceof Error) throw answer;
            const base: CompletionResponse = {text: "", mode: "infill", stopReason: "eos", generatedTokens: 3, totalMs: this.delayMs, promptTokens: 100, reusedTokens: 90};
            return typeof answer === "string" ? {...base, text: answer} : {...base, ...answer};
        } finally {
            this.running--;
            call.settled = true;
        }
    }

    /** Resolves once the backend has received `count` calls in all. */
    async waitForCalls(count: number): Promise<void> {
        while (this.calls.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    }

    private sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
        if (signal?.aborted) return Promise.resolve(true);
        return new Promise((resolve) => {
            const onAbort = (): void => {
                clearTimeout(timer);
                resolve(true);
            };
            const timer = setTimeout(() => {
                signal?.removeEventListener("abort", onAbort);
                resolve(false);
            }, ms);
            signal?.addEventListener("abort", onAbort, {once: true});
        });
    }
}
