/**
 * The simulated user of the completion benchmark. It types the edit plan (script.ts) into the
 * SimulatedEditor and drives the CompletionSession the way VS Code drives the provider: every
 * keystroke makes a new snapshot, tells the session (`documentChanged`), cancels the previous
 * keystroke's request and asks for a suggestion. On top of the plan, seeded: a typing rhythm,
 * typos fixed with backspace, pauses (where suggestions can arrive), and typing through a shown
 * suggestion's first characters, then deleting them. It also plays the extension's ContextFeeder:
 * a far cursor jump adds a chunk of this file to the ring, never a keystroke.
 */
import {setTimeout as sleep} from "node:timers/promises";
import type {CompletionSession} from "../../src/completion/completionSession";
import type {ContextRing} from "../../src/completion/contextRing";
import type {DocumentSnapshot, Suggestion} from "../../src/completion/types";
import type {SimulatedEditor} from "./editor";
import type {Rng} from "./random";
import {backspaceMark, editPlan} from "./script";

/** Typing rhythm (ms) and habits of the simulated user. */
const keyGap = {min: 60, max: 120};
const backspaceGap = {min: 45, max: 90};
const pause = {min: 400, max: 1500};
/** Some pauses are longer: the user stops to think or to read the suggestion (uncensors slow suggestions). */
const longPause = {min: 2500, max: 6000};
const longPauseShare = 0.25;
const pauseBeforeLineBreak = 0.45;
const pauseAfterPunctuation = 0.15;
const typoRate = 0.03;
const typeThroughRate = 0.8;
/** The extension's ContextFeeder takes a chunk of the active file when the cursor moves this far. */
const feederFarMoveLines = 64;

export type KeyKind = "char" | "newline" | "backspace" | "typo" | "typeThrough";
export type Outcome = "model" | "cache" | "typedThrough" | "none" | "error";

export interface KeystrokeRecord {
    index: number;
    kind: KeyKind;
    version: number;
    offset: number;
    atMs: number;
    /** The user was typing through a suggestion on screen at this keystroke. */
    typingThrough: boolean;
    outcome?: Outcome;
    /** From the keystroke to the end of its `suggest` call, whatever the outcome. */
    latencyMs?: number;
    /** A suggestion arrived after the document or cursor had moved on. */
    stale?: boolean;
    /** The document and cursor were still this keystroke's when its `suggest` call ended. */
    currentAtSettle?: boolean;
    suggestionChars?: number;
    error?: string;
}

export interface Shown {
    doc: DocumentSnapshot;
    text: string;
}

/**
 * Whether `doc` is `shown.doc` with a start of the shown suggestion typed at its cursor, with
 * something left to show: the user is typing through the suggestion on screen. Written here,
 * independently of the session's own typed-through logic, so that it can check that logic.
 */
export function isTypingThrough(shown: Shown, doc: DocumentSnapshot): boolean {
    const before = shown.doc;
    const typed = doc.offset - before.offset;
    if (doc.uri !== before.uri || typed <= 0 || doc.text.length - before.text.length !== typed) return false;
    if (doc.text.slice(0, before.offset) !== before.text.slice(0, before.offset)) return false;
    if (doc.text.slice(doc.offset) !== before.text.slice(before.offset)) return false;
    const text = doc.text.slice(before.offset, doc.offset);
    return shown.text.startsWith(text) && shown.text.slice(text.length).trim() !== "";
}

/** The simulated user: drives the editor and the session the way VS Code would. */
export class TypingDriver {
    readonly keystrokes: KeystrokeRecord[] = [];
    staleSuggestionsShown = 0;
    truncated = false;
    /** Pauses in typing, and those at whose end a suggestion for the current text was on screen. */
    pauses = 0;
    pausesWithSuggestion = 0;
    private shown: Shown | undefined;
    private controller: AbortController | undefined;
    private last: Promise<void> = Promise.resolve();
    /** The line the feeder last took a chunk around. */
    private lastPickLine = 0;
    private readonly editor: SimulatedEditor;
    private readonly session: CompletionSession;
    private readonly ring: ContextRing;
    private readonly rng: Rng;
    /** On the benchmark's clock: typing stops here (the run stays bounded on a slow machine). */
    private readonly deadline: number;
    private readonly clock: () => number;
    private readonly log: (message: string) => void;

    constructor(init: {editor: SimulatedEditor; session: CompletionSession; ring: ContextRing; rng: Rng; deadline: number; clock: () => number; log: (message: string) => void}) {
        this.editor = init.editor;
        this.session = init.session;
        this.ring = init.ring;
        this.rng = init.rng;
        this.deadline = init.deadline;
        this.clock = init.clock;
        this.log = init.log;
        // Opening the file: the feeder takes a chunk around the cursor (the file's start).
        this.ring.addAround({...this.editor.snapshot(), offset: 0});
    }

    /** For the backend: is the user typing through a suggestion on screen right now? */
    typingThroughNow(): boolean {
        return this.shown !== undefined && isTypingThrough(this.shown, this.editor.snapshot());
    }

    get version(): number {
        return this.editor.snapshot().version;
    }

    async run(): Promise<void> {
        for (const step of editPlan) {
            if (this.overBudget()) break;
            if (step.kind === "jump") {
                this.jump(this.editor.find(step.to));
                await sleep(step.readMs);
            } else await this.typeText(step.text);
        }
        // The last request: give it time to finish (bounded), as a user who stops typing would.
        await Promise.race([this.last, sleep(30_000)]);
        this.controller?.abort(new Error("benchmark over"));
    }

