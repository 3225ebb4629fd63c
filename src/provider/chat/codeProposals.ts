import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import {placeFragment, type Placement} from "../../edit/fragmentPlacement";

const scheme = "enclave-proposal";

/** The file a code block is applied to, and the user's selection there (which may decide the place). */
export interface ProposalTarget {
    readonly uri: vscode.Uri;
    readonly selection?: vscode.Range;
}

export type ProposalOutcome =
    | {readonly shown: true; readonly proposal: vscode.Uri; readonly lines: {readonly start: number; readonly end: number}}
    | {readonly shown: false; readonly reason: string};

interface Proposal {
    readonly target: vscode.Uri;
    /** Where the target's label comes from in titles and the prompt: the path the user knows. */
    readonly name: string;
    readonly range: vscode.Range;
    /** The target's version when the diff was made: an edit since then refuses Accept. */
    readonly version: number;
    readonly replacement: string;
    readonly proposedText: string;
    readonly proposedUri: vscode.Uri;
    /** Ends the prompt (a progress notification, whose lifetime is this promise). */
    readonly settle: () => void;
}

/**
 * "Apply to File" from a chat code block. The fragment goes where fragmentPlacement finds its place
 * in the target (never over the whole file unless it is the file); the diff shows the target
 * against a read-only virtual document with just that region replaced, opened at the region; only
 * an explicit Accept writes it, as one WorkspaceEdit, so one Undo restores the exact bytes.
 *
 * The prompt is a progress notification that lasts exactly as long as the proposal: Accept or
 * Reject (in the diff's title bar), Cancel in the notification, or closing the diff ends it — no
 * message is left behind asking about a change that is gone. One proposal at a time: a new one
 * rejects the one before.
 */
export class CodeProposals extends Disposable implements vscode.TextDocumentContentProvider {
    private readonly proposals = new Map<string, Proposal>();
    private nextId = 1;

