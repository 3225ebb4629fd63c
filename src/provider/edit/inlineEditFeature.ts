import * as vscode from "vscode";
import {linedText} from "../../edit/fragmentText";
import {InlineEditSession, type RewriteEnginePort} from "../../edit/inlineEditSession";
import {RecentInstructions} from "../../edit/recentInstructions";
import {chooseRewriteTarget, type SymbolLines} from "../../edit/rewriteRange";
import {Disposable} from "../../engine/lifecycle";
import type {TraceBook} from "../../webview/traceBook";
import {targetName} from "../chat/codeProposals";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";
import {readChatSettings} from "../settings";
import {EditLenses, lensCommands, type EditPhase} from "./editLenses";
import {TraceTurn} from "../traceTurn";
import {DiffDecorations, InlineDiff, type DecoratedLines, type DiffInterrupted} from "./inlineDiff";
import {askInstruction} from "./instructionInput";

const recentKey = "enclave.inlineEdit.recentInstructions";

/** How a command of the feature ended (the commands resolve with it; tests wait for it). */
export type EditOutcome = "review" | "kept" | "undone" | "stopped" | "interrupted" | "empty" | "failed" | "cancelled" | "refused";

/** What the tests read: the rewrite on screen, its decorations and buttons. */
export interface InlineEditState {
    readonly phase: EditPhase;
    readonly uri: string;
    readonly removed: {readonly start: number; readonly end: number};
    readonly added: {readonly start: number; readonly end: number} | undefined;
    readonly decorations: DecoratedLines;
    readonly lenses: readonly string[];
    readonly instructions: readonly string[];
    /** Each document edit of the proposal so far, in ms. */
    readonly editTimes: readonly number[];
}

interface Active {
    readonly session: InlineEditSession;
    readonly diff: InlineDiff;
    readonly name: string;
    phase: EditPhase;
    controller: AbortController | undefined;
}

/**
 * "Edit with Enclave" (Ctrl+I / Cmd+I, the editor's context menu): the instruction in a small
 * input with the recent ones, then the rewrite of the selection — or the enclosing function or
 * block, or the paragraph — streaming into the editor as an inline diff (InlineDiff), its reasoning
 * into the Reasoning panel, with Stop, then Keep / Undo / Follow-up as CodeLenses at the rewrite.
 * One rewrite at a time, in any editor.
 */
