/**
 * The model manager's requests, answered in the model process: hardware detection and GGUF checks
 * need node-llama-cpp, which only this process imports. Detection reads the Llama the models load
 * onto, so the fit check reasons about the devices the engine really uses.
 */
import {basename} from "node:path";
import type {Llama} from "node-llama-cpp";
import {catalogue} from "../../models/catalogue";
import {ModelError, describeError} from "../../models/errors";
import {describeMachine, detectMachine} from "../../models/hardware";
import {measureMemorySpeed} from "../../models/memorySpeed";
import {importGguf} from "../../models/importGguf";
import {deleteInstalledModel, discardPartialDownload, diskUsage, listInstalledModels, listPartialDownloads, type DiskUsage, type InstalledModel, type PartialDownload} from "../../models/library";
import {recommend, type Recommendation} from "../../models/recommend";
import {EngineError} from "../errors";
import type {InstalledModelData, ModelFailureData, ModelsOverview} from "../modelManagerProtocol";
import {planData, planFile} from "./loadPlan";
import type {LoadedMemory} from "./memoryNow";
import type {EventOf, ParamsOf, ResultOf} from "../protocol";

/** Measured once per model process (it takes a few tens of milliseconds, and 256 MB for that moment). */
let memorySpeed: number | undefined;

export async function modelsOverview(
    {modelsDir, gpu}: ParamsOf<"modelsOverview">,
    getLlama: (gpu: "auto" | "off") => Promise<Llama>,
    besides: readonly LoadedMemory[] = []
): Promise<ModelsOverview> {
    const llama = await getLlama(gpu ?? "auto");
    const detected = await detectMachine({llama, modelsDir});
    // With the GPU turned off the engine computes on the CPU alone, whatever the Llama found.
    const machine = gpu === "off" ? {...detected, gpu: false as const, vramBytes: 0, unifiedMemory: false} : detected;
    const [installed, disk, partials] = await Promise.all([listInstalledModels(modelsDir), diskUsage(modelsDir), listPartialDownloads(modelsDir)]);
    memorySpeed ??= measureMemorySpeed();
    const overview = overviewOf(recommend(machine, catalogue, {memoryBytesPerSecond: memorySpeed}), installed, disk, partials, memorySpeed);
    // Installed files are judged as loading them now would be: from their own header, with the memory free now.
    const rows = [];
    for (const row of overview.installed) rows.push(row.problems.length > 0 ? row : {...row, plans: await installedPlans(llama, row, gpu ?? "auto", besides)});
    return {...overview, installed: rows};
}

async function installedPlans(llama: Llama, row: InstalledModelData, gpu: "auto" | "off", besides: readonly LoadedMemory[]): Promise<InstalledModelData["plans"]> {
    const plans: NonNullable<InstalledModelData["plans"]> = {};
    for (const role of row.roles) {
        // An embedding model is not planned like a language model: it is small and has a context of its own (embeddingModels.ts).
        if (role === "embedding") continue;
        try {
            plans[role] = planData(await planFile(llama, row.entryPath, {role, gpu, besides}));
        } catch {
            // An unreadable header is the library's problem to report; the row then has no plan.
        }
    }
    return plans;
}

/** `planModel`: the plan a load of this file would make now. */
export async function planModel(
    params: ParamsOf<"planModel">,
    getLlama: (gpu: "auto" | "off") => Promise<Llama>,
    besides: readonly LoadedMemory[] = []
): Promise<ResultOf<"planModel">> {
    try {
        const llama = await getLlama(params.gpu ?? "auto");
        return {ok: true, plan: planData(await planFile(llama, params.modelPath, {...params, role: params.role ?? "chat", besides}))};
    } catch (error) {
        if (error instanceof EngineError) return {ok: false, error: {code: error.code, message: error.message, problems: [], detail: error.detail}};
        return {ok: false, error: {code: "Failed", message: `The GGUF header of ${basename(params.modelPath)} cannot be read.`, problems: [], detail: describeError(error)}};
    }
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
