import * as vscode from "vscode";
import {applyEdit, diffLines, nextEdit, type DiffLines, type ProposalEdit} from "../../edit/inlineDiff";
import {Disposable, Emitter} from "../../engine/lifecycle";

/** Why the diff can no longer be shown: the user changed the document, it was closed, or an edit failed. */
export interface DiffInterrupted {
    readonly reason: "edited" | "closed" | "failed";
    /** The original text is back (false: the user's edit overlapped the diff, which was left as it is). */
    readonly restored: boolean;
}

/**
 * The two looks of the inline diff; made once by the feature, shared by its diffs. They are the diff
 * editor's own theme colours: high-contrast themes give the line backgrounds no colour and mark
 * changes with a border colour instead, which is transparent in the other themes — hence both.
 */
export class DiffDecorations extends Disposable {
    readonly removed = this.register(
        vscode.window.createTextEditorDecorationType({
            isWholeLine: true,
            backgroundColor: new vscode.ThemeColor("diffEditor.removedLineBackground"),
            ...outline("diffEditor.removedTextBorder"),
            textDecoration: "line-through",
            overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.deletedForeground"),
            overviewRulerLane: vscode.OverviewRulerLane.Left
        })
    );
    readonly added = this.register(
        vscode.window.createTextEditorDecorationType({
            isWholeLine: true,
            backgroundColor: new vscode.ThemeColor("diffEditor.insertedLineBackground"),
            ...outline("diffEditor.insertedTextBorder"),
            overviewRulerColor: new vscode.ThemeColor("editorOverviewRuler.addedForeground"),
            overviewRulerLane: vscode.OverviewRulerLane.Left
        })
    );
}

/** A thin outline in the theme colour `id` (an outline, unlike a border, takes no room from the line). */
function outline(id: string): vscode.DecorationRenderOptions {
    return {outlineColor: new vscode.ThemeColor(id), outlineStyle: "solid", outlineWidth: "1px"};
}

/** The decorations a diff has set on its editor now (what the user sees marked), for tests. */
export interface DecoratedLines {
    readonly removed: readonly vscode.Range[];
    readonly added: readonly vscode.Range[];
}

/**
 * A rewrite shown in its editor as an inline diff: the target's original lines stay, marked as
 * removed, and the proposed lines go right below them, marked as added, as they arrive; nothing
 * else in the document changes. The proposal's edits are coalesced (a chunk that arrives while an
 * edit is applied waits for it, and only the latest proposal is applied) and share one undo group.
 *
 * Keep puts the original back and then writes the rewrite as one edit of its own, so a single undo
 * after Keep returns to the original whatever saves split the streaming edits; Undo puts the
 * original text back, exactly. Any change to the document that is not ours (typing, undo, another
 * extension), or the document closing, interrupts the diff: the original is restored when the change
 * lies outside the diff, and `onInterrupted` says what happened.
 */
export class InlineDiff extends Disposable {
    private shown: readonly string[] = [];
    private wanted: readonly string[] = [];
    private pumping: Promise<void> | undefined;
    private ownEdits = 0;
    private editedElsewhere = false;
    private firstEdit = true;
    private ended = false;
    private readonly interrupted = this.register(new Emitter<DiffInterrupted>());
    readonly onInterrupted = this.interrupted.event;
    /** Milliseconds each document edit of the proposal took (for the log and tests). */
    readonly editTimes: number[] = [];

    private decorated: DecoratedLines = {removed: [], added: []};

    constructor(
        private readonly looks: DiffDecorations,
        readonly document: vscode.TextDocument,
        /** The target's first line and its original text (line endings included, none after the last line). */
        private start: number,
        private readonly original: string
    ) {
        super();
        this.register(vscode.workspace.onDidChangeTextDocument((event) => this.changed(event)));
        // An editor that shows the document again (back to its tab, a split) gets the marks too.
        this.register(vscode.window.onDidChangeVisibleTextEditors(() => this.setDecorations(this.decorated)));
        this.register(vscode.workspace.onDidCloseTextDocument((document) => document === this.document && this.interrupt({reason: "closed", restored: false})));
        this.register({dispose: () => this.clearDecorations()});
        this.decorate();
    }

    get decorations(): DecoratedLines {
        return this.decorated;
    }

    private get originalCount(): number {
        return this.original.split(/\r?\n/).length;
    }

    private get eol(): string {
        return this.document.eol === vscode.EndOfLine.CRLF ? "\r\n" : "\n";
    }

    /** Where the removed and the added lines are now. */
    get lines(): DiffLines {
        return diffLines(this.start, this.originalCount, this.shown.length);
    }

    get proposal(): readonly string[] {
        return this.shown;
    }

    /** Shows `lines` as the proposal (replacing the one shown); resolves once the document shows them. */
    show(lines: readonly string[]): Promise<void> {
        if (this.ended) return Promise.resolve();
        this.wanted = lines;
        this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
        return this.pumping;
    }

    /** The rewrite becomes the text: one undoable edit. */
    async keep(): Promise<boolean> {
        await this.settle();
        const proposal = this.shown;
        if (!(await this.restore(false))) return false;
        const range = this.originalRange();
        return this.ownEdit(range, proposal.join(this.eol), {undoStopBefore: true, undoStopAfter: true});
    }

