/**
 * The session's backend in the benchmark: the real EngineClient (worker process), wrapped to record
 * each call's prompt, timing and result, what the user was doing when the session made it, and how
 * long an aborted call took to settle after its abort.
 */
import type {CompletionBackend} from "../../src/completion/types";
import type {EngineClient} from "../../src/engine/client";
import type {CompleteParams, CompleteResult} from "../../src/engine/protocol";

/** The extension's completion request timeout (completionFeature.ts). */
const completionRequestTimeoutMs = 30_000;

export interface CallRecord {
    index: number;
    params: CompleteParams;
    /** "warm": the prompt evaluated ahead of a suggestion, nothing generated; not a suggestion. */
    purpose: "suggest" | "warm";
    /** The document version when the session made the call. */
    version: number;
    /** The user was typing through a suggestion shown on screen when the call was made (must never happen). */
    typingThrough: boolean;
    /** The signal was aborted already when the call was made. */
    sentAborted: boolean;
    startedAtMs: number;
    durationMs?: number;
    /** From the abort of the call's signal to its settling: how long an aborted call kept the model busy. */
    settleAfterAbortMs?: number;
    result?: CompleteResult;
    error?: string;
}

export interface CallContext {
    version: number;
    typingThrough: boolean;
}

export class RecordingBackend implements CompletionBackend {
    readonly calls: CallRecord[] = [];

    constructor(
        private readonly client: EngineClient,
        /** What the simulated user is doing right now. */
        private readonly context: () => CallContext,
        private readonly clock: () => number
    ) {}

    async complete(params: CompleteParams, signal: AbortSignal, purpose: "suggest" | "warm" = "suggest"): Promise<CompleteResult> {
        const record: CallRecord = {index: this.calls.length, params, purpose, ...this.context(), sentAborted: signal.aborted, startedAtMs: this.clock()};
        this.calls.push(record);
        let abortedAt: number | undefined = signal.aborted ? record.startedAtMs : undefined;
        const onAbort = (): void => {
            abortedAt = this.clock();
        };
        signal.addEventListener("abort", onAbort, {once: true});
        try {
            const result = await this.client.complete(params, {signal, timeoutMs: completionRequestTimeoutMs});
            record.result = result;
            return result;
        } catch (error) {
            record.error = error instanceof Error ? error.message : String(error);
            throw error;
        } finally {
            signal.removeEventListener("abort", onAbort);
            const end = this.clock();
            record.durationMs = end - record.startedAtMs;
            if (abortedAt !== undefined) record.settleAfterAbortMs = end - abortedAt;
        }
    }
}
