import type {HostToTrace} from "../../webview/protocol";
import type {ReviewUnit} from "../../review/units";

/** Streams a review's reasoning into the trace panel: one section per reviewed unit. */
export class ReviewTrace {
    private current: {turnId: string; unit: ReviewUnit; started: number; tokens: number; chunks: number} | undefined;
    private count = 0;

    constructor(private readonly post: (message: HostToTrace) => void) {}

    thought(text: string, unit: ReviewUnit): void {
        if (this.current?.unit !== unit) {
            this.end();
            const turnId = `review-${Date.now()}-${++this.count}`;
            const part = unit.part.count > 1 ? ` (${unit.part.index}/${unit.part.count})` : "";
            this.current = {turnId, unit, started: Date.now(), tokens: 0, chunks: 0};
            this.post({type: "turnStarted", turnId, title: `Review: ${unit.file}${part}`});
        }
        this.current.chunks++;
        this.post({type: "thoughtChunk", turnId: this.current.turnId, text});
    }

    end(): void {
        const current = this.current;
        if (!current) return;
        this.current = undefined;
        const elapsedMs = Date.now() - current.started;
        this.post({
            type: "turnEnded",
            turnId: current.turnId,
            stats: {thoughtTokens: current.chunks, elapsedMs, tokensPerSecond: elapsedMs > 0 ? Math.round((current.chunks / elapsedMs) * 10_000) / 10 : 0, thoughtCutByBudget: false}
        });
    }
}
