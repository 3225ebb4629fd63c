/**
 * An adaptive debounce before a model call. While the user types fast, the next keystroke is likely
 * to come within the wait and would abort the call anyway, so it waits a little longer than the
 * recent gap between keystrokes. After a pause, or while typing slowly (when no wait up to the
 * bound would catch the next keystroke), it waits only the minimum: there a wait is pure latency,
 * and a call that gets aborted still leaves its prompt in the KV cache for the next one.
 */

export interface DebounceOptions {
    /** Default 15 ms. */
    minMs?: number;
    /**
     * Default 100 ms. Short, because a request cut off by the next keystroke costs little: its
     * prompt reading is kept in the cache and generation stops within a token.
     */
    maxMs?: number;
    /** Gaps longer than this are pauses, not typing. Default 400 ms. */
    pauseMs?: number;
    now?: () => number;
}

/** Weight of the newest gap in the moving average. */
const smoothing = 0.4;
/** Wait a bit longer than the typical gap, so the next keystroke usually lands inside the wait. */
const gapFactor = 1.3;

export class AdaptiveDebounce {
    private readonly minMs: number;
    private readonly maxMs: number;
    private readonly pauseMs: number;
    private readonly now: () => number;
    private lastKeystroke: number | undefined;
    private lastGap: number | undefined;
    private averageGap: number | undefined;

    constructor(options: DebounceOptions = {}) {
        this.minMs = Math.max(0, options.minMs ?? 15);
        this.maxMs = Math.max(this.minMs, options.maxMs ?? 100);
        this.pauseMs = options.pauseMs ?? 400;
        this.now = options.now ?? (() => performance.now());
    }

    /** Records a keystroke (a document change), which is what the typing speed is measured from. */
    keystroke(at = this.now()): void {
        if (this.lastKeystroke !== undefined) {
            const gap = Math.max(0, at - this.lastKeystroke);
            this.lastGap = gap;
            // A pause says nothing about typing speed; keep the average of the typing itself.
            if (gap <= this.pauseMs) this.averageGap = this.averageGap === undefined ? gap : smoothing * gap + (1 - smoothing) * this.averageGap;
        }
        this.lastKeystroke = at;
    }

    /** The wait for the current keystroke. */
    delayMs(): number {
        if (this.lastGap === undefined || this.averageGap === undefined || this.lastGap > this.pauseMs) return this.minMs;
        const covering = this.averageGap * gapFactor;
        return covering > this.maxMs ? this.minMs : Math.round(Math.max(this.minMs, covering));
    }

    /** Waits `delayMs()`; resolves true when the wait ran out, false as soon as `signal` aborts. */
    wait(signal: AbortSignal): Promise<boolean> {
        return sleepUnlessAborted(this.delayMs(), signal);
    }
}

/** Resolves true after `ms`, or false at once when `signal` aborts; leaves no timer or listener behind. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
        const onAbort = (): void => {
            clearTimeout(timer);
            resolve(false);
        };
        const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve(true);
        }, ms);
        signal.addEventListener("abort", onAbort, {once: true});
    });
}
