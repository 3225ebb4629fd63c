/**
 * One question and its answer in the transcript: the user's text and attachments (as text), a
 * compact thinking indicator (the thought itself is in the trace view) that also shows what the turn
 * waits for (the workspace index), a one-line notice, the streamed answer with its citations, the
 * workspace code it was given ("Sources"), and a footer with the outcome.
 */
import type {AnswerStats, Attachment, StopReason, TranscriptTurn} from "../../src/webview/protocol";
import {countOf, formatDuration, thoughtSummary} from "../../src/webview/format";
import {el, icon} from "../shared/dom";
import {linkCitations, SourceList, sourcesOf, type Source} from "./sources";
import {StreamedMarkdown} from "./streamedMarkdown";

const attachmentIcons: Record<Attachment["kind"], string> = {selection: "selection", file: "file", editors: "files", workspace: "search"};

export class TurnView {
    readonly element: HTMLElement;
    private readonly answer: StreamedMarkdown;
    private readonly thinking: HTMLElement;
    private readonly thinkingIcon = icon("loading", true);
    private readonly thinkingText = el("span");
    private readonly assistant: HTMLElement;
    private readonly footer: HTMLElement;
    private readonly chips = el("ul", {class: "attachments", attrs: {"aria-label": "Attached context"}});
    private readonly notice = el("div", {class: "turn-notice", attrs: {role: "status"}});
    private readonly sourceList = new SourceList();
    private sources: Source[] = [];
    private waiting = false;
    private thoughtTokens = 0;
    /** From the first to the last thought token, once the turn has ended. */
    private thoughtMs: number | undefined;
    private answering = false;
    private finished = false;

    constructor(readonly turnId: string, userText: string, attachments: readonly Attachment[]) {
        const user = el("div", {class: "user-message"}, el("div", {class: "speaker", text: "You"}), el("div", {class: "user-text", text: userText}), this.chips);
        // Not a live region: a screen reader would read every token count. aria-busy marks the streaming.
        this.thinking = el("div", {class: "thinking"}, this.thinkingIcon, this.thinkingText);
        this.thinking.hidden = true;
        this.answer = new StreamedMarkdown(el("div", {class: "answer markdown-body"}), (fragment) => linkCitations(fragment, this.sources));
        this.footer = el("div", {class: "turn-footer"});
        this.footer.hidden = true;
        this.notice.hidden = true;
        this.assistant = el(
            "div",
            {class: "assistant-message", attrs: {"aria-busy": "true"}},
            el("div", {class: "speaker", text: "Enclave"}),
            this.thinking,
            this.notice,
            this.answer.element,
            this.sourceList.element,
            this.footer
        );
        this.element = el("article", {class: "turn", attrs: {"aria-label": "Question and answer"}}, user, this.assistant);
        this.element.dataset.turnId = turnId;
        this.setAttachments(attachments);
    }

    /** A turn from a saved transcript; one with neither an outcome nor an error is still streaming. */
    static fromTranscript(turn: TranscriptTurn): TurnView {
        const view = new TurnView(turn.turnId, turn.userText, turn.attachments);
        if (turn.notice !== undefined) view.showNotice(turn.notice);
        view.answer.set(turn.answer);
        view.answering = turn.answer !== "";
        if (turn.error !== undefined) view.fail(turn.error);
        else if (turn.stopReason !== undefined) view.end(turn.stopReason, turn.stats);
        return view;
    }

    get isFinished(): boolean {
        return this.finished;
    }

    get answerText(): string {
        return this.answer.value;
    }

    /**
     * The user's attachments as chips; workspace code as the Sources list under the answer, whose
     * paths the answer's citations may name. Arrives again once the workspace was searched.
     */
    setAttachments(attachments: readonly Attachment[]): void {
        const own = attachments.filter((attachment) => attachment.kind !== "workspace");
        this.chips.replaceChildren(
            ...own.map((attachment) => el("li", {class: "attachment-chip", attrs: {title: attachment.label}}, icon(attachmentIcons[attachment.kind]), el("span", {text: attachment.label})))
        );
        this.chips.hidden = own.length === 0;
        this.sources = sourcesOf(attachments);
        this.sourceList.update(this.sources);
        this.answer.refresh();
        this.stopWaiting();
    }

