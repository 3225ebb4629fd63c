/**
 * The model manager's requests, answered in the model process: hardware detection and GGUF checks
 * need node-llama-cpp, which only this process imports. Detection reads the Llama the models load
 * onto, so the fit check reasons about the devices the engine really uses.
 */
import type {Llama} from "node-llama-cpp";
import {catalogue} from "../../models/catalogue";
import {ModelError, describeError} from "../../models/errors";
import {describeMachine, detectMachine} from "../../models/hardware";
import {measureMemorySpeed} from "../../models/memorySpeed";
import {importGguf} from "../../models/importGguf";
import {deleteInstalledModel, discardPartialDownload, diskUsage, listInstalledModels, listPartialDownloads, type DiskUsage, type InstalledModel, type PartialDownload} from "../../models/library";
import {recommend, type Recommendation} from "../../models/recommend";
import type {ModelFailureData, ModelsOverview} from "../modelManagerProtocol";
import type {EventOf, ParamsOf, ResultOf} from "../protocol";

/** Measured once per model process (it takes a few tens of milliseconds, and 256 MB for that moment). */
let memorySpeed: number | undefined;

export async function modelsOverview({modelsDir, gpu}: ParamsOf<"modelsOverview">, llama: (gpu: "auto" | "off") => Promise<Llama>): Promise<ModelsOverview> {
    const detected = await detectMachine({llama: await llama(gpu ?? "auto"), modelsDir});
    // With the GPU turned off the engine computes on the CPU alone, whatever the Llama found.
    const machine = gpu === "off" ? {...detected, gpu: false as const, vramBytes: 0, unifiedMemory: false} : detected;
    const [installed, disk, partials] = await Promise.all([listInstalledModels(modelsDir), diskUsage(modelsDir), listPartialDownloads(modelsDir)]);
    memorySpeed ??= measureMemorySpeed();
    return overviewOf(recommend(machine, catalogue, {memoryBytesPerSecond: memorySpeed}), installed, disk, partials, memorySpeed);
}

/** The recommendation and the folder's contents as plain protocol data (pure: unit-tested with stated machines). */
export function overviewOf(
    recommendation: Recommendation,
    installed: readonly InstalledModel[],
    disk: DiskUsage,
    partials: readonly PartialDownload[],
    memoryBytesPerSecond?: number
): ModelsOverview {
    const {machine} = recommendation;
    return {
        machine: {
            description: describeMachine(machine),
            ramBytes: machine.ramBytes,
            gpu: machine.gpu,
            vramBytes: machine.vramBytes,
            unifiedMemory: machine.unifiedMemory,
            freeDiskBytes: machine.freeDiskBytes,
            memoryBytesPerSecond
        },
        summary: recommendation.summary,
        speed: recommendation.speed,
        recommended: {
            chat: recommendation.chat?.preset.id,
            completion: recommendation.completion?.preset.id,
            chatTokensPerSecond: recommendation.chat?.tokensPerSecond,
            completionTokensPerSecond: recommendation.completion?.tokensPerSecond
        },
        presets: recommendation.presets.map(({preset, fit, recommended, note}) => ({
            id: preset.id,
            fits: fit.fits,
            reason: fit.reason,
            note,
            recommended,
            contextSize: fit.contextSize,
            gpuLayers: fit.gpuLayers,
            totalLayers: fit.totalLayers
        })),
        installed: installed.map((model) => ({
            entryPath: model.entryPath,
            fileName: model.fileName,
            files: [...model.files],
            sizeBytes: model.sizeBytes,
            linked: model.linked,
            name: model.name,
            architecture: model.architecture,
            quantization: model.quantization,
            parameters: model.parameters,
            roles: [...model.roles],
            presetId: model.presetId,
            problems: model.problems.map((problem) => ({...problem}))
        })),
        disk: {...disk},
        partials: partials.map(({id, sizeBytes}) => ({id, sizeBytes}))
    };
}

export async function importModel(
    {sourcePath, modelsDir, mode}: ParamsOf<"importModel">,
    signal: AbortSignal,
    emit: (event: EventOf<"importModel">) => void
): Promise<ResultOf<"importModel">> {
    try {
        const model = await importGguf(sourcePath, modelsDir, {
            mode,
            signal,
            onProgress: (copiedBytes, totalBytes) => emit({kind: "copied", copiedBytes, totalBytes})
        });
        return {ok: true, model: {...model, files: [...model.files]}};
    } catch (error) {
        return {ok: false, error: toFailure(error, "The file could not be imported.")};
    }
}

export async function deleteModel({modelsDir, entryPath}: ParamsOf<"deleteModel">): Promise<ResultOf<"deleteModel">> {
    try {
        await deleteInstalledModel(modelsDir, entryPath);
        return {ok: true};
    } catch (error) {
        return {ok: false, error: toFailure(error, "The model could not be deleted.")};
    }
}

/** Only an id the models folder really lists: an id from elsewhere ("..") must never name a folder to remove. */
export async function discardPartial({modelsDir, id}: ParamsOf<"discardPartialDownload">): Promise<ResultOf<"discardPartialDownload">> {
    try {
        const partial = (await listPartialDownloads(modelsDir)).find((candidate) => candidate.id === id);
        if (partial === undefined)
            return {ok: false, error: {code: "NotFound", message: `There is no unfinished download "${id}" in ${modelsDir}.`, problems: []}};
        await discardPartialDownload(modelsDir, partial.id);
        return {ok: true};
    } catch (error) {
        return {ok: false, error: toFailure(error, "The unfinished download could not be removed.")};
    }
}

function toFailure(error: unknown, fallback: string): ModelFailureData {
    if (error instanceof ModelError)
        return {code: error.code, message: error.message, problems: error.problems.map((problem) => ({...problem})), detail: error.detail};
    return {code: "Failed", message: fallback, problems: [], detail: describeError(error)};
}
