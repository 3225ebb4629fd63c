import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";

/**
 * Files created, changed and deleted in the workspace folders, gathered per folder and handed on in
 * batches: a branch switch or a build touches hundreds of files in a moment, and the index should
 * hear about them once.
 */
export class FileEvents extends Disposable {
    private readonly pending = new Map<string, Set<string>>();
    private timer: NodeJS.Timeout | undefined;

    constructor(
        private readonly flush: (rootPath: string, paths: string[]) => void,
        private readonly delayMs = 300
    ) {
        super();
        const watcher = this.register(vscode.workspace.createFileSystemWatcher("**/*"));
        const add = (uri: vscode.Uri) => this.add(uri);
        this.register(watcher.onDidCreate(add));
        this.register(watcher.onDidChange(add));
        this.register(watcher.onDidDelete(add));
        this.register({dispose: () => clearTimeout(this.timer)});
    }

    private add(uri: vscode.Uri): void {
        if (uri.scheme !== "file") return;
        const folder = vscode.workspace.getWorkspaceFolder(uri);
        if (!folder) return;
        const path = relativePath(folder, uri);
        if (path === undefined) return;
        const paths = this.pending.get(folder.uri.fsPath) ?? new Set<string>();
        paths.add(path);
        this.pending.set(folder.uri.fsPath, paths);
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.deliver(), this.delayMs);
    }

    private deliver(): void {
        const batches = [...this.pending];
        this.pending.clear();
        for (const [rootPath, paths] of batches) this.flush(rootPath, [...paths]);
    }
}

/** The folder-relative path with "/" separators, as the index keys files; undefined for the folder itself. */
export function relativePath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string | undefined {
    const root = folder.uri.path.replace(/\/$/, "");
    if (!uri.path.startsWith(`${root}/`)) return undefined;
    return uri.path.slice(root.length + 1);
}
