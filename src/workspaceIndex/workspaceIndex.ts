/**
 * The index of every folder of a workspace: opened from the stored indexes, built and followed,
 * searched as one (hits of all folders ranked together), and saved — after a build, and a few
 * seconds after the last change so that a burst of saves (a branch switch) writes once. Runs in the
 * index's worker thread (indexWorker.ts); plain Node, tested in-process.
 */
import {FolderIndex} from "./folderIndex";
import {Grammars} from "./grammars";
import type {BuildProgress, BuildReport, FolderState, IndexHit, IndexedFolder} from "./indexProtocol";
import {loadIndex, saveIndex} from "./indexStore";

interface OpenFolder {
    config: IndexedFolder;
    index: FolderIndex;
    ready: boolean;
    rebuiltBecause?: string;
    dirty: boolean;
}

export interface WorkspaceIndexOptions {
    /** How long after the last change the indexes are written. */
    saveDelayMs?: number;
    log?(message: string): void;
}

/** The stored index of a folder, opened; or why it cannot be used. */
export async function openStoredIndex(config: IndexedFolder, grammars: Grammars): Promise<{ok: true; index: FolderIndex} | {ok: false; reason: string}> {
    const loader = FolderIndex.loader(config.rootPath, config.rules, grammars);
    const stored = await loadIndex(config.indexFile, config.rootPath, config.rules, (part) => loader.add(part));
    if (!stored.ok) return stored;
    try {
        return {ok: true, index: await loader.finish()};
    } catch {
        return {ok: false, reason: "the index file was damaged"};
    }
}

export class WorkspaceIndex {
    private folders: OpenFolder[] = [];
    private grammars: Grammars | undefined;
    private saveTimer: NodeJS.Timeout | undefined;
    private building: Promise<unknown> | undefined;
    private saving: Promise<void> = Promise.resolve();

    constructor(private readonly options: WorkspaceIndexOptions = {}) {}

    async open(folders: readonly IndexedFolder[], grammarsFolder: string): Promise<FolderState[]> {
        // A save under way finishes first: it writes from the indexes about to be closed.
        await this.saving;
        this.grammars?.dispose();
        const grammars = new Grammars(grammarsFolder, (message) => this.options.log?.(message));
        this.grammars = grammars;
        this.closeFolders();
        for (const config of folders) {
            const stored = await openStoredIndex(config, grammars);
            const index = stored.ok ? stored.index : undefined;
            const rebuiltBecause = stored.ok ? undefined : stored.reason;
            this.folders.push({
                config,
                index: index ?? (await FolderIndex.empty(config.rootPath, config.rules, grammars)),
                ready: index !== undefined,
                dirty: false,
                ...(rebuiltBecause !== undefined && rebuiltBecause !== "no index yet" ? {rebuiltBecause} : {})
            });
        }
        return this.status();
    }

    status(): FolderState[] {
        return this.folders.map((folder) => ({
            rootPath: folder.config.rootPath,
            files: folder.index.fileCount,
            chunks: folder.index.chunkCount,
            ready: folder.ready,
            ...(folder.rebuiltBecause ? {rebuiltBecause: folder.rebuiltBecause} : {})
        }));
    }

    /** One build at a time: a second caller waits for the first and then builds what is left. */
    async build(signal: AbortSignal, onProgress: (progress: BuildProgress) => void): Promise<BuildReport[]> {
        while (this.building) await this.building.catch(() => undefined);
        const run = this.buildAll(signal, onProgress);
        this.building = run;
        try {
            return await run;
        } finally {
            this.building = undefined;
        }
    }

    async update(rootPath: string, paths: readonly string[]): Promise<number> {
        const folder = this.folder(rootPath);
        const changed = await folder.index.update(paths);
        if (changed > 0) this.changed(folder);
        return changed;
    }

    async overlay(rootPath: string, path: string, text: string | null): Promise<void> {
        const folder = this.folder(rootPath);
        await folder.index.setOverlay(path, text ?? undefined);
        this.changed(folder);
    }

    /** The best pieces over all folders. */
    async search(query: string, limit: number): Promise<IndexHit[]> {
        const hits: IndexHit[] = [];
        for (const folder of this.folders) {
            const revision = folder.index.revision;
            for (const chunk of await folder.index.search(query, limit)) hits.push({rootPath: folder.config.rootPath, ...chunk});
            // A search drops the pieces of a file that has gone (its delete event may come later, or
            // never): that is a change to save like any other.
            if (folder.index.revision !== revision) this.changed(folder);
        }
        return hits.sort((a, b) => b.score - a.score).slice(0, limit);
    }

    /** One save at a time: a save asked for while one writes runs after it (two writers would mix their bytes). */
    save(): Promise<void> {
        clearTimeout(this.saveTimer);
        this.saveTimer = undefined;
        const run = this.saving.then(() => this.saveDirty());
        this.saving = run.catch(() => undefined);
        return run;
    }

    private async saveDirty(): Promise<void> {
        for (const folder of this.folders) {
            if (!folder.dirty) continue;
            folder.dirty = false;
            try {
                await saveIndex(folder.config.indexFile, folder.config.rootPath, folder.config.rules, folder.index.parts());
            } catch (error) {
                folder.dirty = true;
                this.options.log?.(`The index of ${folder.config.rootPath} could not be saved: ${String(error)}`);
            }
        }
    }

    dispose(): void {
        clearTimeout(this.saveTimer);
        this.grammars?.dispose();
        this.closeFolders();
    }

    private closeFolders(): void {
        for (const folder of this.folders) folder.index.close();
        this.folders = [];
    }

    private async buildAll(signal: AbortSignal, onProgress: (progress: BuildProgress) => void): Promise<BuildReport[]> {
        const reports: BuildReport[] = [];
        const finished = new Set<OpenFolder>();
        try {
            for (const folder of this.folders) {
                const rootPath = folder.config.rootPath;
                const report = await folder.index.reconcile(signal, (progress) => onProgress({rootPath, ...progress}));
                folder.ready = true;
                // A reload that found nothing changed writes nothing: the stored index is already this one.
                folder.dirty ||= report.indexed > 0 || report.removed > 0;
                finished.add(folder);
                reports.push({rootPath, ...report});
            }
        } finally {
            // A cancelled build keeps what it read: the next one starts from there.
            for (const folder of this.folders) if (!finished.has(folder) && folder.index.fileCount > 0) folder.dirty = true;
            await this.save();
        }
        return reports;
    }

    private folder(rootPath: string): OpenFolder {
        const folder = this.folders.find((candidate) => candidate.config.rootPath === rootPath);
        if (!folder) throw new Error(`${rootPath} is not an indexed folder.`);
        return folder;
    }

    private changed(folder: OpenFolder): void {
        folder.dirty = true;
        clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => void this.save(), this.options.saveDelayMs ?? 5_000);
        this.saveTimer.unref?.();
    }
}
