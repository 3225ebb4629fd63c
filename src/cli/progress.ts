/**
 * Progress on stderr. On a terminal, one status line is redrawn in place (at most ten times a
 * second) and cleared before anything else is printed; elsewhere (CI logs, pipes) only whole lines
 * are written, so logs stay readable.
 */
import type {ReviewProgress} from "../review/reviewer";

const redrawMs = 100;

export class ProgressLine {
    private shown = false;
    private lastDraw = 0;

    constructor(
        private readonly stream: NodeJS.WriteStream,
        private readonly enabled: boolean
    ) {}

    private get live(): boolean {
        return this.enabled && this.stream.isTTY === true;
    }

    /** A redrawn status, e.g. "[2/5] src/a.ts: thinking… 120 tokens" (terminals only). */
    status(text: string, force = false): void {
        if (!this.live) return;
        const now = Date.now();
        if (!force && now - this.lastDraw < redrawMs) return;
        this.lastDraw = now;
        const width = Math.max(20, (this.stream.columns || 80) - 1);
        this.stream.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
        this.shown = true;
    }

    review(progress: ReviewProgress): void {
        if (!progress.unit) return;
        const part = progress.unit.part.count > 1 ? ` (part ${progress.unit.part.index}/${progress.unit.part.count})` : "";
        const phase = progress.phase === "structuring" ? "writing findings…" : `thinking… ${progress.tokens} tokens`;
        this.status(`[${progress.done + 1}/${progress.total}] ${progress.unit.file}${part}: ${phase}`, progress.tokens === 0);
    }

    /** A line that stays (shown everywhere unless quiet). */
    line(text: string): void {
        if (!this.enabled) return;
        this.clear();
        this.stream.write(`${text}\n`);
    }

    clear(): void {
        if (!this.shown) return;
        this.stream.write("\r\u001b[2K");
        this.shown = false;
    }
}