    constructor() {
        super();
        this.register(vscode.workspace.registerTextDocumentContentProvider(scheme, this));
        this.register(vscode.commands.registerCommand("enclave.acceptProposal", (uri?: vscode.Uri) => this.accept(uri)));
        this.register(vscode.commands.registerCommand("enclave.rejectProposal", (uri?: vscode.Uri) => this.reject(uri)));
        this.register(
            vscode.window.tabGroups.onDidChangeTabs(({closed}) => {
                for (const tab of closed) {
                    const proposal = tab.input instanceof vscode.TabInputTextDiff ? this.proposals.get(tab.input.modified.toString()) : undefined;
                    if (proposal) this.drop(proposal);
                }
            })
        );
        this.register({dispose: () => [...this.proposals.values()].forEach((proposal) => this.drop(proposal))});
    }

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.proposals.get(uri.toString())?.proposedText ?? "";
    }

    /** Proposals waiting for an answer (each with its prompt on screen). */
    get pending(): number {
        return this.proposals.size;
    }

    /** Finds where `code` goes in the target and opens the diff of that region; or says why it has no place. */
    async propose(target: ProposalTarget, code: string): Promise<ProposalOutcome> {
        this.assertNotDisposed();
        const document = await vscode.workspace.openTextDocument(target.uri);
        const original = document.getText();
        const placement = placementIn(document, target, code);
        if (placement.none) return {shown: false, reason: placement.reason};
        for (const previous of [...this.proposals.values()]) await this.reject(previous.proposedUri);

        const range = new vscode.Range(document.positionAt(placement.range.start), document.positionAt(placement.range.end));
        const proposedText = original.slice(0, placement.range.start) + placement.replacement + original.slice(placement.range.end);
        const name = targetName(document);
        const id = this.nextId++;
        const proposedUri = vscode.Uri.from({scheme, path: `/${id}/${document.uri.path.split("/").pop() ?? "file"}`, query: document.uri.toString()});
        const lines = placement.method === "file" ? "the whole file" : placement.lines.start === placement.lines.end ? `line ${placement.lines.start + 1}` : `lines ${placement.lines.start + 1}–${placement.lines.end + 1}`;
        let settle = (): void => undefined;
        const answered = new Promise<void>((resolve) => {
            settle = resolve;
        });
        const proposal: Proposal = {target: document.uri, name, range, version: document.version, replacement: placement.replacement, proposedText, proposedUri, settle};
        this.proposals.set(proposedUri.toString(), proposal);
        void vscode.window.withProgress(
            {location: vscode.ProgressLocation.Notification, title: `Enclave's change to ${name}, ${lines}: Accept (✓) or Reject (✕) in the diff's title bar.`, cancellable: true},
            (_progress, token) => {
                const cancelled = token.onCancellationRequested(() => void this.reject(proposedUri));
                return answered.finally(() => {
                    cancelled.dispose();
                });
            }
        );
        const at = new vscode.Range(placement.lines.start, 0, placement.lines.start, 0);
        await vscode.commands.executeCommand("vscode.diff", document.uri, proposedUri, `${name} ↔ Enclave's change (${lines})`, {preview: true, selection: at});
        return {shown: true, proposal: proposedUri, lines: placement.lines};
    }

    /** Writes the proposal as one undoable edit. Returns false when there is nothing to apply. */
    async accept(uri?: vscode.Uri): Promise<boolean> {
        const proposal = this.find(uri);
        if (!proposal) return false;
        this.drop(proposal);
        const document = await vscode.workspace.openTextDocument(proposal.target);
        if (document.version !== proposal.version) {
            void vscode.window.showWarningMessage(`Enclave: ${proposal.name} changed after the diff was shown, so nothing was applied. Apply the code again for a fresh diff.`);
            await this.closeDiff(proposal);
            return false;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(proposal.target, proposal.range, proposal.replacement);
        const applied = await vscode.workspace.applyEdit(edit);
        await this.closeDiff(proposal);
        if (applied) await vscode.window.showTextDocument(document, {preview: false, selection: new vscode.Range(proposal.range.start, proposal.range.start)});
        else void vscode.window.showWarningMessage(`Enclave: VS Code did not apply the change to ${proposal.name}.`);
        return applied;
    }

    async reject(uri?: vscode.Uri): Promise<boolean> {
        const proposal = this.find(uri);
        if (!proposal) return false;
        this.drop(proposal);
        await this.closeDiff(proposal);
        return true;
    }

    /** Forgets the proposal and ends its prompt. */
    private drop(proposal: Proposal): void {
        this.proposals.delete(proposal.proposedUri.toString());
        proposal.settle();
    }

    private find(uri?: vscode.Uri): Proposal | undefined {
        if (uri) return this.proposals.get(uri.toString());
        // From the editor title or the palette: the proposal in the active diff, else the newest.
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        return (active ? this.proposals.get(active) : undefined) ?? [...this.proposals.values()].at(-1);
    }

    private async closeDiff(proposal: Proposal): Promise<void> {
        for (const group of vscode.window.tabGroups.all)
            for (const tab of group.tabs)
                if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.proposedUri.toString())
                    await vscode.window.tabGroups.close(tab);
    }
}

/** Where `code` goes in the target document as it is now. */
export function placementIn(document: vscode.TextDocument, target: ProposalTarget, code: string): Placement {
    const selection = target.selection && !target.selection.isEmpty ? {start: document.offsetAt(target.selection.start), end: document.offsetAt(target.selection.end)} : undefined;
    return placeFragment({text: document.getText(), fragment: code, languageId: document.languageId, ...(selection ? {selection} : {})});
}

/** The path a user knows the file by: workspace-relative (with its folder in a multi-root workspace), or the untitled name. */
export function targetName(document: vscode.TextDocument): string {
    return document.isUntitled ? document.fileName : vscode.workspace.asRelativePath(document.uri);
}

/** Puts `code` at the editor's cursor (over its selection), as the Insert button does. */
export async function insertAtCursor(editor: vscode.TextEditor, code: string): Promise<boolean> {
    return editor.edit((builder) => builder.replace(editor.selection, code));
}
