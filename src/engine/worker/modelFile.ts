/**
 * Checks a model file before llama.cpp sees it, so each kind of bad file gets its own error code
 * and a sentence a user can act on, instead of llama.cpp's generic "failed to load model" (or,
 * for a truncated file mapped into memory, a crash).
 */
import {open, stat} from "node:fs/promises";
import {basename} from "node:path";
import * as nodeLlamaCpp from "node-llama-cpp";
import {GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama} from "node-llama-cpp";
import {EngineError, describeError} from "../errors";

const ggufMagic = Buffer.from("GGUF", "ascii");
// GgufArchitectureType is declared as a const enum but is a real object at run time: the names of
// the architectures that the bundled llama.cpp knows.
const knownArchitectures = new Set<string>(
    Object.values((nodeLlamaCpp as unknown as {GgufArchitectureType: Record<string, string>}).GgufArchitectureType)
);

export interface CheckedModelFile {
    path: string;
    sizeBytes: number;
    info: GgufFileInfo;
}

export async function checkModelFile(path: string, llama: Llama): Promise<CheckedModelFile> {
    const name = basename(path);
    const sizeBytes = await fileSize(path, name);
    await checkMagic(path, name);

    let info: GgufFileInfo;
    try {
        info = await readGgufFileInfo(path, {readTensorInfo: true, ignoreKeys: []});
    } catch (error) {
        throw new EngineError("CorruptModel", `${name} is damaged: its GGUF header cannot be read. Download or copy it again.`, describeError(error));
    }

    const architecture = info.metadata.general?.architecture;
    if (typeof architecture !== "string" || !knownArchitectures.has(architecture))
        throw new EngineError(
            "UnsupportedArchitecture",
            `${name} uses the model architecture "${String(architecture)}", which this version of Enclave cannot run.`
        );
    if (info.metadata.tokenizer?.ggml?.model == null)
        throw new EngineError("CorruptModel", `${name} has no tokenizer, so it cannot read or write text.`);

    // Tensor data past the end of the file means a cut-off download or copy. llama.cpp would map
    // the file and may crash reading past its end, so refuse it here.
    const expectedBytes = (info.totalTensorInfoSize ?? 0) + info.totalMetadataSize + (await GgufInsights.from(info, llama)).modelSize;
    if (sizeBytes < expectedBytes)
        throw new EngineError(
            "CorruptModel",
            `${name} is incomplete (${formatBytes(sizeBytes)} of at least ${formatBytes(expectedBytes)}). Download or copy it again.`
        );
    return {path, sizeBytes, info};
}

async function fileSize(path: string, name: string): Promise<number> {
    try {
        const stats = await stat(path);
        if (!stats.isFile()) throw new EngineError("NotGguf", `${name} is not a file.`);
        return stats.size;
    } catch (error) {
        if (error instanceof EngineError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new EngineError("ModelNotFound", `The model file ${path} does not exist.`);
        throw new EngineError("ModelNotFound", `The model file ${path} cannot be read (${code ?? "unknown error"}).`, describeError(error));
    }
}

async function checkMagic(path: string, name: string): Promise<void> {
    const file = await open(path, "r");
    try {
        const head = Buffer.alloc(4);
        const {bytesRead} = await file.read(head, 0, 4, 0);
        if (bytesRead < 4 || !head.equals(ggufMagic))
            throw new EngineError("NotGguf", `${name} is not a GGUF model file. Enclave runs models in the GGUF format (llama.cpp).`);
    } finally {
        await file.close();
    }
}

export function formatBytes(bytes: number): string {
    const units = ["B", "KB", "MB", "GB", "TB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
