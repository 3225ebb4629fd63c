/**
 * The reasoning-trace view: one collapsible section per turn, newest last. A new turn opens and
 * earlier ones fold away, so the live thought is in view; the user can reopen any of them.
 */
import type {HostToTrace, TraceTurn as TraceTurnData} from "../../src/webview/protocol";
import {el} from "../shared/dom";
import {followScrollEnd} from "../shared/scrollFollower";
import {TraceTurn} from "./traceTurn";

export class TraceApp {
    private readonly turns = new Map<string, TraceTurn>();
    private readonly list = el("div", {class: "trace-list"});
    private readonly emptyState = el(
        "div",
        {class: "empty-state"},
        el("p", {class: "empty-title", text: "No reasoning yet."}),
        el("p", {text: "When the model thinks before it answers, its thought appears here as it arrives."})
    );

    constructor(root: HTMLElement) {
        const scroller = el("main", {class: "trace-scroller", attrs: {"aria-label": "Reasoning trace"}}, this.emptyState, this.list);
        root.classList.add("trace-app");
        root.append(scroller);
        followScrollEnd(scroller, this.list);
    }

    handle(message: HostToTrace): void {
        switch (message.type) {
            case "init":
                this.clear();
                for (const turn of message.turns) this.restore(turn);
                break;
            case "turnStarted":
                this.start(message.turnId, message.title);
                break;
            case "thoughtChunk":
                // A chunk for an unknown turn (the view was re-created mid-turn) starts a section for it.
                (this.turns.get(message.turnId) ?? this.start(message.turnId, "")).append(message.text, message.thoughtTokens);
                break;
            case "turnEnded":
                this.turns.get(message.turnId)?.end(message.stats);
                break;
            case "clear":
                this.clear();
                break;
        }
        this.emptyState.hidden = this.turns.size > 0;
    }

    private start(turnId: string, title: string, thoughtStartedAt?: number): TraceTurn {
        this.turns.get(turnId)?.dispose();
        for (const earlier of this.turns.values()) earlier.element.open = false;
        const turn = new TraceTurn(turnId, title, thoughtStartedAt);
        this.turns.set(turnId, turn);
        this.list.append(turn.element);
        return turn;
    }

    private restore(data: TraceTurnData): void {
        const turn = this.start(data.turnId, data.title, data.thoughtStartedAt);
        turn.append(data.thought, data.stats?.thoughtTokens);
        if (data.stats) turn.end(data.stats);
    }

    private clear(): void {
        for (const turn of this.turns.values()) turn.dispose();
        this.turns.clear();
    }
}
