/**
 * The index of a folder on disk, in the extension's workspace storage, so that a reload starts from
 * it and reads only what changed. A file written by another format, for other rules or another
 * folder, or damaged, is not used: the caller rebuilds and says why. Writes go to a temporary file
 * renamed over the old one, so a crash mid-write leaves the previous index, never half of one.
 */
import {createHash, randomUUID} from "node:crypto";
import {closeSync, createReadStream, openSync, writeSync} from "node:fs";
import {mkdir, open, rename, rm} from "node:fs/promises";
import {createInterface} from "node:readline";
import {dirname, join} from "node:path";
import {z} from "zod";
import {chunkLimits} from "./chunker";
import type {CrawlRules} from "./crawl";
import type {FolderIndexPart} from "./folderIndex";
import {skipReasons} from "./fileRules";
import {grammarFiles} from "./grammars";
import {DamagedIndexError} from "./lexicalIndex";

/** Raised whenever what is stored, or how it is read, changes meaning. */
const formatVersion = 2;

/** Everything that decides what the index holds: an index built under other rules is rebuilt. */
export function rulesKey(rules: CrawlRules): string {
    return createHash("sha256").update(JSON.stringify({formatVersion, rules, chunkLimits, grammars: grammarFiles})).digest("hex").slice(0, 16);
}

/** The index file of a folder: one per folder path, in the workspace's storage folder. */
export function indexFileFor(storageFolder: string, rootPath: string): string {
    return join(storageFolder, `${createHash("sha256").update(rootPath).digest("hex").slice(0, 16)}.json`);
}

/*
 * The file is JSON lines: a header {formatVersion, rootPath, rulesKey}, then one line per part of
 * the index (FolderIndex.parts: [kind, body]; the ranking database's bytes in base64), then
 * ["end", counts]. A line holds at most a few thousand entries or a megabyte, so neither writing
 * nor reading holds the index as one string; a file cut short lacks the end line (or its counts
 * differ) and is not used.
 */
const Header = z.object({formatVersion: z.number(), rootPath: z.string(), rulesKey: z.string()});
const FileEntrySchema = z.object({sizeBytes: z.number(), mtimeMs: z.number(), chunkIds: z.array(z.number().int()), skipped: z.enum(skipReasons).optional()});
const ChunkSchema = z.object({path: z.string(), startLine: z.number().int(), endLine: z.number().int(), symbol: z.string().optional()});
const count = z.number().int().nonnegative();
const bodies = {
    files: z.array(z.tuple([z.string(), FileEntrySchema])),
    chunks: z.array(z.tuple([z.number().int(), ChunkSchema])),
    ranking: z.object({bytes: count, sha256: z.string().regex(/^[0-9a-f]{64}$/), nextId: count}),
    rankingData: z.string().base64(),
    end: z.object({files: count, chunks: count, rankingBytes: count})
};

/** What the loader is given: each part of the stored index in order (throws when one cannot be). */
export type PartSink = (part: FolderIndexPart) => void;

export type StoredIndex = {ok: true} | {ok: false; reason: string};

const damaged: StoredIndex = {ok: false, reason: "the index file was damaged"};
/** A header longer than this is not one of ours (an index of format 1 was one line of the whole index). */
const maxHeaderBytes = 64 * 1024;

