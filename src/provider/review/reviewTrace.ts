import type {TraceBook} from "../../webview/traceBook";
import type {ReviewUnit} from "../../review/units";
import {TraceTurn} from "../traceTurn";

/** Streams a review's reasoning into the trace panel: one section per reviewed unit. */
export class ReviewTrace {
    private current: {unit: ReviewUnit; turn: TraceTurn} | undefined;

    constructor(private readonly book: TraceBook) {}

    thought(text: string, unit: ReviewUnit, tokens: number): void {
        if (this.current?.unit !== unit) {
            this.end();
            const part = unit.part.count > 1 ? ` (${unit.part.index}/${unit.part.count})` : "";
            this.current = {unit, turn: new TraceTurn(this.book, "review", `${unit.file}${part}`)};
        }
        this.current.turn.thought(text, tokens);
    }

    end(): void {
        this.current?.turn.end();
        this.current = undefined;
    }
}
