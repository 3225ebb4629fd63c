/**
 * The plan for one load, made from the file's own GGUF header and the memory free now: the context
 * size and GPU layers the load then uses, or a refusal with the numbers. The load (runtime.ts), the
 * picker's Installed rows (modelManager.ts) and the `planModel` request all plan here, so what the
 * picker says about a file is what loading it does.
 */
import {GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama} from "node-llama-cpp";
import {defaultFitPolicy, fitModel, freeMemoryBudget, type ModelFit} from "../../models/fit";
import {requirementsFromInsights} from "../../models/ggufRequirements";
import type {ModelPlanData} from "../modelManagerProtocol";
import {contextSequences} from "../../models/sequences";
import type {ModelRole, SequenceName} from "../protocol";
import {memoryNow, type LoadedMemory} from "./memoryNow";

export interface PlanSettings {
    readonly role: ModelRole;
    /** The user's context size; 0 or absent: the plan's. */
    readonly contextSize?: number | undefined;
    /** The user's GPU layers; absent: the plan's. */
    readonly gpuLayers?: number | undefined;
    readonly gpu?: "auto" | "off" | undefined;
    /** A separate completion model serves completions, so the chat model needs no completion sequence. */
    readonly separateCompletion?: boolean | undefined;
    /** The models loaded in this process beside which this one would load (memoryNow.ts counts them as in use). */
    readonly besides?: readonly LoadedMemory[] | undefined;
}

/**
 * Every sequence of a role's context, one entry each (models/sequences.ts decides them): chat, the
 * pool of completion sequences and review; the plan counts them all, since each costs a context's
 * KV cache.
 */
export function sequencesFor(role: ModelRole, separateCompletion: boolean): readonly SequenceName[] {
    return contextSequences(role, separateCompletion);
}

/** Plans from a header already read (the load's checked file). */
export async function planLoad(llama: Llama, info: GgufFileInfo, settings: PlanSettings): Promise<ModelFit> {
    const requirements = requirementsFromInsights(await GgufInsights.from(info, llama));
    const {machine, free} = await memoryNow(llama, settings.gpu ?? "auto", settings.besides ?? []);
    // Without a GPU every layer runs on the CPU, whatever number was set.
    const gpuLayers = settings.gpu === "off" || (machine.gpu === false && settings.gpuLayers != null) ? 0 : settings.gpuLayers;
    // A model trained for fewer tokens than the role's useful minimum still loads, with the context it was trained for.
    const trained = requirements.trainContextSize < defaultFitPolicy.contexts[settings.role].min ? requirements.trainContextSize : undefined;
    const contextSize = settings.contextSize ? settings.contextSize : trained;
    return fitModel(requirements, settings.role, freeMemoryBudget(machine, free), defaultFitPolicy, {
        sequences: sequencesFor(settings.role, settings.separateCompletion ?? false).length,
        ...(contextSize == null ? {} : {contextSize}),
        ...(gpuLayers == null ? {} : {gpuLayers})
    });
}

/**
 * Plans from a file's header alone (read here; header-only and split files are fine). A loaded copy
 * of the same file is not counted against it: the question is whether this file can run, and it does.
 */
export async function planFile(llama: Llama, modelPath: string, settings: PlanSettings): Promise<ModelFit> {
    const info = await readGgufFileInfo(modelPath, {readTensorInfo: true, logWarnings: false});
    return planLoad(llama, info, {...settings, besides: settings.besides?.filter((model) => model.modelPath !== modelPath)});
}

/** A plan as protocol data. */
export function planData(fit: ModelFit): ModelPlanData {
    return {
        fits: fit.fits,
        reason: fit.reason,
        contextSize: fit.contextSize,
        sequences: fit.sequences,
        gpuLayers: fit.gpuLayers,
        totalLayers: fit.totalLayers,
        neededBytes: fit.neededBytes,
        usableBytes: fit.usableBytes,
        ...(fit.smallerContextSize == null ? {} : {smallerContextSize: fit.smallerContextSize})
    };
}
