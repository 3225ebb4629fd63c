import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import type {BuildProgress} from "../../workspaceIndex/indexProtocol";

export const cancelIndexingCommand = "enclave.cancelWorkspaceIndexing";

/** While the workspace index builds: what it is doing, and a click cancels it. Hidden otherwise. */
export class IndexStatusBar extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.workspaceIndex", vscode.StatusBarAlignment.Left, 0));
    private readonly changes = this.register(new vscode.EventEmitter<string | undefined>());
    /** The item's text each time it changes (undefined: hidden). */
    readonly onDidChange = this.changes.event;

    constructor() {
        super();
        this.item.name = "Enclave Workspace Index";
        this.item.command = cancelIndexingCommand;
    }

    get text(): string | undefined {
        return this.item.text === "" ? undefined : this.item.text;
    }

    show(progress: BuildProgress, folderCount: number, ranking: string): void {
        const folder = folderCount > 1 ? ` ${folderName(progress.rootPath)}` : "";
        this.item.text = progress.phase === "listing" ? `$(sync~spin) Enclave: listing files${folder}…` : `$(sync~spin) Enclave: indexing${folder} ${describeProgress(progress)}`;
        this.item.tooltip = `Enclave is indexing the workspace so that chat can find code you have not opened. ${ranking} Click to cancel (what is indexed so far is kept).`;
        this.item.show();
        this.changes.fire(this.item.text);
    }

    hide(): void {
        this.item.hide();
        this.item.text = "";
        this.changes.fire(undefined);
    }
}

/** Whether the search is re-ranked by an embedding model, in a sentence. */
export function rankingDescription(embeddingModel: string | undefined): string {
    return embeddingModel === undefined
        ? "Results are ranked lexically (no embedding model: see enclave.workspace.embeddingModel)."
        : `Results are re-ranked by the embedding model ${embeddingModel.split(/[\\/]/).at(-1) ?? embeddingModel}.`;
}

/** "1,200 of 5,000 files". */
export function describeProgress(progress: BuildProgress): string {
    return `${progress.done.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")} files`;
}

/** The name VS Code shows for the workspace folder at `rootPath`. */
export function folderName(rootPath: string): string {
    return vscode.workspace.asRelativePath(rootPath, true).split(/[\\/]/)[0] ?? rootPath;
}
