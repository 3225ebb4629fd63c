/**
 * Checks a model file before Enclave installs or loads it, and says what is wrong in plain words:
 * not a GGUF file, a GGUF version llama.cpp can't read, cut off (in the header or in the tensor
 * data), damaged, an architecture the bundled llama.cpp doesn't know, no tokenizer, or — for the
 * first part of a split model — parts missing beside it. Every problem found is reported, not just
 * the first; checks that depend on a readable header are skipped when it isn't.
 *
 * Only node-llama-cpp's GGUF parser is used (plain JavaScript); nothing loads llama.cpp here.
 */
import {open, stat} from "node:fs/promises";
import path from "node:path";
import type {GgufFileInfo} from "node-llama-cpp";
import {describeError, type ModelProblem} from "./errors";
import {tensorDataBytes} from "./ggmlTypes";
import {splitPartNames, splitPartOf} from "./hfUri";
import {formatBytes} from "./units";

export interface GgufCheck {
    /** The file to load: the first part of a split model. */
    readonly entryPath: string;
    /** Every file of the model, first part first. */
    readonly parts: readonly string[];
    /** Total size of the parts that exist. */
    readonly sizeBytes: number;
    readonly problems: readonly ModelProblem[];
    /** The header (all parts spliced) when every part could be read. */
    readonly info?: GgufFileInfo;
}

export interface GgufCheckOptions {
    /** Exact sizes by file name (what the server announced for a download). */
    readonly expectedSizes?: ReadonlyMap<string, number>;
}

const ggufMagic = "GGUF";
const readableVersions = new Set([2, 3]);

export async function checkGgufFile(filePath: string, options: GgufCheckOptions = {}): Promise<GgufCheck> {
    const resolved = path.resolve(filePath);
    const dir = path.dirname(resolved);
    const split = splitPartOf(path.basename(resolved));
    const parts = split == null ? [resolved] : splitPartNames(split).map((name) => path.join(dir, name));
    const entryPath = parts[0] ?? resolved;
    const problems: ModelProblem[] = [];

    const sizes = new Map<string, number>();
    const missing: string[] = [];
    for (const part of parts) {
        const size = await fileSize(part, problems, part === resolved);
        if (size == null) missing.push(part);
        else sizes.set(part, size);
    }
    if (split != null && missing.length > 0 && !missing.includes(resolved)) {
        problems.push({
            code: "MissingParts",
            message: `${modelName(split.stem)} is split into ${split.parts} files, and ${missing.length === 1 ? "one of them is" : `${missing.length} of them are`} missing beside ${path.basename(resolved)}: ${missing.map((part) => path.basename(part)).join(", ")}.`
        });
    }
    const sizeBytes = [...sizes.values()].reduce((sum, size) => sum + size, 0);

    let allReadable = missing.length === 0;
    let firstInfo: GgufFileInfo | undefined;
    for (const [part, size] of sizes) {
        const info = await checkPart(part, size, options.expectedSizes?.get(path.basename(part)), problems);
        if (info == null) allReadable = false;
        if (part === entryPath) firstInfo = info;
    }
    if (firstInfo != null) await checkMetadata(path.basename(entryPath), firstInfo, problems);

    let info: GgufFileInfo | undefined = firstInfo;
    if (split != null && allReadable) {
        const {readGgufFileInfo} = await import("node-llama-cpp");
        info = await readGgufFileInfo(entryPath, {logWarnings: false});
    } else if (split != null) {
        info = undefined;
    }
    return {entryPath, parts, sizeBytes, problems, info};
}

async function fileSize(file: string, problems: ModelProblem[], report: boolean): Promise<number | undefined> {
    try {
        const stats = await stat(file);
        if (stats.isFile()) return stats.size;
        if (report) problems.push({code: "NotAFile", message: `${path.basename(file)} is a folder, not a model file.`});
        return undefined;
    } catch (error) {
        if (!report) return undefined;
        const code = (error as NodeJS.ErrnoException).code;
        problems.push({
            code: "NotFound",
            message: code === "ENOENT" ? `The file ${file} does not exist.` : `The file ${file} cannot be read (${code ?? describeError(error)}).`
        });
        return undefined;
    }
}

