/**
 * One section of the Reasoning panel: a collapsible section whose header says what the thought was
 * for (Chat, Review, Edit, Commit), the whole title (wrapped, never cut to a word or two), and the
 * state (thinking, elapsed time, thought tokens, tokens/s, and whether the thinking budget cut it
 * short — visible while folded); the body is the thought as plain text with a Copy button.
 * Thought text is untrusted model output and only ever goes into a Text node.
 */
import type {TraceKind, TraceStats} from "../../src/webview/protocol";
import {countOf, formatDuration, formatRate} from "../../src/webview/format";
import {el, flash, icon, iconButton} from "../shared/dom";

const kindLabels: Record<TraceKind, string> = {chat: "Chat", review: "Review", edit: "Edit", commit: "Commit"};

export class TraceTurn {
    readonly element: HTMLDetailsElement;
    private readonly status = el("span", {class: "trace-status"});
    private readonly cut = el("span", {class: "trace-cut"}, icon("warning"), el("span", {text: "cut short"}));
    private readonly statusIcon = icon("loading", true);
    private readonly notice = el("p", {class: "trace-notice"});
    private readonly thoughtText = document.createTextNode("");
    private readonly thought = el("pre", {class: "thought", attrs: {tabindex: "0", "aria-label": "Thought"}}, this.thoughtText);
    private readonly copy = iconButton("copy", "Copy thought", {text: "Copy", class: "trace-copy"});
    private readonly actions = el("div", {class: "trace-actions"}, this.copy);
    /** When the first thought token came (epoch ms): the host's time for a turn the view joins late. */
    private thoughtStartedAt: number | undefined;
    private tokens = 0;
    private timer: ReturnType<typeof setInterval> | undefined;
    private ended = false;

    constructor(
        readonly turnId: string,
        kind: TraceKind,
        title: string,
        onCopy: (turnId: string) => void,
        thoughtStartedAt?: number
    ) {
        this.thoughtStartedAt = thoughtStartedAt;
        const shownTitle = title || "Answer";
        const summary = el(
            "summary",
            {class: "trace-summary"},
            this.statusIcon,
            el(
                "span",
                {class: "trace-head"},
                el("span", {class: "trace-title-row"}, el("span", {class: `trace-kind trace-kind-${kind}`, text: kindLabels[kind]}), el("span", {class: "trace-title", text: shownTitle, attrs: {title: shownTitle}})),
                el("span", {class: "trace-meta"}, this.status, this.cut)
            )
        );
        this.element = el("details", {class: `trace-turn trace-${kind}`}, summary, this.notice, this.actions, this.thought);
        this.element.dataset.turnId = turnId;
        this.element.dataset.kind = kind;
        this.element.open = true;
        this.notice.hidden = true;
        this.thought.hidden = true;
        this.actions.hidden = true;
        this.cut.hidden = true;
        this.copy.addEventListener("click", () => onCopy(turnId));
        this.timer = setInterval(() => this.showLive(), 250);
        this.showLive();
    }

    get isEnded(): boolean {
        return this.ended;
    }

    /** `thoughtTokens`: the turn's thought tokens so far, as the host counted them. */
    append(text: string, thoughtTokens?: number): void {
        if (thoughtTokens !== undefined) this.tokens = thoughtTokens;
        if (text === "") return;
        this.thoughtStartedAt ??= Date.now();
        // appendData grows one text node: no re-parse, no HTML, cheap per token.
        this.thoughtText.appendData(text);
        this.thought.hidden = false;
        this.actions.hidden = false;
        if (!this.ended) this.showLive();
    }

    end(stats: TraceStats): void {
        this.stopTimer();
        this.ended = true;
        this.statusIcon.className = `codicon codicon-${stats.thoughtTokens === 0 ? "circle-slash" : "lightbulb"}`;
        if (stats.thoughtTokens === 0 && this.thoughtText.length === 0) {
            this.status.textContent = "no thinking";
            this.showNotice(stats.thoughtCutByBudget
                ? "Thinking is off: the thinking budget allowed no thought for this answer."
                : "This model does not think: it answered without a reasoning trace.");
            this.element.classList.add("no-thought");
            return;
        }
        const rate = stats.tokensPerSecond !== undefined && stats.tokensPerSecond > 0 ? ` · ${formatRate(stats.tokensPerSecond)}` : "";
        this.status.textContent = `${formatDuration(stats.thoughtMs)} · ${countOf(stats.thoughtTokens, "token")}${rate}`;
        if (stats.thoughtCutByBudget) {
            const cutText = `Cut short by the thinking budget after ${stats.thoughtTokens} tokens.`;
            this.showNotice(cutText);
            this.cut.hidden = false;
            this.cut.title = cutText;
        }
    }

    /** The host's answer to this section's Copy: "Copied" only once the thought is on the clipboard. */
    copied(ok: boolean): void {
        flash(this.copy, ok ? "Copied" : "Copy failed");
    }

    dispose(): void {
        this.stopTimer();
        this.element.remove();
    }

    private showLive(): void {
        // The time runs from the first thought token: the model's load and the prompt are not thinking.
        if (this.thoughtStartedAt === undefined) {
            this.status.textContent = "waiting for the model…";
            return;
        }
        const elapsed = formatDuration(Date.now() - this.thoughtStartedAt);
        this.status.textContent = `thinking… ${elapsed}${this.tokens > 0 ? ` · ${countOf(this.tokens, "token")}` : ""}`;
    }

    private showNotice(text: string): void {
        this.notice.replaceChildren(icon(text.startsWith("Cut") ? "warning" : "info"), el("span", {text}));
        this.notice.hidden = false;
    }

    private stopTimer(): void {
        if (this.timer !== undefined) clearInterval(this.timer);
        this.timer = undefined;
    }
}
