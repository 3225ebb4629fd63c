/**
 * The index of one workspace folder: which files it holds (with the size and modification time it
 * read them at), their pieces in the lexical index, and the text of unsaved editors that stands in
 * for a file's disk content. `reconcile` brings it in line with the disk — a full build from empty,
 * or after a reload only the files that changed while nobody watched — and `update` follows single
 * files as the editor reports them.
 */
import {createHash} from "node:crypto";
import {lstat, open, readFile} from "node:fs/promises";
import {join} from "node:path";
import {chunkFile} from "./chunker";
import {crawlFolder, type CrawlReport, type CrawlRules, type FoundFile} from "./crawl";
import {isIndexedLanguage, languageOf, skipBeforeReading, skipByContent, type SkipReason} from "./fileRules";
import type {Grammars} from "./grammars";
import {ExcludeGlobs, isExcludedPath} from "./ignoreRules";
import {DamagedIndexError, LexicalIndex, type IndexedChunk, type RankedChunk} from "./lexicalIndex";

export interface FileEntry {
    sizeBytes: number;
    mtimeMs: number;
    chunkIds: number[];
    /** Set for a file read and left out by its content (binary, minified, generated): not read again until it changes. */
    skipped?: SkipReason;
}

export interface ReconcileProgress {
    phase: "listing" | "indexing";
    done: number;
    total: number;
}

export interface ReconcileReport extends Omit<CrawlReport, "files"> {
    files: number;
    chunks: number;
    /** Files read in this pass (new or changed); the rest were unchanged. */
    indexed: number;
    removed: number;
}

export interface FoundChunk extends RankedChunk {
    languageId: string;
    content: string;
}

/**
 * One piece of a folder's index file: its files and the places of its pieces in slices, then the
 * ranking database's size, checksum and next piece id, then its bytes in slices.
 */
export type FolderIndexPart =
    | {kind: "files"; items: Array<[string, FileEntry]>}
    | {kind: "chunks"; items: Array<[number, IndexedChunk]>}
    | {kind: "ranking"; bytes: number; sha256: string; nextId: number}
    | {kind: "rankingData"; data: Uint8Array};

/** Entries per files/chunks part. */
const partEntries = 2_000;
/** Bytes per rankingData part. */
const partBytes = 1 << 20;

function* slices<T>(entries: Iterable<T>): Generator<T[]> {
    let items: T[] = [];
    for (const entry of entries) {
        items.push(entry);
        if (items.length === partEntries) {
            yield items;
            items = [];
        }
    }
    if (items.length > 0) yield items;
}

export interface FolderIndexLoader {
    /** Throws DamagedIndexError for a part that cannot be of a stored index. */
    add(part: FolderIndexPart): void;
    /** Rejects with DamagedIndexError when the parts do not make one index. */
    finish(): Promise<FolderIndex>;
}

export class FolderIndex {
    private readonly overlays = new Map<string, string>();
    private changes = 0;
    private contentSkips: Partial<Record<SkipReason, number>> = {};

    private readonly excludeGlobs: ExcludeGlobs;

    private constructor(
        readonly rootPath: string,
        private readonly rules: CrawlRules,
        private readonly grammars: Grammars,
        private readonly files: Map<string, FileEntry>,
        private readonly lexical: LexicalIndex
    ) {
        this.excludeGlobs = new ExcludeGlobs(rules.excludeGlobs);
    }

    static async empty(rootPath: string, rules: CrawlRules, grammars: Grammars): Promise<FolderIndex> {
        return new FolderIndex(rootPath, rules, grammars, new Map(), await LexicalIndex.empty());
    }

    /** Takes the parts of a stored index one by one (FolderIndexLoader.add) and then opens it. */
    static loader(rootPath: string, rules: CrawlRules, grammars: Grammars): FolderIndexLoader {
        const files = new Map<string, FileEntry>();
        const chunks: Array<[number, IndexedChunk]> = [];
        let ranking: {bytes: Buffer; filled: number; sha256: string; nextId: number} | undefined;
        return {
            add: (part) => {
                if (part.kind === "files") for (const [path, entry] of part.items) files.set(path, entry);
                else if (part.kind === "chunks") for (const entry of part.items) chunks.push(entry);
                else if (part.kind === "ranking") {
                    if (ranking) throw new DamagedIndexError("two ranking parts");
                    ranking = {bytes: Buffer.alloc(part.bytes), filled: 0, sha256: part.sha256, nextId: part.nextId};
                } else {
                    if (!ranking || ranking.filled + part.data.length > ranking.bytes.length) throw new DamagedIndexError("ranking bytes out of place");
                    ranking.bytes.set(part.data, ranking.filled);
                    ranking.filled += part.data.length;
                }
            },
            finish: async () => {
                if (!ranking || ranking.filled !== ranking.bytes.length) throw new DamagedIndexError("the ranking is incomplete");
                if (createHash("sha256").update(ranking.bytes).digest("hex") !== ranking.sha256) throw new DamagedIndexError("the ranking's checksum differs");
                return new FolderIndex(rootPath, rules, grammars, files, await LexicalIndex.open(ranking.bytes, chunks, ranking.nextId));
            }
        };
    }

