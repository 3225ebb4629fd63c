import {ThoughtClock, traceStats} from "../../chat/thoughtClock";
import type {HostToTrace} from "../../webview/protocol";
import type {ReviewUnit} from "../../review/units";

/** Streams a review's reasoning into the trace panel: one section per reviewed unit. */
export class ReviewTrace {
    private current: {turnId: string; unit: ReviewUnit; clock: ThoughtClock} | undefined;
    private count = 0;

    constructor(private readonly post: (message: HostToTrace) => void) {}

    thought(text: string, unit: ReviewUnit, tokens: number): void {
        if (this.current?.unit !== unit) {
            this.end();
            const turnId = `review-${Date.now()}-${++this.count}`;
            const part = unit.part.count > 1 ? ` (${unit.part.index}/${unit.part.count})` : "";
            this.current = {turnId, unit, clock: new ThoughtClock()};
            this.post({type: "turnStarted", turnId, title: `Review: ${unit.file}${part}`});
        }
        this.current.clock.add(tokens);
        this.post({type: "thoughtChunk", turnId: this.current.turnId, text, thoughtTokens: this.current.clock.tokens});
    }

    end(): void {
        const current = this.current;
        if (!current) return;
        this.current = undefined;
        this.post({type: "turnEnded", turnId: current.turnId, stats: traceStats(current.clock.tokens, current.clock.thoughtMs, false)});
    }
}
