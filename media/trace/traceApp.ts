/**
 * The reasoning-trace view: one collapsible section per chat turn, review, edit or commit message,
 * newest last. A new one opens and earlier ones fold away, so the live thought is in view; the user
 * can reopen any of them. The host's TraceBook sends every section again on `init`.
 */
import type {HostToTrace, TraceKind, TraceToHost, TraceTurn as TraceTurnData} from "../../src/webview/protocol";
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

    constructor(
        root: HTMLElement,
        private readonly post: (message: TraceToHost) => void
    ) {
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
                this.start(message.turnId, message.kind, message.title);
                break;
            case "thoughtChunk":
                // A chunk for an unknown turn (the view was re-created mid-turn) starts a section for it.
                (this.turns.get(message.turnId) ?? this.start(message.turnId, "chat", "")).append(message.text, message.thoughtTokens);
                break;
            case "turnEnded":
                this.turns.get(message.turnId)?.end(message.stats);
                break;
            case "thoughtCopied":
                this.turns.get(message.turnId)?.copied(message.ok);
                break;
        }
        this.emptyState.hidden = this.turns.size > 0;
    }

    private start(turnId: string, kind: TraceKind, title: string, thoughtStartedAt?: number): TraceTurn {
        this.turns.get(turnId)?.dispose();
        for (const earlier of this.turns.values()) earlier.element.open = false;
        const turn = new TraceTurn(turnId, kind, title, (id) => this.post({type: "copyThought", turnId: id}), thoughtStartedAt);
        this.turns.set(turnId, turn);
        this.list.append(turn.element);
        return turn;
    }

    private restore(data: TraceTurnData): void {
        const turn = this.start(data.turnId, data.kind, data.title, data.thoughtStartedAt);
        turn.append(data.thought, data.stats?.thoughtTokens);
        if (data.stats) turn.end(data.stats);
    }

    private clear(): void {
        for (const turn of this.turns.values()) turn.dispose();
        this.turns.clear();
    }
}
