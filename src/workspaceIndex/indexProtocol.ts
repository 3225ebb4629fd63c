/**
 * The channel between the extension host (indexClient.ts) and the workspace index's worker thread
 * (indexWorker.ts), over the same RPC layer as the model process (src/engine/channel/). The thread
 * holds the index of every workspace folder, builds and follows it, and answers searches, so that
 * reading and ranking thousands of files never blocks the extension host's event loop.
 */
import {z} from "zod";
import {rpcMessages} from "../engine/channel/rpcMessages";

const Count = z.number().int().nonnegative();
const Path = z.string().min(1).max(4_096);

const Rules = z.object({
    excludeGlobs: z.array(z.string().max(1_000)).max(1_000).readonly(),
    useGitignore: z.boolean(),
    maxFileBytes: Count,
    maxFiles: Count
});

const Folder = z.object({
    rootPath: Path,
    /** Where its index is kept (the extension's workspace storage). */
    indexFile: Path,
    rules: Rules
});
export type IndexedFolder = z.infer<typeof Folder>;

const FolderState = z.object({
    rootPath: Path,
    files: Count,
    chunks: Count,
    /** True once a build has been through the whole folder (or it was loaded from disk). */
    ready: z.boolean(),
    /** Why a stored index was not used ("the index file was damaged"), when it was not. */
    rebuiltBecause: z.string().optional()
});
export type FolderState = z.infer<typeof FolderState>;

const Skipped = z.record(z.string(), Count);
const BuildReport = z.object({
    rootPath: Path,
    files: Count,
    chunks: Count,
    indexed: Count,
    removed: Count,
    skipped: Skipped,
    unreadableDirectories: z.array(z.string()),
    unreadableCount: Count,
    truncated: z.boolean()
});
export type BuildReport = z.infer<typeof BuildReport>;

const BuildProgress = z.object({rootPath: Path, phase: z.enum(["listing", "indexing"]), done: Count, total: Count});
export type BuildProgress = z.infer<typeof BuildProgress>;

const Hit = z.object({
    rootPath: Path,
    path: Path,
    startLine: z.number().int().positive(),
    endLine: z.number().int().positive(),
    symbol: z.string().optional(),
    languageId: z.string(),
    content: z.string(),
    score: z.number()
});
export type IndexHit = z.infer<typeof Hit>;

export const indexMethods = {
    /** The folders to index and where the grammars are; loads each folder's stored index when it can. */
    open: {params: z.object({folders: z.array(Folder).max(100), grammarsFolder: Path}), event: z.never(), result: z.object({folders: z.array(FolderState)})},
    /** Reads what is new or changed in every folder, drops what is gone, and saves. A cancel keeps what was read. */
    build: {params: z.object({}), event: BuildProgress, result: z.object({folders: z.array(BuildReport)})},
    /** Files the editor saw created, changed or deleted (folder-relative paths). */
    update: {params: z.object({rootPath: Path, paths: z.array(Path).max(100_000)}), event: z.never(), result: z.object({changed: Count})},
    /** An open editor's unsaved text (or null once it is saved or closed). */
    overlay: {params: z.object({rootPath: Path, path: Path, text: z.string().nullable()}), event: z.never(), result: z.object({})},
    search: {params: z.object({query: z.string().max(100_000), limit: z.number().int().positive().max(200)}), event: z.never(), result: z.object({hits: z.array(Hit)})},
    status: {params: z.object({}), event: z.never(), result: z.object({folders: z.array(FolderState)})},
    /** Writes every folder's index now (before the thread is stopped). */
    save: {params: z.object({}), event: z.never(), result: z.object({})}
} as const;
export type IndexMethods = typeof indexMethods;

const indexNotifications = {} as const;
export type IndexNotifications = typeof indexNotifications;

const IndexFailure = z.object({message: z.string(), cancelled: z.boolean()});
export type IndexFailure = z.infer<typeof IndexFailure>;

export const indexMessages = rpcMessages(indexMethods, indexNotifications, IndexFailure);