/** Magic, version, header and length of one file; returns its header when it could be read. */
async function checkPart(file: string, size: number, expectedSize: number | undefined, problems: ModelProblem[]): Promise<GgufFileInfo | undefined> {
    const name = path.basename(file);
    const head = await readHead(file);
    if (head.length < 4 || head.subarray(0, 4).toString("latin1") !== ggufMagic) {
        problems.push({code: "NotGguf", message: `${name} is not a GGUF model file (it does not start with "GGUF"). Enclave runs models in the GGUF format of llama.cpp.`});
        return undefined;
    }
    if (head.length < 8) {
        problems.push({code: "Truncated", message: `${name} ends right after its first bytes: it is incomplete. Download or copy it again.`});
        return undefined;
    }
    const version = head.readUInt32LE(4);
    if (!readableVersions.has(version)) {
        problems.push({code: "UnsupportedVersion", message: `${name} is a GGUF file of version ${version}; llama.cpp reads versions 2 and 3.`});
        return undefined;
    }

    let info: GgufFileInfo;
    try {
        const {readGgufFileInfo} = await import("node-llama-cpp");
        info = await readGgufFileInfo(file, {logWarnings: false, spliceSplitFiles: false});
    } catch (error) {
        // The fs reader's words for "the file ended before the header did".
        if (/long enough|out of range|end of (the )?file/i.test(describeError(error)))
            problems.push({code: "Truncated", message: `${name} ends inside its header (${formatBytes(size)}): it is incomplete. Download or copy it again.`});
        else
            problems.push({code: "Corrupt", message: `${name} is damaged: its GGUF header cannot be read. Download or copy it again.`});
        return undefined;
    }

    if (expectedSize != null && expectedSize !== size) {
        problems.push({code: "SizeMismatch", message: `${name} has ${size.toLocaleString("en")} bytes, but the server announced ${expectedSize.toLocaleString("en")}.`});
    }
    const needed = dataEnd(info);
    if (needed > size) {
        problems.push({
            code: "Truncated",
            message: `${name} is incomplete: it has ${formatBytes(size)} of the ${formatBytes(needed)} its header describes. Download or copy it again.`
        });
    }
    return info;
}

/** Where the last tensor's data ends: the least length a complete file has. */
function dataEnd(info: GgufFileInfo): number {
    let end = info.infoEndOffset ?? 0;
    for (const tensor of info.tensorInfo ?? []) {
        const bytes = tensorDataBytes(tensor.ggmlType, tensor.dimensions) ?? 0;
        end = Math.max(end, Number(tensor.fileOffset) + bytes);
    }
    return end;
}

async function checkMetadata(name: string, info: GgufFileInfo, problems: ModelProblem[]): Promise<void> {
    const architecture: unknown = info.metadata.general?.architecture;
    if (typeof architecture !== "string" || !(await knownArchitectures()).has(architecture)) {
        problems.push({
            code: "UnsupportedArchitecture",
            message: typeof architecture === "string"
                ? `${name} uses the model architecture "${architecture}", which the llama.cpp bundled with Enclave cannot run.`
                : `${name} does not say which model architecture it is (general.architecture is missing).`
        });
    }
    const tokenizer = info.metadata.tokenizer?.ggml;
    if (tokenizer?.model == null || tokenizer.tokens == null || tokenizer.tokens.length === 0) {
        problems.push({code: "NoTokenizer", message: `${name} has no tokenizer (no tokenizer.ggml metadata), so it cannot read or write text.`});
    }
}

let architectures: Promise<ReadonlySet<string>> | undefined;

/**
 * The architectures node-llama-cpp's bundled llama.cpp knows. `GgufArchitectureType` is declared a
 * const enum, but it is a real object at run time (see src/engine/worker/modelFile.ts).
 */
function knownArchitectures(): Promise<ReadonlySet<string>> {
    architectures ??= import("node-llama-cpp").then((module) =>
        new Set(Object.values((module as unknown as {GgufArchitectureType: Record<string, string>}).GgufArchitectureType)));
    return architectures;
}

async function readHead(file: string): Promise<Buffer> {
    const handle = await open(file, "r");
    try {
        const head = Buffer.alloc(8);
        const {bytesRead} = await handle.read(head, 0, 8, 0);
        return head.subarray(0, bytesRead);
    } finally {
        await handle.close();
    }
}

/** "DeepSeek-R1-UD-IQ1_S" from a split stem that may be a path. */
function modelName(stem: string): string {
    return path.basename(stem);
}
