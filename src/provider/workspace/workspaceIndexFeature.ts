/**
 * The workspace index in a window: nothing at start-up; the first question that asks for workspace
 * code starts the index thread, opens every folder's stored index (or builds it, with progress in
 * the status bar and the chat, and a cancel), and from then on the index follows file events and
 * unsaved edits. Folder and setting changes reopen it. It is the chat's WorkspaceRetriever.
 */
import {join} from "node:path";
import * as vscode from "vscode";
import type {RetrieveOptions, RetrievedCode, WorkspaceRetriever} from "../../chat/workspaceRetriever";
import {Disposable} from "../../engine/lifecycle";
import {untilAborted} from "../../engine/untilAborted";
import {IndexClient} from "../../workspaceIndex/indexClient";
import type {BuildProgress, BuildReport, FolderState, IndexHit, IndexedFolder} from "../../workspaceIndex/indexProtocol";
import {deleteIndex, indexFileFor} from "../../workspaceIndex/indexStore";
import {Reranker, rerankDefaults, type Embedder} from "../../workspaceIndex/rerank";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";
import {FileEvents} from "./fileEvents";
import {indexSettingSections, readIndexRules} from "./indexSettings";
import {IndexStatusBar, cancelIndexingCommand, describeProgress, folderName, rankingDescription} from "./indexStatusBar";
import {UnsavedText} from "./unsavedText";

interface Build {
    promise: Promise<BuildReport[] | undefined>;
    controller: AbortController;
    listeners: Set<(progress: BuildProgress) => void>;
}

