import {traceStats} from "../../chat/chatController";
import type {ChatResult} from "../../engine/protocol";
import type {HostToTrace} from "../../webview/protocol";

let count = 0;

/** One rewrite round's reasoning in the Reasoning panel, live: a section titled with the instruction. */
export class EditTrace {
    private readonly turnId = `edit-${Date.now()}-${++count}`;
    private readonly started = Date.now();
    private open = true;

    constructor(
        private readonly post: (message: HostToTrace) => void,
        title: string
    ) {
        this.post({type: "turnStarted", turnId: this.turnId, title});
    }

    thought(text: string): void {
        if (this.open) this.post({type: "thoughtChunk", turnId: this.turnId, text});
    }

    end(result: ChatResult | undefined): void {
        if (!this.open) return;
        this.open = false;
        const stats = {thoughtTokens: result?.thoughtTokens ?? 0, elapsedMs: Date.now() - this.started, thoughtCutByBudget: result?.thoughtCutByBudget ?? false};
        this.post({type: "turnEnded", turnId: this.turnId, stats: traceStats(stats)});
    }
}