    /**
     * The index in parts for its file. Synchronous, and the caller writes each part before asking
     * for the next: every part is of one state of the index, and nothing but the ranking's bytes
     * (one copy of the database, a fraction of the index's memory) is copied.
     */
    *parts(): Generator<FolderIndexPart> {
        for (const items of slices(this.files)) yield {kind: "files", items};
        const {chunks, nextId} = this.lexical.pieces;
        for (const items of slices(chunks)) yield {kind: "chunks", items};
        const bytes = this.lexical.serialize();
        yield {kind: "ranking", bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), nextId};
        for (let start = 0; start < bytes.length; start += partBytes) yield {kind: "rankingData", data: bytes.subarray(start, start + partBytes)};
    }

    /** Frees the ranking database; the index is not used after. */
    close(): void {
        this.lexical.close();
    }

    /** Goes up with every change to what the index holds (a caller that must save can tell). */
    get revision(): number {
        return this.changes;
    }

    /** Files whose pieces are in the index. */
    get fileCount(): number {
        let count = 0;
        for (const entry of this.files.values()) if (entry.skipped === undefined) count++;
        return count;
    }

    get chunkCount(): number {
        return this.lexical.chunkCount;
    }

    has(path: string): boolean {
        const entry = this.files.get(path);
        return entry !== undefined && entry.skipped === undefined;
    }

    /** Reads what is new or changed on disk and drops what is gone. */
    async reconcile(signal: AbortSignal, onProgress: (progress: ReconcileProgress) => void): Promise<ReconcileReport> {
        onProgress({phase: "listing", done: 0, total: 0});
        const crawl = await crawlFolder(this.rootPath, this.rules, signal);
        const found = new Set(crawl.files.map((file) => file.path));
        let removed = 0;
        for (const path of [...this.files.keys()])
            if (!found.has(path)) {
                this.drop(path);
                removed++;
            }
        const changed = crawl.files.filter((file) => !this.isCurrent(file));
        this.contentSkips = {};
        for (const entry of this.files.values()) if (entry.skipped) this.contentSkips[entry.skipped] = (this.contentSkips[entry.skipped] ?? 0) + 1;
        let done = 0;
        for (const file of changed) {
            signal.throwIfAborted();
            await this.read(file);
            done++;
            if (done % 25 === 0 || done === changed.length) onProgress({phase: "indexing", done, total: changed.length});
        }
        return {
            skipped: {...crawl.skipped, ...this.contentSkips},
            unreadableDirectories: crawl.unreadableDirectories,
            unreadableCount: crawl.unreadableCount,
            truncated: crawl.truncated,
            files: this.fileCount,
            chunks: this.lexical.chunkCount,
            indexed: changed.length,
            removed
        };
    }

    /**
     * Follows files the editor reports as created, changed or deleted (a deleted folder removes
     * everything under it). Returns how many files' pieces changed.
     */
    async update(paths: readonly string[]): Promise<number> {
        const rules = this.rules;
        let changed = 0;
        let newFolders = false;
        for (const path of paths) {
            const stats = await lstat(join(this.rootPath, path)).catch(() => undefined);
            if (!stats) {
                changed += this.dropUnder(path);
                continue;
            }
            // A link is never followed (it may lead out of the folder), as in the crawl: lstat, and
            // no linked folder on the way.
            if (stats.isDirectory() && !(await this.throughLink(path))) {
                // A folder that appeared (a branch switch, a paste, a move) may arrive as one event for all its files.
                newFolders = true;
                continue;
            }
            if (!stats.isFile() || (await this.throughLink(path))) {
                if (stats.isSymbolicLink()) changed += this.dropUnder(path);
                continue;
            }
            if (!isIndexedLanguage(path) || (await isExcludedPath(this.rootPath, path, this.excludeGlobs, rules.useGitignore)) || skipBeforeReading(path, stats.size, rules.maxFileBytes) || (!this.files.has(path) && this.files.size >= rules.maxFiles)) {
                if (this.files.has(path)) {
                    this.drop(path);
                    changed++;
                }
                continue;
            }
            const file = {path, sizeBytes: stats.size, mtimeMs: stats.mtimeMs};
            if (this.isCurrent(file)) continue;
            await this.read(file);
            changed++;
        }
        if (newFolders) {
            // Lists the folder again but reads only what is new or changed.
            const report = await this.reconcile(new AbortController().signal, () => undefined);
            changed += report.indexed + report.removed;
        }
        return changed;
    }

    /** Unsaved text of an open editor stands in for the file until it is saved or closed (`text` undefined). */
    async setOverlay(path: string, text: string | undefined): Promise<void> {
        if (text === undefined) {
            // Closed or saved: the disk copy counts again.
            if (this.overlays.delete(path)) {
                this.drop(path);
                await this.update([path]);
            }
            return;
        }
        if (text.length > this.rules.maxFileBytes || !isIndexedLanguage(path) || (await isExcludedPath(this.rootPath, path, this.excludeGlobs, this.rules.useGitignore))) return;
        this.overlays.set(path, text);
        const entry = this.files.get(path);
        await this.index(path, text, entry?.sizeBytes ?? text.length, entry?.mtimeMs ?? 0);
    }

    /** The best pieces for `query`, with their current text (a file that has gone is dropped). */
    async search(query: string, limit: number): Promise<FoundChunk[]> {
        const found: FoundChunk[] = [];
        for (const chunk of this.lexical.rank(query, limit)) {
            const text = this.overlays.get(chunk.path) ?? (await readFile(join(this.rootPath, chunk.path), "utf8").catch(() => undefined));
            if (text === undefined) {
                this.drop(chunk.path);
                continue;
            }
            const lines = text.split("\n");
            if (chunk.startLine > lines.length) continue;
            const endLine = Math.min(chunk.endLine, lines.length);
            found.push({...chunk, endLine, languageId: languageOf(chunk.path), content: lines.slice(chunk.startLine - 1, endLine).join("\n")});
        }
        return found;
    }

    /** Whether a folder on the way to `path` is a symbolic link. */
    private async throughLink(path: string): Promise<boolean> {
        const parts = path.split("/");
        for (let depth = 1; depth < parts.length; depth++) {
            const stats = await lstat(join(this.rootPath, ...parts.slice(0, depth))).catch(() => undefined);
            if (!stats || stats.isSymbolicLink()) return true;
        }
        return false;
    }

    /** Unchanged on disk since it was read (a file with an overlay keeps the disk's size and time, so it counts too). */
    private isCurrent(file: FoundFile): boolean {
        const entry = this.files.get(file.path);
        return entry !== undefined && entry.mtimeMs === file.mtimeMs && entry.sizeBytes === file.sizeBytes;
    }

    private async read(file: FoundFile): Promise<void> {
        // The editor's unsaved text still stands for the file: the disk's new time and size are noted under it.
        const overlay = this.overlays.get(file.path);
        if (overlay !== undefined) {
            await this.index(file.path, overlay, file.sizeBytes, file.mtimeMs);
            return;
        }
        let bytes: Buffer;
        try {
            bytes = await readBounded(join(this.rootPath, file.path), this.rules.maxFileBytes);
        } catch {
            this.drop(file.path);
            return;
        }
        if (bytes.length > this.rules.maxFileBytes) {
            // It grew past the limit after it was listed.
            this.drop(file.path);
            return;
        }
        const reason = skipByContent(bytes);
        if (reason) {
            this.contentSkips[reason] = (this.contentSkips[reason] ?? 0) + 1;
            this.drop(file.path);
            this.files.set(file.path, {sizeBytes: file.sizeBytes, mtimeMs: file.mtimeMs, chunkIds: [], skipped: reason});
            return;
        }
        await this.index(file.path, bytes.toString("utf8"), file.sizeBytes, file.mtimeMs);
    }

    private async index(path: string, text: string, sizeBytes: number, mtimeMs: number): Promise<void> {
        const spans = chunkFile(text, await this.grammars.parserFor(languageOf(path)));
        this.drop(path);
        const lines = text.split("\n");
        const chunkIds: number[] = [];
        for (const span of spans) {
            const content = lines.slice(span.startLine - 1, span.endLine).join("\n");
            chunkIds.push(this.lexical.add({path, startLine: span.startLine, endLine: span.endLine, ...(span.symbol ? {symbol: span.symbol} : {})}, content));
        }
        this.files.set(path, {sizeBytes, mtimeMs, chunkIds});
        this.changes++;
    }

    private drop(path: string): void {
        const entry = this.files.get(path);
        if (!entry) return;
        this.lexical.discard(entry.chunkIds);
        this.files.delete(path);
        this.changes++;
    }

    private dropUnder(path: string): number {
        let dropped = 0;
        for (const known of [...this.files.keys()])
            if (known === path || known.startsWith(`${path}/`)) {
                this.drop(known);
                dropped++;
            }
        this.overlays.delete(path);
        return dropped;
    }
}

/** At most `limit` + 1 bytes of a file: one that grew past the size limit after it was listed is never read whole. */
async function readBounded(path: string, limit: number): Promise<Buffer> {
    const handle = await open(path, "r");
    try {
        const size = (await handle.stat()).size;
        const buffer = Buffer.alloc(Math.min(size, limit) + 1);
        let filled = 0;
        while (filled < buffer.length) {
            const {bytesRead} = await handle.read(buffer, filled, buffer.length - filled, filled);
            if (bytesRead === 0) break;
            filled += bytesRead;
        }
        return buffer.subarray(0, filled);
    } finally {
        await handle.close();
    }
}
