/**
 * Workspace code under an answer: the "Sources" list (open a chunk, or drop it and answer again) and
 * the `path:N` / `path:N-M` references in the answer text, which become buttons when they name a
 * file the turn has as a source. Both only ever send the host the turn and the attachment's index:
 * the host opens the file its own copy of the turn names. Every string here is set as text.
 */
import type {Attachment} from "../../src/webview/protocol";
import {el, icon, iconButton} from "../shared/dom";

export interface Source {
    /** The attachment's place in its turn's list, as the host has it. */
    index: number;
    label: string;
    path: string;
    startLine: number;
    endLine: number;
}

/** The workspace chunks among a turn's attachments (those the host said it can open). */
export function sourcesOf(attachments: readonly Attachment[]): Source[] {
    const sources: Source[] = [];
    attachments.forEach((attachment, index) => {
        const {kind, label, path, startLine, endLine} = attachment;
        if (kind === "workspace" && path !== undefined && startLine !== undefined && endLine !== undefined) sources.push({index, label, path, startLine, endLine});
    });
    return sources;
}

export class SourceList {
    readonly element: HTMLElement;
    private readonly list = el("ul", {class: "source-list", attrs: {"aria-label": "Sources"}});
    private droppable = false;

    constructor() {
        this.element = el("div", {class: "sources"}, el("div", {class: "sources-title", attrs: {"aria-hidden": "true"}}, icon("references"), el("span", {text: "Sources"})), this.list);
        this.element.hidden = true;
    }

    update(sources: readonly Source[]): void {
        this.list.replaceChildren(...sources.map((source) => this.item(source)));
        this.element.hidden = sources.length === 0;
        this.setDroppable(this.droppable);
    }

    /** Only the last turn's chunks can be dropped (an earlier answer cannot be redone alone). */
    setDroppable(droppable: boolean): void {
        this.droppable = droppable;
        for (const button of this.list.querySelectorAll<HTMLElement>(".source-drop")) button.hidden = !droppable;
    }

    private item(source: Source): HTMLElement {
        const open = el(
            "button",
            {class: "source-open", attrs: {type: "button", "aria-label": `Open ${source.label}`, title: `Open ${source.label}`}},
            icon("file-code"),
            el("span", {class: "source-label", text: source.label})
        );
        open.dataset.index = String(source.index);
        const drop = iconButton("close", `Drop ${source.label} and answer again without it`, {class: "source-drop"});
        drop.dataset.index = String(source.index);
        return el("li", {class: "source"}, open, drop);
    }
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Turns `path:N` and `path:N-M` in the rendered answer into citation buttons, for paths that are
 * the turn's sources only. Code blocks are left alone (their text is what Copy and Apply take);
 * inline code is not, since models like to write references in backticks.
 */
export function linkCitations(root: DocumentFragment | Element, sources: readonly Source[]): void {
    if (sources.length === 0) return;
    const paths = [...new Set(sources.map((source) => source.path))].sort((a, b) => b.length - a.length);
    // Not in the middle of a longer path ("lib/src/a.ts" is not "src/a.ts"); "./" in front is fine.
    const pattern = new RegExp(`(?<![\\w/.\\\\-])(?:\\./)?(${paths.map(escapeRegExp).join("|")}):(\\d{1,8})(?:\\s?[-–]\\s?(\\d{1,8}))?(?!\\w)`, "g");
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts: Text[] = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.parentElement?.closest("pre, a, button")) texts.push(node as Text);
    }
    for (const text of texts) {
        const value = text.data;
        pattern.lastIndex = 0;
        let match: RegExpExecArray | null;
        let at = 0;
        const parts: (string | Node)[] = [];
        while ((match = pattern.exec(value)) !== null) {
            const button = citation(match, sources);
            if (!button) continue;
            parts.push(value.slice(at, match.index), button);
            at = match.index + match[0].length;
        }
        if (parts.length === 0) continue;
        parts.push(value.slice(at));
        text.replaceWith(...parts.filter((part) => part !== ""));
    }
}

function citation(match: RegExpExecArray, sources: readonly Source[]): HTMLButtonElement | undefined {
    const path = match[1] ?? "";
    const start = Number(match[2]);
    const end = match[3] === undefined ? start : Number(match[3]);
    if (start < 1 || end < start) return undefined;
    const ofFile = sources.filter((source) => source.path === path);
    // The chunk that holds the cited line, or else any chunk of that file: the host opens the file at the cited lines.
    const source = ofFile.find((candidate) => candidate.startLine <= start && start <= candidate.endLine) ?? ofFile[0];
    if (!source) return undefined;
    const lines = end === start ? `line ${start}` : `lines ${start} to ${end}`;
    const button = el("button", {class: "citation-link", text: match[0], attrs: {type: "button", "aria-label": `Open ${path} at ${lines}`, title: `Open ${path} at ${lines}`}});
    button.dataset.index = String(source.index);
    button.dataset.start = String(start);
    button.dataset.end = String(end);
    return button;
}

export interface SourceActions {
    open(turnId: string, index: number, lines?: {start: number; end: number}): void;
    drop(turnId: string, index: number): void;
}

/** One delegated listener for every source and citation button under `root` (answers re-render while streaming). */
export function onSourceAction(root: HTMLElement, actions: SourceActions): void {
    root.addEventListener("click", (event) => {
        if (!(event.target instanceof Element)) return;
        const button = event.target.closest<HTMLElement>("button.source-open, button.source-drop, button.citation-link");
        const turnId = button?.closest<HTMLElement>("[data-turn-id]")?.dataset.turnId;
        const index = Number(button?.dataset.index);
        if (!button || turnId === undefined || !Number.isInteger(index)) return;
        if (button.classList.contains("source-drop")) actions.drop(turnId, index);
        else if (button.classList.contains("citation-link")) actions.open(turnId, index, {start: Number(button.dataset.start), end: Number(button.dataset.end)});
        else actions.open(turnId, index);
    });
}
