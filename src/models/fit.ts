/**
 * Will a model run on this machine, and how: which context size, how many layers on the GPU.
 *
 * Headroom: the model never plans with all the memory. The OS, VS Code and its extension host, a
 * browser and the language servers need room too, so RAM keeps 2.5 GB plus 10 % free; a discrete
 * GPU keeps 512 MB plus 5 % for the display and the driver's own buffers. On unified memory the GPU
 * works out of the same RAM budget (counted once) and is further limited by the GPU's working-set
 * limit (`vramBytes`).
 *
 * Context: a useful size is at least 4,096 tokens per sequence for chat (a question, some code and
 * the model's reasoning) and 2,048 for completions (the code around the cursor); more is better up
 * to 16,384 and 8,192, beyond which memory is better spent elsewhere. The chat model's context has
 * three sequences (chat, completion, review — see src/engine/worker/runtime.ts), a separate
 * completion model's one.
 *
 * Choice: first the most layers on the GPU that fit with the smallest useful context, then the
 * largest context that still allows that many layers — GPU layers matter more for speed than
 * context beyond the useful minimum.
 *
 * Two budgets: `memoryBudget` judges what a machine can run at all (from its totals, for presets
 * not downloaded yet); `freeMemoryBudget` judges a load now, from the memory that is free at this
 * moment — other programs, and a model already loaded beside, are then already counted.
 */
import type {ModelRole} from "./catalogue";
import type {Machine} from "./hardware";
import {addSplits, type MemorySplit, type ModelRequirements} from "./requirements";
import {GiB, formatBytes} from "./units";

export interface FitPolicy {
    /** RAM kept free for everything else. */
    ramHeadroom(ramBytes: number): number;
    /** Discrete GPU memory kept free for the display and driver. */
    vramHeadroom(vramBytes: number): number;
    /** Context sizes per sequence: the least that is useful, and the most worth having. */
    readonly contexts: Readonly<Record<ModelRole, {readonly min: number; readonly max: number}>>;
    /**
     * Sequences of the role's context, for judging presets (recommend.ts). A load plans with the
     * real number instead (loadPlan.ts, from models/sequences.ts: the chat model alone has 4, a
     * completion model 3); these older figures are kept until the recommendation is re-tuned for them.
     */
    readonly sequences: Readonly<Record<ModelRole, number>>;
    /** Free RAM kept free when planning a load now: what is running grows (editors, language servers, caches). */
    freeRamReserve(ramBytes: number): number;
    /** Free discrete GPU memory kept free when planning a load now. */
    freeVramReserve(vramBytes: number): number;
}

export const defaultFitPolicy: FitPolicy = {
    ramHeadroom: (ramBytes) => 3 * GiB + 0.1 * ramBytes,
    vramHeadroom: (vramBytes) => GiB + 0.05 * vramBytes,
    contexts: {chat: {min: 4096, max: 16_384}, completion: {min: 2048, max: 8192}},
    sequences: {chat: 3, completion: 1},
    freeRamReserve: (ramBytes) => 0.5 * GiB + 0.05 * ramBytes,
    freeVramReserve: (vramBytes) => 0.25 * GiB + 0.02 * vramBytes
};

/** What a model may use. */
export interface MemoryBudget {
    /** RAM; on unified memory the whole pool the GPU also draws from. */
    readonly ramBytes: number;
    /** GPU memory: extra memory on a discrete GPU, a limit within `ramBytes` on unified memory, 0 without a GPU. */
    readonly gpuBytes: number;
    readonly unified: boolean;
    /** How the budget is described in reasons: "of which 12.3 GB is usable beside …". */
    readonly beside: string;
    readonly machine: Machine;
    /** Set when the budget is the memory free now (`freeMemoryBudget`): reasons then say how much is free. */
    readonly free?: FreeMemory;
}

