/**
 * How much of the model's context the conversation uses (workspace code included), and — never
 * silently — how many of the oldest turns and of the least relevant workspace chunks were left out
 * of the prompt to make it fit.
 */
import type {ModelSummary} from "../../src/webview/protocol";
import {formatCount} from "../../src/webview/format";
import {el} from "../shared/dom";

const stateWords: Record<ModelSummary["state"], string> = {notLoaded: "loads on first use", loading: "loading…", ready: "", error: "failed to load"};

export class UsageMeter {
    readonly element: HTMLElement;
    readonly notice = el("div", {class: "trim-notice", attrs: {role: "status"}});
    private readonly label = el("span", {class: "usage-label"});
    private readonly bar = el("div", {class: "usage-fill"});
    private readonly model = el("span", {class: "model-label"});

    constructor() {
        const track = el("div", {class: "usage-bar", attrs: {"aria-hidden": "true"}}, this.bar);
        this.element = el("div", {class: "usage"}, this.model, el("span", {class: "spacer"}), this.label, track);
        this.notice.hidden = true;
        this.setUsage(0, 0, 0);
    }

    setModel(model: ModelSummary | null, thinkingBudget: string): void {
        this.model.textContent = model ? [model.name, stateWords[model.state], thinkingBudget].filter((part) => part !== "").join(" · ") : "No model set up";
        this.model.title = this.model.textContent;
    }

    setUsage(used: number, contextSize: number, trimmedTurns: number, workspace: {tokens: number; leftOut: number} = {tokens: 0, leftOut: 0}): void {
        const fraction = contextSize > 0 ? Math.min(1, used / contextSize) : 0;
        this.label.textContent = contextSize > 0 ? `${formatCount(used)} / ${formatCount(contextSize)} tokens` : `${formatCount(used)} tokens`;
        this.label.title = `${used.toLocaleString()} of ${contextSize.toLocaleString()} context tokens used${workspace.tokens > 0 ? `, ${workspace.tokens.toLocaleString()} of them workspace code` : ""}`;
        this.label.setAttribute("aria-label", this.label.title);
        // The width goes through the CSSOM, which the CSP allows (inline style attributes it does not).
        this.bar.style.width = `${(fraction * 100).toFixed(1)}%`;
        this.bar.classList.toggle("high", fraction >= 0.85);
        const notes = [
            trimmedTurns > 0 && `${trimmedTurns} older ${trimmedTurns === 1 ? "turn was" : "turns were"} left out so the conversation fits the model's context.`,
            workspace.leftOut > 0 && `${workspace.leftOut} less relevant workspace ${workspace.leftOut === 1 ? "chunk was" : "chunks were"} left out so the code fits the model's context.`
        ].filter((note) => note !== false);
        this.notice.hidden = notes.length === 0;
        this.notice.textContent = notes.join(" ");
    }
}
