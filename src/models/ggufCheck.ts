/**
 * Checks a model file before Enclave installs, lists or loads it — Import and the model process's
 * load run this same check — and says what is wrong in plain words: not a file (a folder, a FIFO, a
 * link loop), empty, not a GGUF file, a GGUF version llama.cpp can't read, cut off (in the header
 * or in the tensor data), damaged (counts and lengths no file can hold: ggufPrescan.ts), numbers
 * llama.cpp would abort on (ggufSanity.ts), NaN or infinite weights (ggufWeights.ts), an
 * architecture the bundled llama.cpp doesn't know, no tokenizer, or — for the first part of a split
 * model — parts missing beside it. Every problem found is reported, not just the first; checks that
 * depend on a readable header are skipped when it isn't.
 *
 * Only plain JavaScript runs here (our bounded walk first, then node-llama-cpp's GGUF parser);
 * nothing loads llama.cpp.
 */
import type {Stats} from "node:fs";
import {open, stat} from "node:fs/promises";
import path from "node:path";
import type {GgufFileInfo} from "node-llama-cpp";
import {describeError, type ModelProblem} from "./errors";
import {prescanGguf} from "./ggufPrescan";
import {implausibleModel} from "./ggufSanity";
import {sampleWeights} from "./ggufWeights";
import {splitPartNames, splitPartOf} from "./hfUri";
import {formatFileSize} from "./units";

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
    let info: GgufFileInfo | undefined = firstInfo;
    if (split != null && allReadable) {
        const {readGgufFileInfo} = await import("node-llama-cpp");
        info = await readGgufFileInfo(entryPath, {logWarnings: false});
    } else if (split != null) {
        info = undefined;
    }
    // The shapes are checked over all of a split model's tensors, so only when every part was read.
    if (firstInfo != null) await checkMetadata(path.basename(entryPath), firstInfo, info, problems);
    return {entryPath, parts, sizeBytes, problems, info};
}

/** One sentence for all of a check's problems (the file's name is in each). */
export function problemsMessage(check: GgufCheck): string {
    if (check.problems.length === 1) return check.problems[0]?.message ?? "";
    return `${path.basename(check.entryPath)} cannot be used: ${check.problems.map((problem) => problem.message).join(" ")}`;
}

async function fileSize(file: string, problems: ModelProblem[], report: boolean): Promise<number | undefined> {
    const name = path.basename(file);
    try {
        const stats = await stat(file);
        if (stats.isFile()) return stats.size;
        if (report) problems.push({code: "NotAFile", message: `${name} is ${kindOf(stats)}, not a model file.`});
        return undefined;
    } catch (error) {
        if (report) problems.push(unreadable(file, error));
        return undefined;
    }
}

/** Why `file` could not be looked at or opened, in plain words. */
function unreadable(file: string, error: unknown): ModelProblem {
    const name = path.basename(file);
    const code = (error as NodeJS.ErrnoException).code;
    return {
        code: "NotFound",
        message: code === "ENOENT"
            ? `The file ${file} does not exist.`
            : code === "ELOOP"
                ? `${name} is a symbolic link that leads back to itself (a link loop), so there is no file to read.`
                : code === "EACCES" || code === "EPERM"
                    ? `${name} cannot be read: Enclave has no permission to open it.`
                    : `The file ${file} cannot be read (${code ?? describeError(error)}).`
    };
}

function kindOf(stats: Stats): string {
    if (stats.isDirectory()) return "a folder";
    if (stats.isFIFO()) return "a named pipe (FIFO)";
    if (stats.isSocket()) return "a socket";
    if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
    return "not a regular file";
}

/**
 * Magic, version, a bounded walk of the header, then node-llama-cpp's parse of it, the length,
 * what llama.cpp would abort on and the sampled weights of one file; returns its header when it
 * could be read.
 */