export function memoryBudget(machine: Machine, policy: FitPolicy = defaultFitPolicy): MemoryBudget {
    const ramBytes = Math.max(0, machine.ramBytes - policy.ramHeadroom(machine.ramBytes));
    const gpuBytes = machine.gpu === false
        ? 0
        : machine.unifiedMemory
            ? Math.min(machine.vramBytes, ramBytes)
            : Math.max(0, machine.vramBytes - policy.vramHeadroom(machine.vramBytes));
    return {ramBytes, gpuBytes, unified: machine.unifiedMemory && machine.gpu !== false, beside: "the OS and VS Code", machine};
}

/** Memory free right now, as the operating system and the GPU driver report it. */
export interface FreeMemory {
    readonly ramBytes: number;
    /** Free GPU memory (on unified memory: how much more the GPU may take). 0 without a GPU. */
    readonly vramBytes: number;
}

/** What a load may use now: the free memory less a reserve, on the devices of `machine`. */
export function freeMemoryBudget(machine: Machine, free: FreeMemory, policy: FitPolicy = defaultFitPolicy): MemoryBudget {
    const ramBytes = Math.max(0, Math.min(free.ramBytes, machine.ramBytes) - policy.freeRamReserve(machine.ramBytes));
    const gpuBytes = machine.gpu === false
        ? 0
        : machine.unifiedMemory
            ? Math.min(free.vramBytes, ramBytes)
            : Math.max(0, free.vramBytes - policy.freeVramReserve(machine.vramBytes));
    return {ramBytes, gpuBytes, unified: machine.unifiedMemory && machine.gpu !== false, beside: "what is running now", machine, free};
}

/** The budget left after another model took `used` (e.g. the completion model beside the chat model). */
export function budgetAfter(budget: MemoryBudget, used: MemorySplit, beside: string): MemoryBudget {
    if (budget.unified) {
        const ramBytes = Math.max(0, budget.ramBytes - used.cpuBytes - used.gpuBytes);
        return {...budget, ramBytes, gpuBytes: Math.max(0, Math.min(budget.gpuBytes - used.gpuBytes, ramBytes)), beside};
    }
    return {...budget, ramBytes: Math.max(0, budget.ramBytes - used.cpuBytes), gpuBytes: Math.max(0, budget.gpuBytes - used.gpuBytes), beside};
}

export type Placement = "gpu" | "partial" | "cpu";

export interface ModelFit {
    readonly fits: boolean;
    /** One plain sentence: how it runs, or why it can't. */
    readonly reason: string;
    /** Tokens per sequence to create the context with (the smallest useful one when it doesn't fit). */
    readonly contextSize: number;
    readonly sequences: number;
    /** node-llama-cpp `gpuLayers`. */
    readonly gpuLayers: number;
    readonly totalLayers: number;
    readonly placement: Placement;
    /** Weights plus context at these settings. */
    readonly memory: MemorySplit;
    readonly neededBytes: number;
    /** What the budget offered. */
    readonly usableBytes: number;
    /** When it doesn't fit: the largest smaller context (per sequence) that would, if any. */
    readonly smallerContextSize?: number;
}

/** The user's own choices, which win over the plan's but are still checked against the budget. */
export interface FitSettings {
    /** Tokens per sequence. */
    readonly contextSize?: number;
    /** Layers on the GPU. */
    readonly gpuLayers?: number;
    /** Sequences of the context, when not the policy's number for the role. */
    readonly sequences?: number;
}

/** No context is planned below this many tokens per sequence. */
const leastContext = 512;

interface Candidate {
    readonly contextSize: number;
    readonly gpuLayers: number;
    readonly memory: MemorySplit;
    readonly fits: boolean;
}

