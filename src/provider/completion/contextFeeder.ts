import * as vscode from "vscode";
import type {ContextRing} from "../../completion/contextRing";
import {Disposable} from "../../engine/lifecycle";

/** Lines the cursor must move in the active file before a new chunk of it is taken. */
const farMoveLines = 64;

/**
 * Feeds the ring of context chunks from what the user does in other places: files opened or
 * switched to, edits in other files, saves, and text copied. Never per keystroke in the file being
 * typed in — the ring must change rarely, so consecutive prompts keep their shared prefix.
 */
export class ContextFeeder extends Disposable {
    private lastPick: {uri: string; line: number} | undefined;

    constructor(private readonly ring: ContextRing) {
        super();
        this.register(vscode.window.onDidChangeActiveTextEditor((editor) => editor && this.take(editor.document, editor.selection.active)));
        this.register(
            vscode.workspace.onDidChangeTextDocument((event) => {
                const active = vscode.window.activeTextEditor?.document;
                const change = event.contentChanges[0];
                if (event.document !== active && change && isCode(event.document)) this.take(event.document, change.range.start);
            })
        );
        this.register(vscode.workspace.onDidSaveTextDocument((document) => isCode(document) && this.take(document, undefined)));
        this.register(vscode.workspace.onDidCloseTextDocument((document) => ring.removeUri(document.uri.toString())));
        this.register(
            vscode.window.onDidChangeTextEditorSelection((event) => {
                const position = event.selections[0]?.active;
                const uri = event.textEditor.document.uri.toString();
                if (position && this.lastPick?.uri === uri && Math.abs(position.line - this.lastPick.line) > farMoveLines)
                    this.take(event.textEditor.document, position);
            })
        );
        // VS Code has no copy event: wrap the copy command to learn what the user copied.
        this.register(
            vscode.commands.registerCommand("enclave.copyWithContext", async () => {
                const editor = vscode.window.activeTextEditor;
                await vscode.commands.executeCommand("editor.action.clipboardCopyAction");
                if (editor && !editor.selection.isEmpty)
                    ring.add({uri: editor.document.uri.toString(), text: editor.document.getText(editor.selection), languageId: editor.document.languageId});
            })
        );
        const active = vscode.window.activeTextEditor;
        if (active) this.take(active.document, active.selection.active);
    }

    private take(document: vscode.TextDocument, position: vscode.Position | undefined): void {
        if (!isCode(document)) return;
        const offset = position ? document.offsetAt(position) : 0;
        this.ring.addAround({uri: document.uri.toString(), text: document.getText(), offset, languageId: document.languageId});
        this.lastPick = {uri: document.uri.toString(), line: position?.line ?? 0};
    }
}

function isCode(document: vscode.TextDocument): boolean {
    return document.uri.scheme === "file" || document.uri.scheme === "untitled" || document.uri.scheme === "vscode-remote";
}
