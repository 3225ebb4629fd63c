/**
 * One turn's thought in the trace view: a collapsible section whose summary shows the state
 * (thinking, elapsed time, thought tokens, tokens/s) and whose body is the thought as plain text.
 * Thought text is untrusted model output and only ever goes into a Text node.
 */
import type {TraceStats} from "../../src/webview/protocol";
import {countOf, formatDuration, formatRate} from "../../src/webview/format";
import {el, icon} from "../shared/dom";

export class TraceTurn {
    readonly element: HTMLDetailsElement;
    private readonly status = el("span", {class: "trace-status"});
    private readonly statusIcon = icon("loading", true);
    private readonly notice = el("p", {class: "trace-notice"});
    private readonly thoughtText = document.createTextNode("");
    private readonly thought = el("pre", {class: "thought", attrs: {tabindex: "0", "aria-label": "Thought"}}, this.thoughtText);
    /** When the first thought token came (epoch ms): the host's time for a turn the view joins late. */
    private thoughtStartedAt: number | undefined;
    private tokens = 0;
    private timer: ReturnType<typeof setInterval> | undefined;
    private ended = false;

    constructor(readonly turnId: string, title: string, thoughtStartedAt?: number) {
        this.thoughtStartedAt = thoughtStartedAt;
        const summary = el("summary", {class: "trace-summary"}, this.statusIcon, el("span", {class: "trace-title", text: title || "Answer", attrs: {title}}), this.status);
        this.element = el("details", {class: "trace-turn"}, summary, this.notice, this.thought);
        this.element.dataset.turnId = turnId;
        this.element.open = true;
        this.notice.hidden = true;
        this.thought.hidden = true;
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
        if (stats.thoughtCutByBudget) this.showNotice(`Cut short by the thinking budget after ${stats.thoughtTokens} tokens.`);
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
