/**
 * The model manager's part of the host↔worker protocol: what the worker reports about this machine
 * and the models folder, and the import and delete operations. They run in the worker because
 * hardware detection and GGUF checks need node-llama-cpp, which the extension host never imports.
 * protocol.ts adds these to its method map; both ends validate them like every other message.
 *
 * Failures of import and delete are results, not engine errors: they carry the model manager's own
 * codes (e.g. "InvalidModel" with one plain-words problem per fault) for the UI to show as they are.
 */
import {z} from "zod";

const ModelsDirParams = z.object({modelsDir: z.string().min(1)});
/** `gpu: "off"` (the user's setting) judges the machine as the engine will run it: on the CPU. */
const OverviewParams = ModelsDirParams.extend({gpu: z.enum(["auto", "off"]).optional()});

const Problem = z.object({code: z.string(), message: z.string()});
export type ModelProblemData = z.infer<typeof Problem>;

const Failure = z.object({code: z.string(), message: z.string(), problems: z.array(Problem), detail: z.string().optional()});
export type ModelFailureData = z.infer<typeof Failure>;

const Role = z.enum(["chat", "completion"]);
/** What an installed file serves: an embedding model only re-ranks the workspace search. */
const InstalledRole = z.enum(["chat", "completion", "embedding"]);

const MachineSummary = z.object({
    /** "23 GB RAM, no GPU" */
    description: z.string(),
    ramBytes: z.number(),
    gpu: z.union([z.enum(["metal", "cuda", "vulkan"]), z.literal(false)]),
    vramBytes: z.number(),
    unifiedMemory: z.boolean(),
    freeDiskBytes: z.number(),
    /** Bytes per second the model process copied memory at (src/models/memorySpeed.ts): the basis of the speed estimates. */
    memoryBytesPerSecond: z.number().optional()
});

/** One catalogue preset judged for this machine (the preset itself is in the catalogue, by id). */
const PresetVerdict = z.object({
    id: z.string(),
    fits: z.boolean(),
    /** How it would run, or why it can't. */
    reason: z.string(),
    /** Why a preset that fits is still not the recommendation. */
    note: z.string().optional(),
    recommended: z.boolean(),
    contextSize: z.number(),
    gpuLayers: z.number(),
    totalLayers: z.number()
});
export type PresetVerdictData = z.infer<typeof PresetVerdict>;

/**
 * A load planned from a file's GGUF header and the memory free now (src/engine/worker/loadPlan.ts):
 * what loading it would use, or why it would not fit.
 */
const ModelPlan = z.object({
    fits: z.boolean(),
    /** How it runs, or why it can't, with the numbers. */
    reason: z.string(),
    /** Tokens per sequence. */
    contextSize: z.number(),
    sequences: z.number(),
    gpuLayers: z.number(),
    totalLayers: z.number(),
    neededBytes: z.number(),
    usableBytes: z.number(),
    /** When it doesn't fit: the largest smaller context that would. */
    smallerContextSize: z.number().optional()
});
export type ModelPlanData = z.infer<typeof ModelPlan>;

const Installed = z.object({
    entryPath: z.string(),
    fileName: z.string(),
    files: z.array(z.string()),
    sizeBytes: z.number(),
    linked: z.boolean(),
    name: z.string().optional(),
    architecture: z.string().optional(),
    quantization: z.string().optional(),
    parameters: z.number().optional(),
    roles: z.array(InstalledRole),
    presetId: z.string().optional(),
    problems: z.array(Problem),
    /** Its load planned now for each role it can serve (absent when it can't be used, or its header can't be read). */
    plans: z.object({chat: ModelPlan.optional(), completion: ModelPlan.optional()}).optional()
});
export type InstalledModelData = z.infer<typeof Installed>;

const Overview = z.object({
    machine: MachineSummary,
    /** One sentence for the first-run flow. */
    summary: z.string(),
    /** What generation speed to expect from the recommended models, with its basis (src/models/speed.ts); absent without a measurement. */
    speed: z.string().optional(),
    /** Preset ids of the pair recommended for this machine, with the tokens/s each may reach at best (absent without a basis). */
    recommended: z.object({
        chat: z.string().optional(),
        completion: z.string().optional(),
        chatTokensPerSecond: z.number().optional(),
        completionTokensPerSecond: z.number().optional()
    }),
    /** Chat presets before completion presets; within each, those that fit first, best first. */
    presets: z.array(PresetVerdict),
    installed: z.array(Installed),
    disk: z.object({modelsBytes: z.number(), linkedBytes: z.number(), partialBytes: z.number(), freeBytes: z.number()}),
    /** Interrupted downloads that a new download of the same preset resumes. */
    partials: z.array(z.object({id: z.string(), sizeBytes: z.number()}))
});
export type ModelsOverview = z.infer<typeof Overview>;

const ImportParams = ModelsDirParams.extend({sourcePath: z.string().min(1), mode: z.enum(["copy", "link"]).optional()});
const ImportEvent = z.object({kind: z.literal("copied"), copiedBytes: z.number(), totalBytes: z.number()});
const Imported = z.object({
    entryPath: z.string(),
    files: z.array(z.string()),
    sizeBytes: z.number(),
    linked: z.boolean(),
    alreadyInstalled: z.boolean()
});
export type ImportedModelData = z.infer<typeof Imported>;
const ImportResult = z.discriminatedUnion("ok", [
    z.object({ok: z.literal(true), model: Imported}),
    z.object({ok: z.literal(false), error: Failure})
]);

const DeleteParams = ModelsDirParams.extend({entryPath: z.string().min(1)});
const DeleteResult = z.discriminatedUnion("ok", [z.object({ok: z.literal(true)}), z.object({ok: z.literal(false), error: Failure})]);

const DiscardParams = ModelsDirParams.extend({id: z.string().min(1)});

const PlanParams = z.object({
    modelPath: z.string().min(1),
    role: Role.optional(),
    contextSize: z.number().int().nonnegative().optional(),
    gpu: z.enum(["auto", "off"]).optional(),
    gpuLayers: z.number().int().nonnegative().optional(),
    separateCompletion: z.boolean().optional()
});
const PlanResult = z.discriminatedUnion("ok", [z.object({ok: z.literal(true), plan: ModelPlan}), z.object({ok: z.literal(false), error: Failure})]);

const NoEvent = z.never();

/** method name → [params, streamed event, result]; spread into protocol.ts's `methods`. */
export const modelManagerMethods = {
    modelsOverview: {params: OverviewParams, event: NoEvent, result: Overview},
    importModel: {params: ImportParams, event: ImportEvent, result: ImportResult},
    deleteModel: {params: DeleteParams, event: NoEvent, result: DeleteResult},
    /** Gives up an interrupted download (one of the overview's `partials`) and frees its disk space. */
    discardPartialDownload: {params: DiscardParams, event: NoEvent, result: DeleteResult},
    /** Plans a load of a GGUF file (its header only is read) with the memory free now, as `load` would. */
    planModel: {params: PlanParams, event: NoEvent, result: PlanResult}
} as const;