export class WorkspaceIndexFeature extends Disposable implements WorkspaceRetriever {
    private readonly client: IndexClient;
    private readonly statusBar = this.register(new IndexStatusBar());
    /** The status bar item's text each time it changes while indexing (undefined: hidden). */
    readonly onDidChangeStatusBar = this.statusBar.onDidChange;
    private readonly unsaved: UnsavedText;
    /** The thread generation the folders were opened in, and what opening found. */
    private opened: {generation: number; folders: FolderState[]} | undefined;
    private opening: Promise<FolderState[]> | undefined;
    private build: Build | undefined;
    /** Whether this window has reconciled the stored index with the disk yet. */
    private reconciled = false;
    private readonly warned = new Set<string>();
    private readonly reranker = new Reranker();

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: Log,
        private readonly errors: ErrorReporter,
        /** The embedding model that re-ranks hits, while one is set (EmbeddingModelSync). */
        private readonly embedder: () => Embedder | undefined = () => undefined
    ) {
        super();
        this.client = new IndexClient({
            workerPath: vscode.Uri.joinPath(context.extensionUri, "dist", "indexWorker.cjs").fsPath,
            log: (level, message) => log.write(level, `Workspace index: ${message}`)
        });
        this.register({dispose: () => void this.client.stop()});
        this.register(new FileEvents((rootPath, paths) => this.whenOpen((client) => client.update(rootPath, paths), "Following file changes")));
        this.unsaved = this.register(new UnsavedText((rootPath, path, text) => this.whenOpen((client) => client.overlay(rootPath, path, text), "Following unsaved edits")));
        this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.reopen()));
        this.register(vscode.workspace.onDidChangeConfiguration((event) => {
            if (indexSettingSections.some((section) => event.affectsConfiguration(section))) this.reopen();
        }));
        this.register(vscode.commands.registerCommand(cancelIndexingCommand, () => this.build?.controller.abort()));
        this.register(vscode.commands.registerCommand("enclave.rebuildWorkspaceIndex", () => this.rebuild()));
    }

    async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedCode[]> {
        this.assertNotDisposed();
        if (this.folders().length === 0) throw new Error("Open a folder to let Enclave search the workspace.");
        const folders = await this.open();
        options.signal.throwIfAborted();
        // `folders` is what opening found: once this window's build is through, it is out of date.
        if (!this.reconciled) {
            if (folders.some((folder) => !folder.ready)) await this.waitForBuild(options);
            else void this.startBuild().promise;
        }
        // A thread that died during the build is replaced by one that must be told the folders first.
        await this.open();
        // The lexical top N, re-ranked by embeddings when a model is set: the same path either way.
        const {hits} = await this.client.search(question, Math.max(options.maxChunks, rerankDefaults.candidates), options.signal);
        return (await this.rank(question, hits, options)).map(toRetrievedCode);
    }

    /** Whether the search is re-ranked by embeddings now, in a sentence (the status bar's tooltip says it too). */
    get ranking(): string {
        return rankingDescription(this.embedder()?.modelId);
    }

    /** `hits` re-ranked when an embedding model is set; if it fails, the lexical order, with the reason logged and shown once. */
    private async rank(question: string, hits: readonly IndexHit[], options: RetrieveOptions): Promise<IndexHit[]> {
        const embedder = this.embedder();
        try {
            return (await this.reranker.rank(question, hits, options.maxChunks, embedder, options.signal)).hits;
        } catch (error) {
            options.signal.throwIfAborted();
            const reason = error instanceof Error ? error.message : String(error);
            this.warnOnce(`embeddings:${embedder?.modelId ?? ""}`, `Enclave could not re-rank the workspace search with the embedding model (${reason}); it ranks lexically. Set enclave.workspace.embeddingModel, or run Enclave: Download Embedding Model.`);
            return (await this.reranker.rank(question, hits, options.maxChunks, undefined, options.signal)).hits;
        }
    }

    /** What the index holds now (for the status and for tests). */
    async status(): Promise<FolderState[]> {
        if (!this.opened) return [];
        return (await this.client.status()).folders;
    }

    /** What opening the folders' stored indexes found in this window (undefined: not opened yet): `ready` where a stored index was used. */
    openedState(): readonly FolderState[] | undefined {
        return this.opened?.folders;
    }

    /** Saves the index (within a bound) and ends its thread: when the window closes. */
    stop(): Promise<void> {
        return this.client.stop();
    }

    /** Where each folder's index is kept (in the workspace's storage), whether or not it exists yet. */
    indexFiles(): string[] {
        const storage = this.context.storageUri;
        if (!storage) return [];
        return this.folders().map((folder) => indexFileFor(join(storage.fsPath, "workspace-index"), folder.uri.fsPath));
    }

    /** Resolves when no build is running. */
    async idle(): Promise<void> {
        while (this.build) await this.build.promise;
    }

    private folders(): readonly vscode.WorkspaceFolder[] {
        return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === "file");
    }

    private open(): Promise<FolderState[]> {
        if (this.opened && this.opened.generation === this.client.threadGeneration && this.client.isRunning) return Promise.resolve(this.opened.folders);
        this.opening ??= this.openNow().finally(() => (this.opening = undefined));
        return this.opening;
    }

    private async openNow(): Promise<FolderState[]> {
        const storage = this.context.storageUri;
        if (!storage) throw new Error("Open a folder to let Enclave search the workspace.");
        const indexFiles = this.indexFiles();
        const folders: IndexedFolder[] = this.folders().map((folder, position) => ({
            rootPath: folder.uri.fsPath,
            indexFile: indexFiles[position] as string,
            rules: readIndexRules(folder)
        }));
        const result = await this.client.open(folders, vscode.Uri.joinPath(this.context.extensionUri, "dist", "grammars").fsPath);
        for (const folder of result.folders)
            if (folder.rebuiltBecause) this.log.write("info", `Workspace index of ${folder.rootPath} is rebuilt: ${folder.rebuiltBecause}.`);
        this.opened = {generation: this.client.threadGeneration, folders: result.folders};
        this.reconciled = false;
        this.unsaved.resendAll();
        return result.folders;
    }

    /** Waits for the build, showing its progress in the chat; the build goes on if the question is stopped. */
    private async waitForBuild(options: RetrieveOptions): Promise<void> {
        const build = this.build ?? this.startBuild();
        const listener = (progress: BuildProgress) => options.onProgress?.(progress.phase === "listing" ? "Listing the workspace's files…" : `Indexing the workspace: ${describeProgress(progress)}`);
        build.listeners.add(listener);
        options.onProgress?.("Indexing the workspace…");
        try {
            await untilAborted(build.promise, options.signal);
        } finally {
            build.listeners.delete(listener);
        }
    }

    private startBuild(): Build {
        if (this.build) return this.build;
        const controller = new AbortController();
        const listeners = new Set<(progress: BuildProgress) => void>();
        const folderCount = this.folders().length;
        const promise = this.client
            .build(controller.signal, (progress) => {
                this.statusBar.show(progress, folderCount, this.ranking);
                for (const listener of listeners) listener(progress);
            })
            .then(
                (result) => {
                    this.reconciled = true;
                    this.reportBuild(result.folders);
                    return result.folders;
                },
                (error: unknown) => {
                    // A cancel keeps what was read; questions use it as it is.
                    if (controller.signal.aborted) void vscode.window.setStatusBarMessage("Enclave: indexing cancelled; chat searches the files indexed so far.", 5_000);
                    else this.errors.report(error, "Indexing the workspace");
                    return undefined;
                }
            )
            .finally(() => {
                this.statusBar.hide();
                if (this.build?.promise === promise) this.build = undefined;
            });
        this.build = {promise, controller, listeners};
        return this.build;
    }

    private reportBuild(reports: readonly BuildReport[]): void {
        const files = reports.reduce((sum, report) => sum + report.files, 0);
        void vscode.window.setStatusBarMessage(`Enclave: workspace indexed (${files.toLocaleString("en-US")} files; ${this.embedder() ? "re-ranked by embeddings" : "lexical ranking"})`, 5_000);
        for (const report of reports) {
            const name = folderName(report.rootPath);
            this.log.write("info", `Workspace index of ${report.rootPath}: ${report.files} files, ${report.chunks} pieces; read ${report.indexed}, removed ${report.removed}; left out ${JSON.stringify(report.skipped)}.`);
            if (report.truncated)
                this.warnOnce(`truncated:${report.rootPath}`, `Enclave indexed only the first ${report.files.toLocaleString("en-US")} files of ${name}: it has more than the limit (enclave.workspace.maxFiles).`);
            if (report.unreadableCount > 0)
                this.warnOnce(
                    `unreadable:${report.rootPath}`,
                    `Enclave could not read ${report.unreadableCount} folder${report.unreadableCount === 1 ? "" : "s"} of ${name} (no permission), so chat cannot find code in ${report.unreadableCount === 1 ? "it" : "them"}: ${report.unreadableDirectories.join(", ")}${report.unreadableCount > report.unreadableDirectories.length ? ", …" : ""}.`
                );
        }
    }

    private warnOnce(key: string, message: string): void {
        if (this.warned.has(key)) return;
        this.warned.add(key);
        this.log.write("warn", message);
        void vscode.window.showWarningMessage(message);
    }

    /** Runs `action` only once the index is open in this thread: before the first question there is nothing to follow. */
    private whenOpen(action: (client: IndexClient) => Promise<unknown>, what: string): void {
        if (!this.opened || this.opened.generation !== this.client.threadGeneration || !this.client.isRunning) return;
        void action(this.client).catch((error: unknown) => this.log.write("warn", `${what} failed: ${String(error)}`));
    }

    private reopen(): void {
        if (!this.opened) return;
        this.build?.controller.abort();
        this.opened = undefined;
        void this.open().then(
            () => this.startBuild(),
            (error: unknown) => this.log.write("warn", `Reopening the workspace index failed: ${String(error)}`)
        );
    }

    private async rebuild(): Promise<void> {
        this.build?.controller.abort();
        await this.idle();
        const storage = this.context.storageUri;
        if (!storage || this.folders().length === 0) {
            void vscode.window.showInformationMessage("Enclave: open a folder to index it.");
            return;
        }
        for (const file of this.indexFiles()) await deleteIndex(file);
        this.opened = undefined;
        await this.client.stop();
        await this.open();
        await this.startBuild().promise;
    }
}

function toRetrievedCode(hit: IndexHit): RetrievedCode {
    const uri = vscode.Uri.file(join(hit.rootPath, hit.path));
    return {
        uri: uri.toString(),
        fileName: vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
        languageId: hit.languageId,
        startLine: hit.startLine,
        endLine: hit.endLine,
        content: hit.content,
        ...(hit.symbol ? {symbol: hit.symbol} : {})
    };
}
