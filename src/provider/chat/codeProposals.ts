import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";

const scheme = "enclave-proposal";

interface Proposal {
    id: number;
    target: vscode.Uri;
    /** The range of the target that the code replaces, and the document version it was taken from. */
    range: vscode.Range;
    version: number;
    code: string;
    proposedText: string;
    proposedUri: vscode.Uri;
}

/**
 * "Apply to File" from a chat code block: the change is shown in VS Code's diff view first (the
 * proposal is a read-only virtual document), and only an explicit Accept writes it — as one
 * WorkspaceEdit, so one Undo takes it back. The code replaces the selection when there is one,
 * otherwise the whole file.
 */
export class CodeProposals extends Disposable implements vscode.TextDocumentContentProvider {
    private readonly proposals = new Map<string, Proposal>();
    private nextId = 1;
    private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
    readonly onDidChange = this.changed.event;

    constructor() {
        super();
        this.register(vscode.workspace.registerTextDocumentContentProvider(scheme, this));
        this.register(vscode.commands.registerCommand("enclave.acceptProposal", (uri?: vscode.Uri) => this.accept(uri)));
        this.register(vscode.commands.registerCommand("enclave.rejectProposal", (uri?: vscode.Uri) => this.reject(uri)));
    }

    provideTextDocumentContent(uri: vscode.Uri): string {
        return this.proposals.get(uri.toString())?.proposedText ?? "";
    }

    /** Opens the diff of `code` applied to `editor`; resolves once the diff is shown. */
    async propose(editor: vscode.TextEditor, code: string): Promise<vscode.Uri> {
        const document = editor.document;
        const range = editor.selection.isEmpty
            ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length))
            : new vscode.Range(editor.selection.start, editor.selection.end);
        const original = document.getText();
        const proposedText = original.slice(0, document.offsetAt(range.start)) + code + original.slice(document.offsetAt(range.end));
        const id = this.nextId++;
        const name = document.uri.path.split("/").pop() ?? "file";
        const proposedUri = vscode.Uri.from({scheme, path: `/${id}/${name}`, query: document.uri.toString()});
        this.proposals.set(proposedUri.toString(), {id, target: document.uri, range, version: document.version, code, proposedText, proposedUri});
        await vscode.commands.executeCommand("vscode.diff", document.uri, proposedUri, `${name} ↔ Enclave's proposal`, {preview: true});
        void vscode.window
            .showInformationMessage(`Apply Enclave's change to ${name}?`, "Accept", "Reject")
            .then((choice) => (choice === "Accept" ? this.accept(proposedUri) : choice === "Reject" ? this.reject(proposedUri) : undefined));
        return proposedUri;
    }

    /** Writes the proposal as one undoable edit. Returns false when there is nothing to apply. */
    async accept(uri?: vscode.Uri): Promise<boolean> {
        const proposal = this.find(uri);
        if (!proposal) return false;
        this.proposals.delete(proposal.proposedUri.toString());
        const document = await vscode.workspace.openTextDocument(proposal.target);
        if (document.version !== proposal.version) {
            void vscode.window.showWarningMessage("The file changed after Enclave proposed this edit; nothing was applied. Ask again to get a fresh proposal.");
            await this.closeDiff(proposal);
            return false;
        }
        const edit = new vscode.WorkspaceEdit();
        edit.replace(proposal.target, proposal.range, proposal.code);
        const applied = await vscode.workspace.applyEdit(edit);
        await this.closeDiff(proposal);
        if (applied) await vscode.window.showTextDocument(document, {preview: false});
        return applied;
    }

    async reject(uri?: vscode.Uri): Promise<boolean> {
        const proposal = this.find(uri);
        if (!proposal) return false;
        this.proposals.delete(proposal.proposedUri.toString());
        await this.closeDiff(proposal);
        return true;
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
