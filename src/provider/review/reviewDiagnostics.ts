import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import type {AnchoredFinding, Severity} from "../../review/findings";
import {validateFindings} from "../../review/validate";

const source = "Enclave review";

interface Entry {
    finding: AnchoredFinding;
    diagnostic: vscode.Diagnostic;
}

/**
 * Findings as diagnostics ("Enclave review") in the Problems panel and the editor, with the code
 * actions "Apply suggested fix" (one undoable edit, offered only while the cited lines still
 * match) and "Dismiss". A new review of a file replaces that file's earlier findings.
 */
export class ReviewDiagnostics extends Disposable implements vscode.CodeActionProvider {
    static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
    private readonly collection = this.register(vscode.languages.createDiagnosticCollection("enclave-review"));
    private readonly entries = new Map<string, Entry[]>();

    constructor() {
        super();
        this.register(vscode.languages.registerCodeActionsProvider({scheme: "*"}, this, {providedCodeActionKinds: ReviewDiagnostics.providedCodeActionKinds}));
        this.register(vscode.commands.registerCommand("enclave.applyReviewFix", (uri: vscode.Uri, index: number) => this.applyFix(uri, index)));
        this.register(vscode.commands.registerCommand("enclave.dismissReviewFinding", (uri: vscode.Uri, index: number) => this.dismiss(uri, index)));
    }

    /** Replaces the findings of `uri`, after checking them against the document as it is now. */
    set(uri: vscode.Uri, findings: readonly AnchoredFinding[], currentText: string): {kept: number; dropped: number} {
        const {kept, dropped} = validateFindings(findings, currentText);
        const entries = kept.map((finding) => ({finding, diagnostic: toDiagnostic(finding)}));
        this.entries.set(uri.toString(), entries);
        this.collection.set(uri, entries.map((entry) => entry.diagnostic));
        return {kept: kept.length, dropped: dropped.length};
    }

    findings(uri: vscode.Uri): readonly AnchoredFinding[] {
        return (this.entries.get(uri.toString()) ?? []).map((entry) => entry.finding);
    }

    provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
        const actions: vscode.CodeAction[] = [];
        const entries = this.entries.get(document.uri.toString()) ?? [];
        entries.forEach((entry, index) => {
            if (!entry.diagnostic.range.intersection(range)) return;
            const fix = this.fixFor(document, entry.finding);
            if (fix) {
                const action = new vscode.CodeAction(`Apply suggested fix: ${entry.finding.title}`, vscode.CodeActionKind.QuickFix);
                action.diagnostics = [entry.diagnostic];
                action.isPreferred = true;
                action.command = {command: "enclave.applyReviewFix", title: "Apply suggested fix", arguments: [document.uri, index]};
                actions.push(action);
            }
            const dismiss = new vscode.CodeAction(`Dismiss: ${entry.finding.title}`, vscode.CodeActionKind.QuickFix);
            dismiss.diagnostics = [entry.diagnostic];
            dismiss.command = {command: "enclave.dismissReviewFinding", title: "Dismiss", arguments: [document.uri, index]};
            actions.push(dismiss);
        });
        return actions;
    }

    /** Applies finding `index` of `uri` as one edit; false when the code no longer matches. */
    async applyFix(uri: vscode.Uri, index: number): Promise<boolean> {
        const entry = this.entries.get(uri.toString())?.[index];
        if (!entry) return false;
        const document = await vscode.workspace.openTextDocument(uri);
        const fix = this.fixFor(document, entry.finding);
        if (!fix) {
            void vscode.window.showWarningMessage("Enclave: the code changed since the review; this fix no longer applies.");
            return false;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, fix.range, fix.text);
        const applied = await vscode.workspace.applyEdit(edit);
        if (applied) this.dismiss(uri, index);
        return applied;
    }

    dismiss(uri: vscode.Uri, index: number): void {
        const entries = [...(this.entries.get(uri.toString()) ?? [])];
        entries.splice(index, 1);
        this.entries.set(uri.toString(), entries);
        this.collection.set(uri, entries.map((entry) => entry.diagnostic));
    }

    clear(): void {
        this.entries.clear();
        this.collection.clear();
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

function toDiagnostic(finding: AnchoredFinding): vscode.Diagnostic {
    const range = new vscode.Range(finding.startLine - 1, 0, finding.endLine - 1, Number.MAX_SAFE_INTEGER);
    const diagnostic = new vscode.Diagnostic(range, `${finding.title}: ${finding.explanation}`, severityOf(finding.severity));
    diagnostic.source = source;
    return diagnostic;
}

function severityOf(severity: Severity): vscode.DiagnosticSeverity {
    return severity === "error" ? vscode.DiagnosticSeverity.Error : severity === "warning" ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}