    /** The original text, exactly, and no diff. */
    async undo(): Promise<boolean> {
        await this.settle();
        return this.restore(true);
    }

    private async settle(): Promise<void> {
        this.ended = true;
        while (this.pumping) await this.pumping;
        this.clearDecorations();
    }

    private async pump(): Promise<void> {
        for (;;) {
            const edit = nextEdit(this.shown, this.wanted);
            if (!edit || this.isDisposed) return;
            const started = performance.now();
            if (!(await this.applyProposalEdit(edit))) {
                // Refused because someone else's edit got in first: the change handler reports that.
                if (this.editedElsewhere) return;
                return this.interrupt({reason: "failed", restored: await this.restore(true)});
            }
            this.editTimes.push(performance.now() - started);
            this.shown = applyEdit(this.shown, edit);
            this.decorate();
        }
    }

    private applyProposalEdit(edit: ProposalEdit): Thenable<boolean> {
        const base = this.start + this.originalCount;
        const document = this.document;
        const from = document.lineAt(base + edit.start - 1).range.end;
        const to = document.lineAt(base + edit.start + edit.removed - 1).range.end;
        const text = edit.inserted.map((line) => this.eol + line).join("");
        const undoStopBefore = this.firstEdit;
        this.firstEdit = false;
        return this.ownEdit(new vscode.Range(from, to), text, {undoStopBefore, undoStopAfter: false});
    }

    /** Removes the proposal's lines and puts the original text back over the target. */
    private async restore(closeUndoGroup: boolean): Promise<boolean> {
        this.clearDecorations();
        const document = this.document;
        const last = this.start + this.originalCount - 1 + this.shown.length;
        if (document.isClosed || last >= document.lineCount) return false;
        const range = new vscode.Range(this.start, 0, last, document.lineAt(last).range.end.character);
        if (document.getText(range) === this.original && this.shown.length === 0) return true;
        const restored = await this.ownEdit(range, this.original, {undoStopBefore: this.firstEdit, undoStopAfter: closeUndoGroup});
        if (restored) this.shown = [];
        return restored;
    }

    private originalRange(): vscode.Range {
        const last = this.start + this.originalCount - 1;
        return new vscode.Range(this.start, 0, last, this.document.lineAt(last).range.end.character);
    }

    /**
     * Replaces `range` with `text`: through the document's visible editor, so that the rewrite's
     * edits share an undo group; through a workspace edit while no editor shows the document (the
     * user switched tabs). Keep's own edit stays one undo step either way.
     */
    private async ownEdit(range: vscode.Range, text: string, undo: {undoStopBefore: boolean; undoStopAfter: boolean}): Promise<boolean> {
        this.ownEdits++;
        try {
            const editor = this.editors()[0];
            if (editor) return await editor.edit((builder) => builder.replace(range, text), undo);
            const edit = new vscode.WorkspaceEdit();
            edit.replace(this.document.uri, range, text);
            return await vscode.workspace.applyEdit(edit);
        } catch {
            // An editor closed meanwhile rejects the edit.
            return false;
        } finally {
            this.ownEdits--;
        }
    }

    private editors(): vscode.TextEditor[] {
        return vscode.window.visibleTextEditors.filter((editor) => editor.document === this.document);
    }

    private changed(event: vscode.TextDocumentChangeEvent): void {
        if (event.document !== this.document || event.contentChanges.length === 0 || this.isDisposed) return;
        const {removed, added} = this.lines;
        const end = added?.end ?? removed.end;
        const inside = event.contentChanges.every((change) => change.range.start.line >= removed.start && change.range.end.line <= end + 1);
        const undoOrRedo = event.reason !== undefined;
        if (this.ownEdits > 0 && inside && !undoOrRedo) return;
        // Someone else's change: above the diff it moves the diff; overlapping it, nothing can be restored safely.
        this.editedElsewhere = true;
        const overlaps = event.contentChanges.some((change) => change.range.end.line >= removed.start && change.range.start.line <= end);
        if (!overlaps)
            for (const change of event.contentChanges)
                if (change.range.end.line < this.start) this.start += lineCount(change.text) - (change.range.end.line - change.range.start.line);
        void this.interruptAfterChange(overlaps);
    }

    private async interruptAfterChange(overlaps: boolean): Promise<void> {
        this.ended = true;
        while (this.pumping) await this.pumping.catch(() => undefined);
        this.interrupt({reason: "edited", restored: overlaps ? false : await this.restore(true)});
    }

    private interrupt(what: DiffInterrupted): void {
        if (this.isDisposed) return;
        this.ended = true;
        this.clearDecorations();
        this.interrupted.fire(what);
    }

    private decorate(): void {
        const {removed, added} = this.lines;
        this.setDecorations({removed: [new vscode.Range(removed.start, 0, removed.end, 0)], added: added ? [new vscode.Range(added.start, 0, added.end, 0)] : []});
    }

    private clearDecorations(): void {
        this.setDecorations({removed: [], added: []});
    }

    private setDecorations(lines: DecoratedLines): void {
        this.decorated = lines;
        for (const editor of this.editors()) {
            editor.setDecorations(this.looks.removed, lines.removed);
            editor.setDecorations(this.looks.added, lines.added);
        }
    }
}

function lineCount(text: string): number {
    return text.split(/\r?\n/).length - 1;
}
