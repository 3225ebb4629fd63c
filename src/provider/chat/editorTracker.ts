import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";

/**
 * The text editor the user last worked in. When they click in the chat panel, VS Code's active
 * editor may change or go away; Insert, Apply and attachments still mean "the file I was in".
 */
export class EditorTracker extends Disposable {
    private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

    constructor() {
        super();
        this.register(
            vscode.window.onDidChangeActiveTextEditor((editor) => {
                if (editor && isWorkFile(editor)) this.lastEditor = editor;
            })
        );
    }

    get last(): vscode.TextEditor | undefined {
        const active = vscode.window.activeTextEditor;
        if (active && isWorkFile(active)) return active;
        return this.lastEditor && !this.lastEditor.document.isClosed ? this.lastEditor : undefined;
    }
}

/** Editors of the user's files, not Enclave's proposals or output panes. */
function isWorkFile(editor: vscode.TextEditor): boolean {
    return editor.document.uri.scheme !== "enclave-proposal" && editor.document.uri.scheme !== "output";
}