export function fitModel(
    requirements: ModelRequirements,
    role: ModelRole,
    budget: MemoryBudget,
    policy: FitPolicy = defaultFitPolicy,
    settings: FitSettings = {}
): ModelFit {
    const {min, max} = policy.contexts[role];
    const sequences = settings.sequences ?? policy.sequences[role];
    const usableBytes = budget.unified || budget.gpuBytes === 0 ? budget.ramBytes : budget.ramBytes + budget.gpuBytes;
    const train = requirements.trainContextSize;
    const layers = settings.gpuLayers;
    const refuse = (candidate: Candidate, reason: string): ModelFit => {
        const smaller = smallerContext(requirements, budget, candidate.contextSize, sequences, layers);
        return {...result(requirements, candidate, sequences, usableBytes, false, reason), ...(smaller == null ? {} : {smallerContextSize: smaller})};
    };

    if (settings.contextSize != null) {
        const fixed = evaluate(requirements, budget, settings.contextSize, sequences, layers);
        return fixed.fits
            ? result(requirements, fixed, sequences, usableBytes, true, describeFit(requirements, fixed, usableBytes, budget))
            : refuse(fixed, needsSentence(fixed, budget, usableBytes));
    }

    if (train < min) {
        const candidate = evaluate(requirements, budget, train, sequences, layers);
        return result(requirements, candidate, sequences, usableBytes, false,
            `It was trained for ${tokens(train)} tokens; ${role === "chat" ? "chat needs" : "completions need"} at least ${tokens(min)}.`);
    }

    const smallest = evaluate(requirements, budget, min, sequences, layers);
    if (!smallest.fits) return refuse(smallest, needsSentence(smallest, budget, usableBytes));

    // Bounded: sizes halve from the largest worth having down to the smallest useful one.
    let chosen = smallest;
    for (let size = Math.min(max, train); size > min; size = Math.max(min, Math.floor(size / 2))) {
        const candidate = evaluate(requirements, budget, size, sequences, layers);
        if (candidate.fits && candidate.gpuLayers >= smallest.gpuLayers) {
            chosen = candidate;
            break;
        }
    }
    return result(requirements, chosen, sequences, usableBytes, true, describeFit(requirements, chosen, usableBytes, budget));
}

/** The largest context below `refused` tokens (halving, down to 512) that fits, if any does. */
function smallerContext(requirements: ModelRequirements, budget: MemoryBudget, refused: number, sequences: number, gpuLayers: number | undefined): number | undefined {
    for (let size = Math.floor(refused / 2); size >= leastContext; size = Math.floor(size / 2))
        if (evaluate(requirements, budget, size, sequences, gpuLayers).fits) return size;
    return undefined;
}

function needsSentence(candidate: Candidate, budget: MemoryBudget, usableBytes: number): string {
    const {memory, gpuLayers, contextSize} = candidate;
    // The total would fit but one device can't hold its share (a number of GPU layers the user set).
    if (!budget.unified && total(memory) <= usableBytes) {
        return memory.gpuBytes > budget.gpuBytes
            ? `${gpuLayers} layers on the GPU need ${formatBytes(memory.gpuBytes)} of GPU memory with ${aContext(contextSize)}; ${formatBytes(budget.gpuBytes)} is usable there.`
            : `With ${gpuLayers} layers on the GPU it needs ${formatBytes(memory.cpuBytes)} of RAM with ${aContext(contextSize)}; ${formatBytes(budget.ramBytes)} of RAM is usable.`;
    }
    return `Needs ${formatBytes(total(memory))} with ${aContext(contextSize)}; ${describeBudget(budget, usableBytes)}.`;
}

/**
 * The most GPU layers with which a `contextSize` context fits, and whether anything fits at all;
 * with `fixedLayers` (the user's number) exactly that many, which must then fit on the GPU too.
 */
