/**
 * "Import GGUF File…": puts a local model file into the models folder — copied, or linked when
 * asked (the file stays where it is, e.g. on another disk) — after checking it (ggufCheck.ts).
 * Picking any part of a split model imports all of its parts. A copy is written under a temporary
 * name and renamed when complete, so an interrupted copy never leaves a file under the final name.
 */
import {constants, createReadStream, createWriteStream} from "node:fs";
import {copyFile, link, mkdir, realpath, rename, rm, stat, symlink} from "node:fs/promises";
import path from "node:path";
import {Transform} from "node:stream";
import {pipeline} from "node:stream/promises";
import {ModelError, describeError} from "./errors";
import {checkGgufFile, problemsMessage} from "./ggufCheck";

export interface ImportOptions {
    /** "copy" (default) or "link": a symbolic link, or a hard link where symbolic links aren't allowed. */
    readonly mode?: "copy" | "link";
    readonly signal?: AbortSignal;
    readonly onProgress?: (copiedBytes: number, totalBytes: number) => void;
}

export interface ImportedModel {
    /** The file to load (the first part of a split model), in the models folder. */
    readonly entryPath: string;
    readonly files: readonly string[];
    readonly sizeBytes: number;
    readonly linked: boolean;
    /** The same file was already there; nothing was copied. */
    readonly alreadyInstalled: boolean;
}

export async function importGguf(sourcePath: string, modelsDir: string, options: ImportOptions = {}): Promise<ImportedModel> {
    const check = await checkGgufFile(sourcePath);
    if (check.problems.length > 0) {
        throw new ModelError("InvalidModel", problemsMessage(check), check.problems);
    }
    await mkdir(modelsDir, {recursive: true});
    const targets = check.parts.map((part) => path.join(modelsDir, path.basename(part)));

    const existing = await Promise.all(check.parts.map((part, i) => sameFileThere(part, targets[i] ?? "")));
    if (existing.every(Boolean))
        return {entryPath: targets[0] ?? "", files: targets, sizeBytes: check.sizeBytes, linked: false, alreadyInstalled: true};

    const linked = options.mode === "link";
    let copied = 0;
    for (const [i, part] of check.parts.entries()) {
        const target = targets[i] ?? "";
        if (existing[i] === true) continue;
        if (linked) await linkInto(part, target);
        else copied = await copyInto(part, target, copied, check.sizeBytes, options);
    }
    return {entryPath: targets[0] ?? "", files: targets, sizeBytes: check.sizeBytes, linked, alreadyInstalled: false};
}

/** True when `target` is `source` itself or a file of the same size; a different file of that name is an error. */
async function sameFileThere(source: string, target: string): Promise<boolean> {
    const targetStats = await stat(target).catch(() => undefined);
    if (targetStats == null) return false;
    if ((await realpath(source)) === (await realpath(target))) return true;
    if (targetStats.size === (await stat(source)).size) return true;
    throw new ModelError(
        "AlreadyExists",
        `The models folder already has a different file named ${path.basename(target)}. Delete it first, or rename the file you import.`
    );
}

async function linkInto(source: string, target: string): Promise<void> {
    const absolute = await realpath(source);
    try {
        await symlink(absolute, target, "file");
    } catch (symlinkError) {
        // Windows allows symbolic links only in developer mode; a hard link works on the same volume.
        try {
            await link(absolute, target);
        } catch {
            throw new ModelError(
                "LinkFailed",
                `${path.basename(source)} cannot be linked into the models folder (${(symlinkError as NodeJS.ErrnoException).code ?? "error"}). Copy it instead.`,
                [],
                describeError(symlinkError)
            );
        }
    }
}

/** Copies through a temporary name; returns the bytes copied so far over all parts. */
async function copyInto(source: string, target: string, copiedBefore: number, totalBytes: number, options: ImportOptions): Promise<number> {
    const temp = `${target}.import-${process.pid}-${Date.now().toString(36)}.tmp`;
    const size = (await stat(source)).size;
    try {
        try {
            // A copy-on-write clone is instant where the file system supports it (APFS, Btrfs, XFS, ReFS).
            await copyFile(source, temp, constants.COPYFILE_FICLONE_FORCE);
        } catch {
            await streamCopy(source, temp, (bytes) => options.onProgress?.(copiedBefore + bytes, totalBytes), options.signal);
        }
        if ((await stat(temp)).size !== size) throw new Error("the copy is shorter than the original");
        await rename(temp, target);
    } catch (error) {
        await rm(temp, {force: true});
        if (options.signal?.aborted === true) throw new ModelError("Cancelled", "The import was cancelled.");
        throw new ModelError("CopyFailed", `${path.basename(source)} could not be copied into the models folder.`, [], describeError(error));
    }
    options.onProgress?.(copiedBefore + size, totalBytes);
    return copiedBefore + size;
}

async function streamCopy(source: string, target: string, onProgress: (bytes: number) => void, signal: AbortSignal | undefined): Promise<void> {
    let bytes = 0;
    const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
            bytes += chunk.length;
            onProgress(bytes);
            callback(null, chunk);
        }
    });
    await pipeline(createReadStream(source), counter, createWriteStream(target), {signal});
}
