/**
 * The index of a folder on disk, in the extension's workspace storage, so that a reload starts from
 * it and reads only what changed. A file written by another format, for other rules or another
 * folder, or damaged, is not used: the caller rebuilds and says why. Writes go to a temporary file
 * renamed over the old one, so a crash mid-write leaves the previous index, never half of one.
 */
import {createHash, randomUUID} from "node:crypto";
import {mkdir, open, readFile, rename, rm} from "node:fs/promises";
import {dirname, join} from "node:path";
import {z} from "zod";
import {chunkLimits} from "./chunker";
import type {CrawlRules} from "./crawl";
import type {FolderIndexData} from "./folderIndex";
import {skipReasons} from "./fileRules";
import {grammarFiles} from "./grammars";

/** Raised whenever what is stored, or how it is read, changes meaning. */
const formatVersion = 1;


/** Everything that decides what the index holds: an index built under other rules is rebuilt. */
export function rulesKey(rules: CrawlRules): string {
    return createHash("sha256").update(JSON.stringify({formatVersion, rules, chunkLimits, grammars: grammarFiles})).digest("hex").slice(0, 16);
}

/** The index file of a folder: one per folder path, in the workspace's storage folder. */
export function indexFileFor(storageFolder: string, rootPath: string): string {
    return join(storageFolder, `${createHash("sha256").update(rootPath).digest("hex").slice(0, 16)}.json`);
}

const Envelope = z.object({
    formatVersion: z.literal(formatVersion),
    rootPath: z.string(),
    rulesKey: z.string(),
    data: z.object({
        files: z.array(z.tuple([z.string(), z.object({sizeBytes: z.number(), mtimeMs: z.number(), chunkIds: z.array(z.number().int()), skipped: z.enum(skipReasons).optional()})])),
        lexical: z.object({
            search: z.record(z.string(), z.unknown()),
            chunks: z.array(z.tuple([z.number().int(), z.object({path: z.string(), startLine: z.number().int(), endLine: z.number().int(), symbol: z.string().optional()})])),
            nextId: z.number().int()
        })
    })
});

export type StoredIndex = {ok: true; data: FolderIndexData} | {ok: false; reason: string};

export async function loadIndex(file: string, rootPath: string, rules: CrawlRules): Promise<StoredIndex> {
    let text: string;
    try {
        text = await readFile(file, "utf8");
    } catch (error) {
        return {ok: false, reason: (error as NodeJS.ErrnoException).code === "ENOENT" ? "no index yet" : `the index file could not be read (${String(error)})`};
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        return {ok: false, reason: "the index file was damaged"};
    }
    const version = (parsed as {formatVersion?: unknown} | null)?.formatVersion;
    if (version !== formatVersion) return {ok: false, reason: "the index was made by another version of Enclave"};
    const envelope = Envelope.safeParse(parsed);
    if (!envelope.success) return {ok: false, reason: "the index file was damaged"};
    if (envelope.data.rootPath !== rootPath) return {ok: false, reason: "the index belongs to another folder"};
    if (envelope.data.rulesKey !== rulesKey(rules)) return {ok: false, reason: "the index settings changed"};
    return {ok: true, data: envelope.data.data as unknown as FolderIndexData};
}

export async function saveIndex(file: string, rootPath: string, rules: CrawlRules, data: FolderIndexData): Promise<void> {
    await mkdir(dirname(file), {recursive: true});
    // Its own temporary file per write: threads of two windows on one workspace may save at once.
    const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
        await writeJson(temporary, {formatVersion, rootPath, rulesKey: rulesKey(rules), data});
        await rename(temporary, file);
    } finally {
        await rm(temporary, {force: true});
    }
}

/** Arrays longer than this are written in slices of it. */
const sliceLength = 2_000;

/**
 * JSON.stringify(value) written piece by piece: the long arrays (a term list of a large folder has
 * a million entries) a slice at a time, so that the index file never exists as one string in
 * memory — for a 50 MB corpus that string alone was ~100 MB more at the peak. Same text as
 * JSON.stringify for the plain data the index holds (objects, arrays, strings, numbers, booleans;
 * undefined properties left out).
 */
async function writeJson(file: string, value: unknown): Promise<void> {
    const handle = await open(file, "w");
    try {
        let pending: string[] = [];
        let pendingChars = 0;
        const write = async (text: string): Promise<void> => {
            pending.push(text);
            pendingChars += text.length;
            if (pendingChars >= 1 << 20) await flush();
        };
        const flush = async (): Promise<void> => {
            if (pending.length === 0) return;
            const text = pending.join("");
            pending = [];
            pendingChars = 0;
            await handle.write(text);
        };
        const put = async (item: unknown): Promise<void> => {
            if (Array.isArray(item) && item.length > sliceLength) {
                await write("[");
                for (let start = 0; start < item.length; start += sliceLength) {
                    if (start > 0) await write(",");
                    // Slices of elements, each as JSON.stringify writes it (null for undefined, as in an array).
                    await write(JSON.stringify(item.slice(start, start + sliceLength)).slice(1, -1));
                }
                await write("]");
            } else if (item !== null && typeof item === "object" && !Array.isArray(item) && Object.values(item).some((field) => Array.isArray(field) || (field !== null && typeof field === "object"))) {
                await write("{");
                let first = true;
                for (const [key, field] of Object.entries(item)) {
                    if (field === undefined || typeof field === "function") continue;
                    await write(`${first ? "" : ","}${JSON.stringify(key)}:`);
                    first = false;
                    await put(field);
                }
                await write("}");
            } else await write(JSON.stringify(item) ?? "null");
        };
        await put(value);
        await flush();
    } finally {
        await handle.close();
    }
}

export async function deleteIndex(file: string): Promise<void> {
    await rm(file, {force: true});
}
