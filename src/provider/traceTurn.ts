import {ThoughtClock, traceStats} from "../chat/thoughtClock";
import type {TraceBook} from "../webview/traceBook";
import type {TraceKind} from "../webview/protocol";

let count = 0;

/**
 * One section of the Reasoning panel: opened with a title, fed thought text as it streams (with the
 * model's token count of each piece), closed with its stats — the thought timed from its first to
 * its last token (ThoughtClock). Review units, inline edits and commit messages each open one.
 */
export class TraceTurn {
    private readonly turnId = `trace-${Date.now()}-${++count}`;
    private readonly clock = new ThoughtClock();
    private ended = false;

    constructor(
        private readonly book: TraceBook,
        kind: Exclude<TraceKind, "chat">,
        title: string
    ) {
        book.start(this.turnId, kind, title);
    }

    thought(text: string, tokens: number): void {
        if (this.ended) return;
        this.clock.add(tokens);
        this.book.thought(this.turnId, text, this.clock.tokens);
    }

    end(thoughtCutByBudget = false): void {
        if (this.ended) return;
        this.ended = true;
        this.book.end(this.turnId, traceStats(this.clock.tokens, this.clock.thoughtMs, thoughtCutByBudget));
    }
}
