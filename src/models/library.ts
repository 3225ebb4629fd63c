/**
 * The models installed in the models folder: what they are (from their own metadata), what they can
 * be used for, how much disk they take; deleting one; partial downloads waiting to be resumed.
 *
 * Roles from metadata: a model with a chat template can chat; one whose vocabulary has
 * fill-in-the-middle tokens can complete code — unless it is a reasoning model (its template or
 * vocabulary has `<think>`): R1 distills inherit Qwen's FIM tokens without being trained for FIM.
 * An embedding model (embeddingArchitectures.ts) serves only the workspace search.
 */
import {lstat, readdir, rm, stat} from "node:fs/promises";
import path from "node:path";
import {catalogue, embeddingPresets, presetFileNames, type InstalledRole, type ModelPreset} from "./catalogue";
import {isEmbeddingModel} from "./embeddingArchitectures";
import {partialDownloadsFolder, stagingDir} from "./modelsFolder";
import {ModelError, type ModelProblem} from "./errors";
import {checkGgufFile} from "./ggufCheck";
import {freeDiskSpace} from "./hardware";
import {splitPartNames, splitPartOf} from "./hfUri";

export interface InstalledModel {
    /** The file to load (first part of a split model). */
    readonly entryPath: string;
    readonly fileName: string;
    readonly files: readonly string[];
    /** Size of all its files (for a link, of the file it points to). */
    readonly sizeBytes: number;
    /** A link to a file elsewhere: deleting it removes the link only. */
    readonly linked: boolean;
    readonly name?: string;
    readonly architecture?: string;
    readonly quantization?: string;
    readonly parameters?: number;
    readonly contextLength?: number;
    /** What it can serve, best first; empty when it can't be used (see problems). */
    readonly roles: readonly InstalledRole[];
    /** The catalogue preset this file is, if any. */
    readonly presetId?: string;
    /** Why it can't be loaded, if it can't. */
    readonly problems: readonly ModelProblem[];
}

export interface PartialDownload {
    readonly id: string;
    readonly dir: string;
    readonly sizeBytes: number;
}

export interface DiskUsage {
    /** Model files stored in the folder. */
    readonly modelsBytes: number;
    /** Files linked from elsewhere (they take no space here). */
    readonly linkedBytes: number;
    /** Partial downloads. */
    readonly partialBytes: number;
    /** Free space on the folder's disk. */
    readonly freeBytes: number;
}

