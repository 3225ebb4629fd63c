/**
 * Coalesces many "something changed" calls into one run per animation frame. A timer backs up
 * requestAnimationFrame because a hidden or throttled webview may not paint for a long time, and
 * streamed text must still reach the DOM (and never be lost) meanwhile.
 */
export class FrameScheduler {
    private frame: number | undefined;
    private timer: ReturnType<typeof setTimeout> | undefined;

    constructor(
        private readonly run: () => void,
        private readonly fallbackMs = 100
    ) {}

    schedule(): void {
        if (this.frame !== undefined || this.timer !== undefined) return;
        this.frame = requestAnimationFrame(() => this.flush());
        this.timer = setTimeout(() => this.flush(), this.fallbackMs);
    }

    /** Runs now if a run is pending (e.g. at the end of a turn, so the final text is exact). */
    flush(): void {
        if (this.frame === undefined && this.timer === undefined) return;
        this.cancel();
        this.run();
    }

    cancel(): void {
        if (this.frame !== undefined) cancelAnimationFrame(this.frame);
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.frame = undefined;
        this.timer = undefined;
    }
}