    private overBudget(): boolean {
        if (this.clock() > this.deadline) this.truncated = true;
        return this.truncated;
    }

    private jump(offset: number): void {
        this.controller?.abort(new Error("cursor moved"));
        this.editor.moveTo(offset);
        this.shown = undefined;
        const doc = this.editor.snapshot();
        this.session.documentChanged(doc);
        // As ContextFeeder: a far move takes a chunk around the new position (not per keystroke).
        const line = this.editor.lineAt(offset);
        if (Math.abs(line - this.lastPickLine) > feederFarMoveLines) {
            this.ring.addAround(doc);
            this.lastPickLine = line;
        }
        this.log(`jump to line ${line + 1} (t=${(this.clock() / 1000).toFixed(1)} s)`);
    }

    private async typeText(text: string): Promise<void> {
        const chars = Array.from(text);
        for (let i = 0; i < chars.length; i++) {
            if (this.overBudget()) return;
            const char = chars[i] as string;
            if (char === backspaceMark) {
                this.key("backspace", () => this.editor.backspace());
                await this.gap(backspaceGap);
                continue;
            }
            if (char === "\n") {
                // The end of a line is where people stop to look at a suggestion.
                if (this.rng.chance(pauseBeforeLineBreak)) await this.pause();
                let indent = "";
                while (chars[i + 1] === " ") {
                    indent += " ";
                    i++;
                }
                this.key("newline", () => this.editor.type(`\n${indent}`));
                await this.gap(keyGap);
                continue;
            }
            if (/[a-z]/i.test(char) && this.rng.chance(typoRate)) {
                const wrong = String.fromCharCode(97 + ((char.toLowerCase().charCodeAt(0) - 97 + this.rng.int(1, 25)) % 26));
                this.key("typo", () => this.editor.type(wrong));
                await sleep(this.rng.int(150, 300));
                this.key("backspace", () => this.editor.backspace());
                await this.gap(keyGap);
            }
            this.key("char", () => this.editor.type(char));
            if ("({.=,".includes(char) && this.rng.chance(pauseAfterPunctuation)) await this.pause();
            else await this.gap(keyGap);
        }
        // Done with this piece of code: a look at what is suggested before moving on.
        await this.pause();
    }

    private async gap(range: {min: number; max: number}): Promise<void> {
        await sleep(this.rng.int(range.min, range.max));
    }

    /** A pause in which a suggestion can arrive; a shown one is often typed through in part. */
    private async pause(): Promise<void> {
        this.pauses++;
        const range = this.rng.chance(longPauseShare) ? longPause : pause;
        await sleep(this.rng.int(range.min, range.max));
        const shown = this.shown;
        const doc = this.editor.snapshot();
        if (!shown || shown.doc.version !== doc.version || shown.doc.offset !== doc.offset) return;
        this.pausesWithSuggestion++;
        if (this.rng.chance(typeThroughRate)) await this.typeThrough(shown.text);
    }

    /** Types the first characters of the suggestion on screen, exactly, reads on, then deletes them (not what was wanted). */
    private async typeThrough(suggestion: string): Promise<void> {
        const chars = Array.from(suggestion);
        // Leave at least one non-blank character to show, so that every keystroke here is typing through.
        let lastVisible = chars.length - 1;
        while (lastVisible >= 0 && (chars[lastVisible] as string).trim() === "") lastVisible--;
        const count = Math.min(this.rng.int(2, 5), lastVisible);
        if (count < 1) return;
        for (const char of chars.slice(0, count)) {
            this.key("typeThrough", () => this.editor.type(char));
            await this.gap(keyGap);
        }
        await sleep(this.rng.int(300, 700));
        for (let i = 0; i < count; i++) {
            this.key("backspace", () => this.editor.backspace());
            await this.gap(backspaceGap);
        }
    }

    /** One keystroke: edit, tell the session, cancel the previous request, ask for a suggestion. */
    private key(kind: KeyKind, edit: () => void): void {
        this.controller?.abort(new Error("next keystroke"));
        edit();
        const doc = this.editor.snapshot();
        if (this.shown && !isTypingThrough(this.shown, doc)) this.shown = undefined;
        const record: KeystrokeRecord = {index: this.keystrokes.length, kind, version: doc.version, offset: doc.offset, atMs: this.clock(), typingThrough: this.shown !== undefined};
        this.keystrokes.push(record);
        this.session.documentChanged(doc);
        const controller = new AbortController();
        this.controller = controller;
        const started = this.clock();
        this.last = this.session.suggest(doc, controller.signal).then(
            (suggestion) => this.settle(record, doc, suggestion, started),
            (error: unknown) => {
                record.latencyMs = this.clock() - started;
                record.outcome = "error";
                record.error = error instanceof Error ? error.message : String(error);
            }
        );
    }

    private settle(record: KeystrokeRecord, doc: DocumentSnapshot, suggestion: Suggestion | undefined, started: number): void {
        record.latencyMs = this.clock() - started;
        const now = this.editor.snapshot();
        const current = now.uri === doc.uri && now.version === doc.version && now.offset === doc.offset;
        record.currentAtSettle = current;
        if (!suggestion) {
            record.outcome = "none";
            return;
        }
        record.suggestionChars = suggestion.text.length;
        if (!current) {
            // VS Code would drop it too (the token is cancelled), but the session must never return one.
            record.stale = true;
            this.staleSuggestionsShown++;
            return;
        }
        record.outcome = suggestion.typedThrough ? "typedThrough" : suggestion.fromCache ? "cache" : "model";
        this.shown = {doc, text: suggestion.text};
    }
}