export class InlineEditFeature extends Disposable {
    private readonly looks = this.register(new DiffDecorations());
    private readonly lenses = this.register(new EditLenses());
    private readonly recent: RecentInstructions;
    private active: Active | undefined;
    /** The last message the feature showed (tests read what the user was told). */
    lastNotice: string | undefined;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly engine: RewriteEnginePort,
        private readonly trace: TraceBook,
        private readonly log: Log,
        private readonly errors: ErrorReporter
    ) {
        super();
        this.recent = new RecentInstructions(context.globalState.get<unknown>(recentKey));
        // Each command takes an optional {instruction} (keybindings and tests pass one; the UI asks otherwise).
        this.register(vscode.commands.registerCommand("enclave.inlineEdit", (options?: unknown) => this.edit(instructionOf(options))));
        this.register(vscode.commands.registerCommand("enclave.inlineEdit.followUp", (options?: unknown) => this.followUp(instructionOf(options))));
        this.register(vscode.commands.registerCommand("enclave.inlineEdit.keep", () => this.finish("kept")));
        this.register(vscode.commands.registerCommand("enclave.inlineEdit.undo", () => this.finish("undone")));
        this.register(vscode.commands.registerCommand("enclave.inlineEdit.stop", () => this.active?.controller?.abort()));
        this.register({dispose: () => this.end()});
    }

    get recentInstructions(): readonly string[] {
        return this.recent.list;
    }

    state(): InlineEditState | undefined {
        const active = this.active;
        if (!active) return undefined;
        const {removed, added} = active.diff.lines;
        return {
            phase: active.phase,
            uri: active.diff.document.uri.toString(),
            removed,
            added,
            decorations: active.diff.decorations,
            lenses: lensCommands(active.phase).map((command) => command.title),
            instructions: active.session.instructions,
            editTimes: [...active.diff.editTimes]
        };
    }

    private async edit(given: string | undefined): Promise<EditOutcome> {
        const editor = vscode.window.activeTextEditor;
        if (!editor) return this.refuse("open a file and put the cursor in the code to edit first.");
        if (this.active) return this.refuse(`${this.active.name} has a rewrite waiting: Keep or Undo it first.`);
        const instruction = given ?? (await askInstruction({title: "Edit with Enclave", placeholder: "What should change? (e.g. add error handling)", recent: this.recent.list}));
        if (instruction === undefined) return "cancelled";
        if (this.active) return this.refuse(`${(this.active as Active).name} has a rewrite waiting: Keep or Undo it first.`);
        this.remember(instruction);

        const document = editor.document;
        const symbols = await documentSymbols(document);
        const text = document.getText();
        const selection = editor.selection.isEmpty ? undefined : {start: document.offsetAt(editor.selection.start), end: document.offsetAt(editor.selection.end)};
        const target = chooseRewriteTarget({text, cursor: document.offsetAt(editor.selection.active), symbols, ...(selection ? {selection} : {})});
        const file = linedText(text);
        const {start, end} = target.lines;
        const name = targetName(document);
        const session = new InlineEditSession({fileName: name, language: document.languageId, file, range: target.lines}, this.engine, readChatSettings);
        const diff = new InlineDiff(this.looks, document, start, file.lines.slice(start, end + 1).join(file.eol));
        // A selection would grow over the lines inserted below it and hide the diff's colours.
        editor.selection = new vscode.Selection(start, 0, start, 0);
        const active: Active = {session, diff, name, phase: "streaming", controller: undefined};
        this.active = active;
        diff.onInterrupted((what) => this.interrupted(active, what));
        this.log.write("info", `Edit with Enclave: ${name}, lines ${start + 1}–${end + 1} (${target.how}${target.name ? ` ${target.name}` : ""}).`);
        return this.round(active, instruction);
    }

    private async followUp(given: string | undefined): Promise<EditOutcome> {
        const active = this.active;
        if (!active || active.phase !== "review") return this.refuse("there is no rewrite to follow up on.");
        const instruction = given ?? (await askInstruction({title: "Follow-up on Enclave's rewrite", placeholder: "How should the rewrite change? (e.g. make it shorter)", recent: this.recent.list}));
        if (instruction === undefined || this.active !== active || active.phase !== "review") return "cancelled";
        this.remember(instruction);
        return this.round(active, instruction);
    }

    private async round(active: Active, instruction: string): Promise<EditOutcome> {
        const controller = new AbortController();
        active.controller = controller;
        this.setPhase(active, "streaming");
        const trace = new TraceTurn(this.trace, "edit", `${active.name}: ${instruction}`);
        const shown = (lines: readonly string[]): void => void active.diff.show(lines);
        try {
            const outcome = await active.session.round(instruction, controller.signal, {lines: (snapshot) => shown(snapshot.lines), thought: (text, tokens) => trace.thought(text, tokens)});
            trace.end(outcome.kind !== "stopped" && outcome.result?.thoughtCutByBudget === true);
            if (this.active !== active) return "interrupted";
            if (outcome.kind === "done") {
                await active.diff.show(outcome.lines);
                this.setPhase(active, "review");
                return "review";
            }
            if (outcome.kind === "empty") this.notify("warning", "the answer had no code, so nothing changed. Try another instruction.");
            return (await this.backOff(active)) ?? (outcome.kind === "empty" ? "empty" : "stopped");
        } catch (error) {
            trace.end();
            if (this.active !== active) return "interrupted";
            this.errors.report(error, "Edit with Enclave");
            return (await this.backOff(active)) ?? "failed";
        } finally {
            active.controller = undefined;
        }
    }

    /** After a round without a rewrite: the previous round's rewrite, or (none) the original and the end. */
    private async backOff(active: Active): Promise<EditOutcome | undefined> {
        const previous = active.session.proposal;
        if (previous) {
            await active.diff.show(previous);
            this.setPhase(active, "review");
            return undefined;
        }
        await active.diff.undo();
        this.end();
        return undefined;
    }

    private async finish(how: "kept" | "undone"): Promise<EditOutcome> {
        const active = this.active;
        if (!active) return this.refuse("there is no rewrite to keep or undo.");
        if (active.phase === "streaming") return this.refuse("the rewrite is still streaming: stop it first (Esc).");
        const done = how === "kept" ? await active.diff.keep() : await active.diff.undo();
        this.end();
        if (!done) {
            this.notify("warning", `VS Code did not apply the change to ${active.name}.`);
            return "failed";
        }
        return how;
    }

    private interrupted(active: Active, what: DiffInterrupted): void {
        if (this.active !== active) return;
        active.controller?.abort();
        this.end();
        const why = what.reason === "closed" ? "was closed" : what.reason === "failed" ? "could not be edited" : "was edited during the rewrite";
        const result = what.restored ? "the rewrite was cancelled and the original text is back" : "the rewrite was cancelled; the text is as the edit left it (Undo with Ctrl+Z)";
        this.notify("warning", `${active.name} ${why}, so ${result}.`);
        this.log.write("info", `Edit with Enclave: ${active.name} ${why}; cancelled.`);
    }

    private setPhase(active: Active, phase: EditPhase): void {
        active.phase = phase;
        this.lenses.set({document: active.diff.document, line: active.diff.lines.removed.start, phase});
    }

    private end(): void {
        const active = this.active;
        if (!active) return;
        this.active = undefined;
        active.controller?.abort();
        active.diff.dispose();
        if (!this.isDisposed) this.lenses.set(undefined);
    }

    private remember(instruction: string): void {
        this.recent.add(instruction);
        void this.context.globalState.update(recentKey, this.recent.list);
    }

    private refuse(message: string): EditOutcome {
        this.notify("information", message);
        return "refused";
    }

    private notify(kind: "warning" | "information", message: string): void {
        this.lastNotice = `Enclave: ${message}`;
        void (kind === "warning" ? vscode.window.showWarningMessage(this.lastNotice) : vscode.window.showInformationMessage(this.lastNotice));
    }
}

function instructionOf(options: unknown): string | undefined {
    if (typeof options !== "object" || options === null || !("instruction" in options)) return undefined;
    const {instruction} = options;
    return typeof instruction === "string" && instruction.trim() !== "" ? instruction : undefined;
}

/** The document's outline as plain data (an empty list when no symbol provider answers). */
async function documentSymbols(document: vscode.TextDocument): Promise<SymbolLines[]> {
    try {
        const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[] | undefined>("vscode.executeDocumentSymbolProvider", document.uri);
        return (symbols ?? []).map(toSymbolLines);
    } catch {
        return [];
    }
}

function toSymbolLines(symbol: vscode.DocumentSymbol | vscode.SymbolInformation): SymbolLines {
    const range = "range" in symbol ? symbol.range : symbol.location.range;
    const children = "children" in symbol ? symbol.children.map(toSymbolLines) : [];
    return {name: symbol.name, kind: (vscode.SymbolKind[symbol.kind] ?? "").toLowerCase(), startLine: range.start.line, endLine: range.end.line, children};
}
