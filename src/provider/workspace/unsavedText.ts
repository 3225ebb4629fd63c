import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import {relativePath} from "./fileEvents";

/**
 * Edits that are not saved yet: the index should answer about the code the user sees, not the
 * copy on disk. A file's unsaved text is handed on a moment after typing stops, and withdrawn
 * (null) when the file is saved, reverted or closed, so the disk copy counts again.
 */
export class UnsavedText extends Disposable {
    private readonly timers = new Map<string, NodeJS.Timeout>();
    private readonly overlaid = new Set<string>();

    constructor(
        private readonly send: (rootPath: string, path: string, text: string | null) => void,
        private readonly delayMs = 500
    ) {
        super();
        this.register(vscode.workspace.onDidChangeTextDocument((event) => this.changed(event.document)));
        this.register(vscode.workspace.onDidSaveTextDocument((document) => this.withdraw(document)));
        this.register(vscode.workspace.onDidCloseTextDocument((document) => this.withdraw(document)));
        this.register({dispose: () => this.timers.forEach((timer) => clearTimeout(timer))});
    }

    /**
     * Hands on every unsaved file again: a new index thread (a rebuild, a reopen after a setting
     * change, a restart after a crash) starts from the disk copies and knows none of them.
     */
    resendAll(): void {
        for (const document of vscode.workspace.textDocuments) {
            if (!document.isDirty) continue;
            const target = locate(document);
            if (!target) continue;
            this.overlaid.add(document.uri.toString());
            this.send(target.rootPath, target.path, document.getText());
        }
    }

    private changed(document: vscode.TextDocument): void {
        const target = locate(document);
        if (!target) return;
        const key = document.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.set(
            key,
            setTimeout(() => {
                this.timers.delete(key);
                if (document.isClosed) return;
                // Reverted, or undone back to the saved text: no save event comes, the disk copy counts again.
                if (!document.isDirty) {
                    this.withdraw(document);
                    return;
                }
                this.overlaid.add(key);
                this.send(target.rootPath, target.path, document.getText());
            }, this.delayMs)
        );
    }

    private withdraw(document: vscode.TextDocument): void {
        const key = document.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.delete(key);
        if (!this.overlaid.delete(key)) return;
        const target = locate(document);
        if (target) this.send(target.rootPath, target.path, null);
    }
}

function locate(document: vscode.TextDocument): {rootPath: string; path: string} | undefined {
    if (document.uri.scheme !== "file") return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const path = folder ? relativePath(folder, document.uri) : undefined;
    return folder && path ? {rootPath: folder.uri.fsPath, path} : undefined;
}