async function checkPart(file: string, size: number, expectedSize: number | undefined, problems: ModelProblem[]): Promise<GgufFileInfo | undefined> {
    const name = path.basename(file);
    if (size === 0) {
        problems.push({code: "Truncated", message: `${name} is empty (0 bytes): a download or copy of it did not happen. Download or copy it again.`});
        return undefined;
    }
    let head: Buffer;
    try {
        head = await readHead(file);
    } catch (error) {
        // A file one may see but not open (no read permission): said in plain words, like a missing one.
        problems.push(unreadable(file, error));
        return undefined;
    }
    if (head.length < 4 || head.subarray(0, 4).toString("latin1") !== ggufMagic) {
        problems.push({code: "NotGguf", message: `${name} is not a GGUF model file (it does not start with "GGUF"). Enclave runs models in the GGUF format of llama.cpp.`});
        return undefined;
    }
    if (head.length < 8) {
        problems.push({code: "Truncated", message: `${name} ends right after its first ${head.length} bytes ("GGUF"): it is incomplete. Download or copy it again.`});
        return undefined;
    }
    const version = head.readUInt32LE(4);
    if (!readableVersions.has(version)) {
        problems.push({code: "UnsupportedVersion", message: `${name} is a GGUF file of version ${version.toLocaleString("en")}; llama.cpp reads versions 2 and 3.`});
        return undefined;
    }

    const scan = await prescanGguf(file, size);
    if ("kind" in scan) {
        problems.push(scan.kind === "truncated"
            ? {code: "Truncated", message: `${name} is incomplete (${formatFileSize(size)}): ${scan.reason}. Download or copy it again.`}
            : {code: "Corrupt", message: `${name} is damaged: ${scan.reason}. Download or copy it again.`});
        return undefined;
    }

    let info: GgufFileInfo;
    try {
        const {readGgufFileInfo} = await import("node-llama-cpp");
        info = await readGgufFileInfo(file, {logWarnings: false, spliceSplitFiles: false});
    } catch (error) {
        problems.push({code: "Corrupt", message: `${name} is damaged: its GGUF header cannot be read (${conciseReason(error)}). Download or copy it again.`});
        return undefined;
    }

    if (expectedSize != null && expectedSize !== size) {
        problems.push({code: "SizeMismatch", message: `${name} has ${size.toLocaleString("en")} bytes, but the server announced ${expectedSize.toLocaleString("en")}.`});
    }
    if (scan.dataEnd > size) {
        problems.push({
            code: "Truncated",
            message: `${name} is incomplete: it has ${formatFileSize(size)} of the ${formatFileSize(scan.dataEnd)} its header describes (${missingBytes(scan.dataEnd - size)} of tensor data ${scan.dataEnd - size === 1 ? "is" : "are"} missing). Download or copy it again.`
        });
        return info;
    }
    const broken = await sampleWeights(file, scan.tensors);
    if (broken != null) {
        problems.push({
            code: "BadWeights",
            message: `${name} is damaged: its weights hold ${broken.value === "NaN" ? "NaN (not-a-number)" : "infinite"} values (in ${broken.tensor}), so the model could only answer with garbage. Download or copy it again.`
        });
    }
    return info;
}

function missingBytes(bytes: number): string {
    return bytes === 1 ? "1 byte" : `${bytes.toLocaleString("en")} bytes`;
}

/** The parser's own words, short: "Invalid magic…" rather than a stack. */
function conciseReason(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

async function checkMetadata(name: string, info: GgufFileInfo, whole: GgufFileInfo | undefined, problems: ModelProblem[]): Promise<void> {
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
    const implausible = whole === undefined ? undefined : implausibleModel(whole);
    if (implausible !== undefined)
        problems.push({code: "Implausible", message: `${name} cannot be run: it ${implausible}. llama.cpp cannot load such a file (some of them crash it); it is damaged or was made wrongly.`});
}

let architectures: Promise<ReadonlySet<string>> | undefined;

/**
 * The architectures node-llama-cpp's bundled llama.cpp knows. `GgufArchitectureType` is declared a
 * const enum, but it is a real object at run time, so its values can be listed.
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
