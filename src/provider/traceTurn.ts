import type {HostToTrace} from "../webview/protocol";

let count = 0;

/** One section of the Reasoning panel: opened with a title, fed thought text as it streams, closed with its stats. */
export class TraceTurn {
    private readonly turnId = `trace-${Date.now()}-${++count}`;
    private readonly started = Date.now();
    private chunks = 0;
    private ended = false;

    constructor(
        private readonly post: (message: HostToTrace) => void,
        title: string
    ) {
        post({type: "turnStarted", turnId: this.turnId, title});
    }

    thought(text: string): void {
        if (this.ended) return;
        this.chunks++;
        this.post({type: "thoughtChunk", turnId: this.turnId, text});
    }

    end(): void {
        if (this.ended) return;
        this.ended = true;
        const elapsedMs = Date.now() - this.started;
        this.post({
            type: "turnEnded",
            turnId: this.turnId,
            stats: {thoughtTokens: this.chunks, elapsedMs, tokensPerSecond: elapsedMs > 0 ? Math.round((this.chunks / elapsedMs) * 10_000) / 10 : 0, thoughtCutByBudget: false}
        });
    }
}