function evaluate(requirements: ModelRequirements, budget: MemoryBudget, contextSize: number, sequences: number, fixedLayers?: number): Candidate {
    const memoryAt = (layers: number): MemorySplit =>
        addSplits(requirements.weights(layers), requirements.context(contextSize, sequences, layers));
    if (fixedLayers != null) {
        const gpuLayers = Math.min(requirements.totalLayers, fixedLayers);
        const memory = memoryAt(gpuLayers);
        const ramFits = budget.unified ? total(memory) <= budget.ramBytes : memory.cpuBytes <= budget.ramBytes;
        return {contextSize, gpuLayers, memory, fits: ramFits && memory.gpuBytes <= budget.gpuBytes};
    }
    // GPU memory grows with every offloaded layer: binary search for the most that fit (≈ log2(layers) steps).
    let low = 0;
    let high = budget.gpuBytes > 0 ? requirements.totalLayers : 0;
    while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (memoryAt(mid).gpuBytes <= budget.gpuBytes) low = mid;
        else high = mid - 1;
    }
    const memory = memoryAt(low);
    // RAM shrinks as layers move to the GPU, so if the most layers don't leave RAM enough, fewer won't either.
    const fits = budget.unified ? total(memory) <= budget.ramBytes : memory.cpuBytes <= budget.ramBytes;
    return {contextSize, gpuLayers: low, memory, fits};
}

function result(
    requirements: ModelRequirements,
    candidate: Candidate,
    sequences: number,
    usableBytes: number,
    fits: boolean,
    reason: string
): ModelFit {
    return {
        fits,
        reason,
        contextSize: candidate.contextSize,
        sequences,
        gpuLayers: candidate.gpuLayers,
        totalLayers: requirements.totalLayers,
        placement: placementOf(candidate.gpuLayers, requirements.totalLayers),
        memory: candidate.memory,
        neededBytes: total(candidate.memory),
        usableBytes
    };
}

function placementOf(gpuLayers: number, totalLayers: number): Placement {
    return gpuLayers >= totalLayers ? "gpu" : gpuLayers > 0 ? "partial" : "cpu";
}

function describeFit(requirements: ModelRequirements, chosen: Candidate, usableBytes: number, budget: MemoryBudget): string {
    const needs = `needs ${formatBytes(total(chosen.memory))} of ${formatBytes(usableBytes)} usable`;
    const context = aContext(chosen.contextSize);
    switch (placementOf(chosen.gpuLayers, requirements.totalLayers)) {
        case "gpu": return `Fits on the GPU with ${context} (${needs}).`;
        case "partial":
            return `Fits with ${chosen.gpuLayers} of ${requirements.totalLayers} layers on the GPU and ${context} (${needs}); the rest runs on the CPU, which is slower.`;
        case "cpu":
            return budget.machine.gpu === false
                ? `Fits in memory with ${context} (${needs}); runs on the CPU.`
                : `Fits in memory with ${context} (${needs}), but no layer fits on the GPU: it runs on the CPU, which is slower.`;
    }
}

function describeBudget(budget: MemoryBudget, usableBytes: number): string {
    const {machine, free} = budget;
    if (free != null) {
        const freeNow = machine.gpu === false || machine.unifiedMemory
            ? `${formatBytes(free.ramBytes)} of RAM is free now`
            : `${formatBytes(free.ramBytes)} of RAM and ${formatBytes(free.vramBytes)} of GPU memory are free now`;
        return `${freeNow}, of which ${formatBytes(usableBytes)} is usable`;
    }
    const has = machine.gpu === false
        ? `${formatBytes(machine.ramBytes)} of RAM`
        : machine.unifiedMemory
            ? `${formatBytes(machine.ramBytes)} of unified memory`
            : `${formatBytes(machine.ramBytes)} of RAM and a ${formatBytes(machine.vramBytes)} GPU`;
    return `this machine has ${has}, of which ${formatBytes(usableBytes)} is usable beside ${budget.beside}`;
}

const total = (split: MemorySplit): number => split.cpuBytes + split.gpuBytes;
const tokens = (count: number): string => count.toLocaleString("en");
/** "a 4,096-token context", "an 8,192-token context" (as it is said: eight, eleven, eighteen…). */
const aContext = (count: number): string => `${/^(8|11,|18,|11$|18$)/.test(tokens(count)) ? "an" : "a"} ${tokens(count)}-token context`;