    /** Whether this is the conversation's last turn: only its sources can be dropped. */
    setLast(last: boolean): void {
        this.sourceList.setDroppable(last);
    }

    /** What the turn waits for before the model starts (the workspace index). */
    showProgress(text: string): void {
        if (this.finished || this.answering || this.thoughtTokens > 0) return;
        this.waiting = true;
        this.thinkingText.textContent = text;
        this.thinkingIcon.className = "codicon codicon-loading codicon-modifier-spin";
        this.thinking.classList.add("live");
        this.thinking.hidden = false;
    }

    showNotice(text: string): void {
        this.notice.replaceChildren(icon("info"), el("span", {text}));
        this.notice.hidden = false;
        this.stopWaiting();
    }

    appendThought(thoughtTokens: number): void {
        if (this.finished) return;
        this.thoughtTokens = thoughtTokens;
        if (!this.answering) this.showThinking(true);
    }

    appendAnswer(text: string): void {
        if (this.finished) return;
        if (!this.answering && text.trim() !== "") {
            this.answering = true;
            if (this.thoughtTokens > 0) this.showThinking(false);
            else this.stopWaiting();
        }
        this.answer.append(text);
    }

    end(stopReason: StopReason, stats: AnswerStats | undefined): void {
        this.finish();
        if (stats) {
            this.thoughtTokens = stats.thoughtTokens;
            this.thoughtMs = stats.thoughtMs;
        }
        if (this.thoughtTokens > 0) this.showThinking(false, stats?.thoughtCutByBudget ?? false);
        else this.thinking.hidden = true;
        const parts: string[] = [];
        if (stats) parts.push(countOf(stats.answerTokens, "answer token"), formatDuration(stats.elapsedMs));
        const note = stopNotes[stopReason];
        this.footer.replaceChildren(...(note ? [el("span", {class: "stop-note"}, icon(note.icon), el("span", {text: note.text}))] : []), el("span", {text: parts.join(" · ")}));
        this.footer.hidden = false;
        if (stopReason !== "abort" && this.answer.value.trim() === "") {
            this.answer.element.replaceChildren(el("p", {class: "empty-answer", text: "The model gave no answer."}));
        }
    }

    fail(message: string): void {
        this.finish();
        if (this.thoughtTokens > 0) this.showThinking(false);
        else this.thinking.hidden = true;
        this.footer.replaceChildren(el("div", {class: "turn-error", attrs: {role: "alert"}}, icon("error"), el("span", {text: message})));
        this.footer.hidden = false;
    }

    private stopWaiting(): void {
        if (!this.waiting) return;
        this.waiting = false;
        if (this.thoughtTokens === 0) this.thinking.hidden = true;
    }

    private finish(): void {
        this.answer.flush();
        this.finished = true;
        this.assistant.removeAttribute("aria-busy");
    }

    // Updates text and icon in place: rebuilding the spinner on every token would restart its animation.
    private showThinking(live: boolean, cutByBudget = false): void {
        this.waiting = false;
        this.thinkingText.textContent = live
            ? `Thinking… (${countOf(this.thoughtTokens, "token")})`
            : `${thoughtSummary(this.thoughtMs, this.thoughtTokens)}${cutByBudget ? ", cut short by the thinking budget" : ""}`;
        this.thinkingIcon.className = live ? "codicon codicon-loading codicon-modifier-spin" : "codicon codicon-lightbulb";
        this.thinking.classList.toggle("live", live);
        this.thinking.hidden = false;
    }
}

const stopNotes: Partial<Record<StopReason, {icon: string; text: string}>> = {
    abort: {icon: "debug-stop", text: "Stopped"},
    maxTokens: {icon: "warning", text: "Stopped at the answer length limit"},
    timeCap: {icon: "warning", text: "Stopped at the time limit"}
};