const fimTokens = [["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"], ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"], ["<PRE>", "<SUF>", "<MID>"]];

export async function listInstalledModels(modelsDir: string, presets: readonly ModelPreset[] = catalogue): Promise<InstalledModel[]> {
    const names = await readdir(modelsDir).catch(() => [] as string[]);
    const present = new Set(names);
    const models: InstalledModel[] = [];
    for (const fileName of names.sort((a, b) => a.localeCompare(b))) {
        if (fileName.startsWith(".") || !fileName.toLowerCase().endsWith(".gguf")) continue;
        const split = splitPartOf(fileName);
        // A later part belongs to its first part's entry; listed on its own only when the first part is gone.
        if (split != null && split.part > 1 && present.has(splitPartNames(split)[0] ?? "")) continue;
        models.push(await describeInstalled(path.join(modelsDir, fileName), presets));
    }
    return models;
}

async function describeInstalled(filePath: string, presets: readonly ModelPreset[]): Promise<InstalledModel> {
    const check = await checkGgufFile(filePath);
    const fileName = path.basename(check.entryPath);
    const linked = await lstat(check.entryPath).then((stats) => stats.isSymbolicLink(), () => false);
    const preset = presets.find((candidate) => presetFileNames(candidate)[0] === fileName);
    const embeddingPreset = embeddingPresets.find((candidate) => presetFileNames(candidate)[0] === fileName);
    const info = check.info;
    const metadata = info?.metadata;
    const general = metadata?.general;
    const tokens = new Set(metadata?.tokenizer?.ggml?.tokens ?? []);
    const template = typeof metadata?.tokenizer?.chat_template === "string" ? metadata.tokenizer.chat_template : "";
    const thinks = template.includes("<think>") || tokens.has("<think>");
    const canChat = template !== "";
    const canFim = fimTokens.some((set) => set.every((token) => tokens.has(token))) && !thinks;
    const architecture = typeof general?.architecture === "string" ? general.architecture : undefined;
    const embedding = isEmbeddingModel({architecture, poolingType: info?.architectureMetadata.pooling_type});
    const roles: InstalledRole[] = check.problems.length > 0
        ? []
        : embedding || embeddingPreset != null
            ? ["embedding"]
            : preset != null
            ? [preset.role]
            : canFim && !canChat ? ["completion"] : canFim ? ["chat", "completion"] : ["chat"];
    const parameters = info?.fullTensorInfo?.reduce((sum, tensor) => sum + tensor.dimensions.reduce<number>((product, dim) => product * Number(dim), 1), 0);
    const contextLength = info?.architectureMetadata.context_length;
    return {
        entryPath: check.entryPath,
        fileName,
        files: check.parts,
        sizeBytes: check.sizeBytes,
        linked,
        name: typeof general?.name === "string" ? general.name : undefined,
        architecture,
        quantization: preset?.quantization ?? embeddingPreset?.quantization ?? quantizationFromName(fileName),
        parameters: parameters === 0 ? undefined : parameters,
        contextLength: typeof contextLength === "number" ? contextLength : undefined,
        roles,
        presetId: preset?.id ?? embeddingPreset?.id,
        problems: check.problems
    };
}

/** "Q4_K_M" from "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf": the naming convention of GGUF repositories. */
function quantizationFromName(fileName: string): string | undefined {
    return /[-_.]((?:UD-)?(?:I?Q\d(?:_[0-9A-Z]+)*|BF16|F16|F32))(?:-\d{5}-of-\d{5})?\.gguf$/i.exec(fileName)?.[1]?.toUpperCase();
}

/** Deletes a model's files (a link: only the link). Only files in the models folder can be deleted. */
export async function deleteInstalledModel(modelsDir: string, entryPath: string): Promise<void> {
    const root = path.resolve(modelsDir);
    const entry = path.resolve(entryPath);
    if (path.dirname(entry) !== root)
        throw new ModelError("OutsideModelsFolder", `${entryPath} is not in the models folder (${modelsDir}); Enclave only deletes its own files.`);
    const split = splitPartOf(path.basename(entry));
    const files = split == null ? [entry] : splitPartNames(split).map((name) => path.join(root, name));
    // rm on a symbolic link removes the link, never the file it points to.
    await Promise.all(files.map((file) => rm(file, {force: true})));
}

export async function listPartialDownloads(modelsDir: string): Promise<PartialDownload[]> {
    const root = path.join(modelsDir, partialDownloadsFolder);
    const ids = await readdir(root).catch(() => [] as string[]);
    const partials: PartialDownload[] = [];
    for (const id of ids.sort()) {
        const dir = path.join(root, id);
        const sizeBytes = await folderSize(dir);
        partials.push({id, dir, sizeBytes});
    }
    return partials;
}

/** Gives up a partial download for good (the next download of that id starts over). */
export async function discardPartialDownload(modelsDir: string, id: string): Promise<void> {
    await rm(stagingDir(modelsDir, id), {recursive: true, force: true});
}

export async function diskUsage(modelsDir: string): Promise<DiskUsage> {
    let modelsBytes = 0;
    let linkedBytes = 0;
    for (const name of await readdir(modelsDir).catch(() => [] as string[])) {
        if (name.startsWith(".")) continue;
        const file = path.join(modelsDir, name);
        const own = await lstat(file).catch(() => undefined);
        if (own == null || own.isDirectory()) continue;
        if (own.isSymbolicLink()) linkedBytes += await stat(file).then((target) => target.size, () => 0);
        else modelsBytes += own.size;
    }
    const partialBytes = (await listPartialDownloads(modelsDir)).reduce((sum, partial) => sum + partial.sizeBytes, 0);
    return {modelsBytes, linkedBytes, partialBytes, freeBytes: await freeDiskSpace(modelsDir)};
}

/** Disk blocks actually used: a partial download's file is as long as the whole model but mostly holes. */
async function folderSize(dir: string): Promise<number> {
    let total = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
        const stats = await stat(path.join(dir, name)).catch(() => undefined);
        if (stats?.isFile() === true) total += stats.blocks > 0 ? Math.min(stats.size, stats.blocks * 512) : stats.size;
    }
    return total;
}
