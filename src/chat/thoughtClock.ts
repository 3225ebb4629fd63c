/**
 * Times one thought: its real token count (as the model counted them) and the time from its first
 * to its last token — not the turn's, which also holds the model's load, the prompt and the answer.
 * Chat turns and review units both measure their thoughts with it.
 */
import {tokensPerSecond} from "../webview/format";
import type {TraceStats} from "../webview/protocol";

export class ThoughtClock {
    private first: number | undefined;
    private last: number | undefined;
    private count = 0;

    constructor(private readonly now: () => number = Date.now) {}

    /** A piece of the thought holding `tokens` tokens arrived now. */
    add(tokens: number): void {
        const now = this.now();
        this.first ??= now;
        this.last = now;
        this.count += tokens;
    }

    get tokens(): number {
        return this.count;
    }

    /** When the first thought token came (epoch ms), if one has. */
    get startedAt(): number | undefined {
        return this.first;
    }

    get thoughtMs(): number {
        return this.first === undefined || this.last === undefined ? 0 : this.last - this.first;
    }
}

/** The trace's summary of a thought of `thoughtTokens` tokens over `thoughtMs`. */
export function traceStats(thoughtTokens: number, thoughtMs: number, thoughtCutByBudget: boolean): TraceStats {
    const rate = tokensPerSecond(thoughtTokens, thoughtMs);
    return {thoughtTokens, thoughtMs, ...(rate !== undefined ? {tokensPerSecond: rate} : {}), thoughtCutByBudget};
}
