import {ThoughtClock, traceStats} from "../chat/thoughtClock";
import type {HostToTrace} from "../webview/protocol";

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
        private readonly post: (message: HostToTrace) => void,
        title: string
    ) {
        post({type: "turnStarted", turnId: this.turnId, title});
    }

    thought(text: string, tokens: number): void {
        if (this.ended) return;
        this.clock.add(tokens);
        this.post({type: "thoughtChunk", turnId: this.turnId, text, thoughtTokens: this.clock.tokens});
    }

    end(thoughtCutByBudget = false): void {
        if (this.ended) return;
        this.ended = true;
        this.post({type: "turnEnded", turnId: this.turnId, stats: traceStats(this.clock.tokens, this.clock.thoughtMs, thoughtCutByBudget)});
    }
}
