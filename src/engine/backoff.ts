/**
 * Restart pacing for a worker that keeps dying (a model that crashes llama.cpp on every load, an
 * OOM killer): the first restart is immediate, later ones wait exponentially longer, and a worker
 * that stayed up for `healthyAfterMs` wipes the slate.
 */
export interface BackoffOptions {
    initialMs: number;
    maxMs: number;
    healthyAfterMs: number;
}

export const defaultBackoff: BackoffOptions = {initialMs: 500, maxMs: 30_000, healthyAfterMs: 60_000};

export class Backoff {
    private failures = 0;
    private lastStart = 0;

    constructor(private readonly options: BackoffOptions = defaultBackoff) {}

    /** Call when a worker starts. */
    started(now = Date.now()): void {
        this.lastStart = now;
    }

    /** Call when a worker died unexpectedly. */
    failed(now = Date.now()): void {
        if (this.lastStart !== 0 && now - this.lastStart >= this.options.healthyAfterMs) this.failures = 0;
        this.failures++;
    }

    /** Call when a request succeeded: the worker is healthy again. */
    succeeded(): void {
        this.failures = 0;
    }

    get consecutiveFailures(): number {
        return this.failures;
    }

    /** How long to wait before the next start. */
    delayMs(): number {
        if (this.failures <= 1) return 0;
        return Math.min(this.options.maxMs, this.options.initialMs * 2 ** (this.failures - 2));
    }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
        if (signal?.aborted) {
            reject(abortReason(signal));
            return;
        }
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortReason(signal));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, {once: true});
    });
}

function abortReason(signal: AbortSignal | undefined): Error {
    const reason: unknown = signal?.reason;
    return reason instanceof Error ? reason : new Error("Aborted");
}
