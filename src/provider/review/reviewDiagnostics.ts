import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import type {AnchoredFinding, Severity} from "../../review/findings";
import {fromSaved, toSaved, type SavedFindingsFile} from "../../review/savedFindings";
import {validateFindings} from "../../review/validate";
import type {Log} from "../log";

const source = "Enclave review";
/** How long typing pauses before the findings of the changed file are checked against it again. */
const recheckDelayMs = 300;

interface Entry {
    /** Stable while the finding lives (a recheck moves it, not renames it): what its code actions name. */
    id: number;
    finding: AnchoredFinding;
    diagnostic: vscode.Diagnostic;
}

/**
 * Findings as diagnostics ("Enclave review") in the Problems panel and the editor, with the code
 * actions "Apply suggested fix" (one undoable edit, offered only while the cited lines still
 * match) and "Dismiss". A new review of a file replaces that file's earlier findings.
 *
 * Findings stay with their code: when a file changes they are checked against it again (moved with
 * their lines, dropped once those lines are gone), and they are kept in the workspace's storage, so
 * a reloaded window shows again those whose code is still there.
 */
export class ReviewDiagnostics extends Disposable implements vscode.CodeActionProvider {
    static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
    private readonly collection = this.register(vscode.languages.createDiagnosticCollection("enclave-review"));
    /** By URI, in the order the files were last reviewed (most recent last), which is the order saved. */
    private readonly entries = new Map<string, Entry[]>();
    private readonly rechecks = new Map<string, NodeJS.Timeout>();
    /** While the last session's findings are read back, saving would forget those not back yet. */
    private restoring = true;
    /** Something changed while restoring: save once it is over. */
    private saveAfterRestore = false;
    /** Counts clear()s: a restore under way stops at one. */
    private generation = 0;
    private nextId = 1;
    /** Settles once the previous session's findings are back (or found gone). */
    readonly restored: Promise<void>;

    constructor(
        private readonly saved: SavedFindingsFile,
        private readonly log: Log
    ) {
        super();
        this.register(vscode.languages.registerCodeActionsProvider({scheme: "*"}, this, {providedCodeActionKinds: ReviewDiagnostics.providedCodeActionKinds}));
        this.register(vscode.commands.registerCommand("enclave.applyReviewFix", (uri: vscode.Uri, id: number) => this.applyFix(uri, id)));
        this.register(vscode.commands.registerCommand("enclave.dismissReviewFinding", (uri: vscode.Uri, id: number) => this.dismiss(uri, id)));
        this.register(vscode.workspace.onDidChangeTextDocument((event) => this.scheduleRecheck(event.document)));
        this.register({dispose: () => this.rechecks.forEach((timer) => clearTimeout(timer))});
        this.restored = this.restore();
    }

    /** Replaces the findings of `uri`, after checking them against the document as it is now. */
    set(uri: vscode.Uri, findings: readonly AnchoredFinding[], currentText: string): {kept: number; dropped: number} {
        const {kept, dropped} = validateFindings(findings, currentText);
        const key = uri.toString();
        this.entries.delete(key);
        this.show(uri, kept);
        return {kept: kept.length, dropped: dropped.length};
    }

    /** Settles once the findings as they are now are in the workspace's storage. */
    async whenSaved(): Promise<void> {
        await this.restored;
        await this.saved.flushed();
    }

    findings(uri: vscode.Uri): readonly AnchoredFinding[] {
        return (this.entries.get(uri.toString()) ?? []).map((entry) => entry.finding);
    }

    provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
        const actions: vscode.CodeAction[] = [];
        const entries = this.entries.get(document.uri.toString()) ?? [];
        for (const entry of entries) {
            if (!entry.diagnostic.range.intersection(range)) continue;
            const fix = this.fixFor(document, entry.finding);
            if (fix) {
                const action = new vscode.CodeAction(`Apply suggested fix: ${entry.finding.title}`, vscode.CodeActionKind.QuickFix);
                action.diagnostics = [entry.diagnostic];
                action.isPreferred = true;
                action.command = {command: "enclave.applyReviewFix", title: "Apply suggested fix", arguments: [document.uri, entry.id]};
                actions.push(action);
            }
            const dismiss = new vscode.CodeAction(`Dismiss: ${entry.finding.title}`, vscode.CodeActionKind.QuickFix);
            dismiss.diagnostics = [entry.diagnostic];
            dismiss.command = {command: "enclave.dismissReviewFinding", title: "Dismiss", arguments: [document.uri, entry.id]};
            actions.push(dismiss);
        }
        return actions;
    }

    /** Applies finding `id` of `uri` as one edit; false when the finding or its code is gone. */
    async applyFix(uri: vscode.Uri, id: number): Promise<boolean> {
        const entry = this.entries.get(uri.toString())?.find((candidate) => candidate.id === id);
        if (!entry) {
            void vscode.window.showWarningMessage("Enclave: that finding is gone: its code changed since the review.");
            return false;
        }
        const document = await vscode.workspace.openTextDocument(uri);
        const fix = this.fixFor(document, entry.finding);
        if (!fix) {
            void vscode.window.showWarningMessage("Enclave: the code changed since the review; this fix no longer applies.");
            return false;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, fix.range, fix.text);
        const applied = await vscode.workspace.applyEdit(edit);
        if (applied) this.dismiss(uri, id);
        return applied;
    }

    dismiss(uri: vscode.Uri, id: number): void {
        const entries = this.entries.get(uri.toString()) ?? [];
        this.showEntries(uri, entries.filter((entry) => entry.id !== id));
    }

    clear(): void {
        this.generation++;
        this.entries.clear();
        this.collection.clear();
        this.save();
    }

    /** Shows `findings` for `uri` as new findings (none: forgets the file) and saves the workspace's findings. */
    private show(uri: vscode.Uri, findings: readonly AnchoredFinding[]): void {
        this.showEntries(uri, findings.map((finding) => ({id: this.nextId++, finding, diagnostic: toDiagnostic(finding)})));
    }

    private showEntries(uri: vscode.Uri, entries: Entry[]): void {
        const key = uri.toString();
        if (entries.length > 0) this.entries.set(key, entries);
        else this.entries.delete(key);
        this.collection.set(uri, entries.map((entry) => entry.diagnostic));
        this.save();
    }

    private save(): void {
        if (this.restoring) {
            this.saveAfterRestore = true;
            return;
        }
        const files = new Map([...this.entries].map(([key, entries]) => [key, entries.map((entry) => entry.finding)]));
        this.saved.save(toSaved(files)).then(undefined, (error: unknown) => this.log.write("warn", `Could not keep the review findings for the next session: ${String(error)}`));
    }

    private scheduleRecheck(document: vscode.TextDocument): void {
        const key = document.uri.toString();
        if (!this.entries.has(key)) return;
        clearTimeout(this.rechecks.get(key));
        this.rechecks.set(
            key,
            setTimeout(() => {
                this.rechecks.delete(key);
                const before = this.entries.get(key);
                if (!before) return;
                const text = document.getText();
                // One by one, so each keeps its id (a code action shown before still names it).
                const reasons: string[] = [];
                const after = before.flatMap((entry): Entry[] => {
                    const {kept, dropped} = validateFindings([entry.finding], text);
                    const [finding] = kept;
                    if (!finding) {
                        reasons.push(dropped[0]?.reason ?? "its code is gone");
                        return [];
                    }
                    return [{id: entry.id, finding, diagnostic: toDiagnostic(finding)}];
                });
                if (reasons.length > 0) this.log.write("info", `${reasons.length} review finding(s) for ${vscode.workspace.asRelativePath(document.uri)} dropped: ${reasons.join("; ")}.`);
                // Nothing moved: nothing to show or write again on every pause in typing.
                if (JSON.stringify(after.map((entry) => entry.finding)) === JSON.stringify(before.map((entry) => entry.finding))) return;
                this.showEntries(document.uri, after);
            }, recheckDelayMs)
        );
    }

    /** The previous session's findings, each checked against its file as it is now. */
    private async restore(): Promise<void> {
        let changed = false;
        try {
            changed = await this.readBack();
        } finally {
            this.restoring = false;
            // Saved again only when something changed: a window that merely opened leaves the file as it was.
            if ((changed || this.saveAfterRestore) && !this.isDisposed) this.save();
        }
    }

    /** True when what is shown differs from what was saved. */
    private async readBack(): Promise<boolean> {
        const loaded = await this.saved.load();
        if ("error" in loaded) {
            this.log.write("warn", `The review findings of the last session could not be read (${loaded.error}); they are left out.`);
            return false;
        }
        const {files, skipped} = fromSaved(loaded.value);
        if (skipped > 0) this.log.write("warn", `${skipped} saved review finding(s) were damaged and left out.`);
        let kept = 0;
        let dropped = 0;
        let unreadable = 0;
        const generation = this.generation;
        for (const [key, findings] of files) {
            if (this.isDisposed || generation !== this.generation) break; // cleared meanwhile: nothing comes back
            if (this.entries.has(key)) continue; // a new review of the file came first
            let uri: vscode.Uri;
            try {
                uri = vscode.Uri.parse(key, true);
            } catch {
                unreadable++;
                continue;
            }
            const text = await currentText(uri);
            if (this.isDisposed || generation !== this.generation) break;
            if (this.entries.has(key)) continue;
            const result = text === undefined ? {kept: 0, dropped: findings.length} : this.set(uri, findings, text);
            kept += result.kept;
            dropped += result.dropped;
        }
        if (files.size > 0) this.log.write("info", `Review findings from the last session: ${kept} kept, ${dropped} dropped (their code changed or is gone).`);
        if (unreadable > 0) this.log.write("warn", `${unreadable} saved review file name(s) were damaged and left out.`);
        return skipped > 0 || dropped > 0 || unreadable > 0 || this.entries.size !== files.size;
    }

    /** The edit for a finding's replacement, only while its cited lines are still what they were. */
    private fixFor(document: vscode.TextDocument, finding: AnchoredFinding): {range: vscode.Range; text: string} | undefined {
        if (finding.replacement == null) return undefined;
        const start = finding.startLine - 1;
        const end = finding.endLine - 1;
        if (start < 0 || end >= document.lineCount || end < start) return undefined;
        for (let line = start; line <= end; line++) if (document.lineAt(line).text !== finding.cited[line - start]) return undefined;
        return {range: new vscode.Range(start, 0, end, document.lineAt(end).text.length), text: finding.replacement};
    }
}

/** The file's text as VS Code has it (an open editor's unsaved text counts); undefined when it is gone. */
async function currentText(uri: vscode.Uri): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
        return undefined;
    }
}

function toDiagnostic(finding: AnchoredFinding): vscode.Diagnostic {
    const range = new vscode.Range(finding.startLine - 1, 0, finding.endLine - 1, Number.MAX_SAFE_INTEGER);
    const diagnostic = new vscode.Diagnostic(range, `${finding.title}: ${finding.explanation}`, severityOf(finding.severity));
    diagnostic.source = source;
    return diagnostic;
}

function severityOf(severity: Severity): vscode.DiagnosticSeverity {
    return severity === "error" ? vscode.DiagnosticSeverity.Error : severity === "warning" ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}