/** Reads the stored index of `rootPath` into `sink` part by part; `ok` only when all of it was good and in. */
export async function loadIndex(file: string, rootPath: string, rules: CrawlRules, sink: PartSink): Promise<StoredIndex> {
    let header: {text: string; bytes: number};
    try {
        header = await readHeader(file);
    } catch (error) {
        return {ok: false, reason: (error as NodeJS.ErrnoException).code === "ENOENT" ? "no index yet" : `the index file could not be read (${String(error)})`};
    }
    const version = /^\{"formatVersion":(\d+)/.exec(header.text)?.[1];
    if (version !== undefined && Number(version) !== formatVersion) return {ok: false, reason: "the index was made by another version of Enclave"};
    let parsedHeader: z.infer<typeof Header>;
    try {
        const parsed = Header.safeParse(JSON.parse(header.text));
        if (!parsed.success) return parsed.error.issues.some((issue) => issue.path[0] === "formatVersion") ? {ok: false, reason: "the index was made by another version of Enclave"} : damaged;
        parsedHeader = parsed.data;
    } catch {
        return damaged;
    }
    if (parsedHeader.formatVersion !== formatVersion) return {ok: false, reason: "the index was made by another version of Enclave"};
    if (parsedHeader.rootPath !== rootPath) return {ok: false, reason: "the index belongs to another folder"};
    if (parsedHeader.rulesKey !== rulesKey(rules)) return {ok: false, reason: "the index settings changed"};

    const seen = {files: 0, chunks: 0, rankingBytes: 0};
    const stream = createReadStream(file, {encoding: "utf8", start: header.bytes});
    const lines = createInterface({input: stream, crlfDelay: Infinity});
    let ended = false;
    try {
        for await (const text of lines) {
            if (ended) return damaged;
            const line: unknown = JSON.parse(text);
            if (!Array.isArray(line) || line.length !== 2) return damaged;
            const [kind, body] = line as [unknown, unknown];
            if (kind === "files") {
                const files = bodies.files.safeParse(body);
                if (!files.success) return damaged;
                seen.files += files.data.length;
                sink({kind, items: files.data});
            } else if (kind === "chunks") {
                const chunks = bodies.chunks.safeParse(body);
                if (!chunks.success) return damaged;
                seen.chunks += chunks.data.length;
                sink({kind, items: chunks.data});
            } else if (kind === "ranking") {
                const ranking = bodies.ranking.safeParse(body);
                if (!ranking.success) return damaged;
                sink({kind, ...ranking.data});
            } else if (kind === "rankingData") {
                const data = bodies.rankingData.safeParse(body);
                if (!data.success) return damaged;
                const bytes = Buffer.from(data.data, "base64");
                seen.rankingBytes += bytes.length;
                sink({kind, data: bytes});
            } else if (kind === "end") {
                const counts = bodies.end.safeParse(body);
                if (!counts.success || counts.data.files !== seen.files || counts.data.chunks !== seen.chunks || counts.data.rankingBytes !== seen.rankingBytes) return damaged;
                ended = true;
            } else return damaged;
        }
    } catch (error) {
        return error instanceof SyntaxError || error instanceof DamagedIndexError ? damaged : {ok: false, reason: `the index file could not be read (${String(error)})`};
    } finally {
        lines.close();
        stream.destroy();
    }
    return ended ? {ok: true} : damaged;
}

/** The first line of the file, and how many bytes it takes with its newline. */
async function readHeader(file: string): Promise<{text: string; bytes: number}> {
    const handle = await open(file, "r");
    try {
        const buffer = Buffer.alloc(maxHeaderBytes);
        const {bytesRead} = await handle.read(buffer, 0, buffer.length, 0);
        const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
        const text = buffer.subarray(0, end < 0 ? bytesRead : end).toString("utf8");
        return {text, bytes: end < 0 ? bytesRead : end + 1};
    } finally {
        await handle.close();
    }
}

/**
 * Writes the index of `rootPath` to `file` through a temporary file of its own. The parts are
 * written synchronously: nothing may change the index between its first line and its last, and a
 * snapshot of the file list and the pieces' places would be a second copy of them. This runs in
 * the index's worker thread, so the extension host's event loop never waits for it.
 */
export async function saveIndex(file: string, rootPath: string, rules: CrawlRules, parts: Iterable<FolderIndexPart>): Promise<void> {
    await mkdir(dirname(file), {recursive: true});
    // Its own temporary file per write: threads of two windows on one workspace may save at once.
    const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
        writeParts(temporary, rootPath, rules, parts);
        await rename(temporary, file);
    } finally {
        await rm(temporary, {force: true});
    }
}

function writeParts(file: string, rootPath: string, rules: CrawlRules, parts: Iterable<FolderIndexPart>): void {
    const descriptor = openSync(file, "w");
    try {
        let pending: string[] = [];
        let pendingChars = 0;
        const flush = (): void => {
            if (pending.length > 0) writeSync(descriptor, pending.join(""));
            pending = [];
            pendingChars = 0;
        };
        const line = (value: unknown): void => {
            const text = `${JSON.stringify(value)}\n`;
            pending.push(text);
            pendingChars += text.length;
            if (pendingChars >= 1 << 20) flush();
        };
        line({formatVersion, rootPath, rulesKey: rulesKey(rules)});
        const counts = {files: 0, chunks: 0, rankingBytes: 0};
        for (const part of parts) {
            if (part.kind === "ranking") line(["ranking", {bytes: part.bytes, sha256: part.sha256, nextId: part.nextId}]);
            else if (part.kind === "rankingData") {
                counts.rankingBytes += part.data.length;
                line(["rankingData", Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength).toString("base64")]);
            } else {
                counts[part.kind] += part.items.length;
                line([part.kind, part.items]);
            }
        }
        line(["end", counts]);
        flush();
    } finally {
        closeSync(descriptor);
    }
}

export async function deleteIndex(file: string): Promise<void> {
    await rm(file, {force: true});
}
