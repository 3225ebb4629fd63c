/**
 * The best chat model and the best completion model for a machine, and a verdict on every preset.
 *
 * "Best": among presets that fit with headroom, those that run entirely on the GPU (on a machine
 * that has one) before those that only partly do, then the most parameters, then DeepSeek-R1
 * before its distills before V3 (Enclave is built around R1's reasoning).
 *
 * The two models run side by side, so they are chosen together: the chat model must leave room
 * for at least the smallest completion preset, and the completion model is then fitted into what
 * the chat model leaves. Inline completions must answer while the user types; on the CPU only
 * completion models up to 2B parameters are fast enough, so a larger one is recommended only when
 * the GPU computes enough of it that the CPU's share stays under that.
 *
 * With the memory speed the model process measured, each recommended model also gets the
 * generation speed to expect (speed.ts), said with its basis in `speed`.
 */
import {catalogue, type ModelFamily, type ModelPreset} from "./catalogue";
import {budgetAfter, defaultFitPolicy, fitModel, memoryBudget, type FitPolicy, type MemoryBudget, type ModelFit} from "./fit";
import {describeMachine, type Machine} from "./hardware";
import {nominalRequirements, type ModelRequirements} from "./requirements";
import {describeSpeed, estimateTokensPerSecond} from "./speed";

export interface PresetVerdict {
    readonly preset: ModelPreset;
    /** The preset alone on this machine. */
    readonly fit: ModelFit;
    readonly recommended: boolean;
    /** Why a preset that fits is still not recommended for its role, if it isn't. */
    readonly note?: string;
}

export interface RecommendedModel {
    readonly preset: ModelPreset;
    /** For chat: with room kept for a completion model. For completion: in what the chat model leaves. */
    readonly fit: ModelFit;
    /** Generation speed to expect at best, from the measured memory speed (speed.ts); undefined without a basis. */
    readonly tokensPerSecond?: number;
}

export interface Recommendation {
    readonly machine: Machine;
    readonly chat?: RecommendedModel;
    readonly completion?: RecommendedModel;
    /** Every preset: chat before completion, within each those that fit first, best first. */
    readonly presets: readonly PresetVerdict[];
    /** One sentence for the first-run flow. */
    readonly summary: string;
    /** What generation speed to expect from the recommended models, with its basis; undefined without a measurement. */
    readonly speed?: string;
}

export interface RecommendOptions {
    readonly policy?: FitPolicy;
    /** Requirements read from real headers; presets without one use the catalogue's nominal figures. */
    readonly requirements?: (preset: ModelPreset) => ModelRequirements | undefined;
    /** Completion models above this many parameters are too slow without a GPU. */
    readonly maxCompletionParametersOnCpu?: number;
    /** Bytes per second this machine copies memory at (memorySpeed.ts), for the speed estimate. */
    readonly memoryBytesPerSecond?: number;
}

const familyOrder: Record<ModelFamily, number> = {"deepseek-r1": 3, "deepseek-r1-distill": 2, "qwen2.5-coder": 1, "deepseek-v3": 0};

export function recommend(machine: Machine, presets: readonly ModelPreset[] = catalogue, options: RecommendOptions = {}): Recommendation {
    const policy = options.policy ?? defaultFitPolicy;
    const maxCpuCompletion = options.maxCompletionParametersOnCpu ?? 2e9;
    const requirementsOf = new Map(presets.map((preset) => [preset.id, options.requirements?.(preset) ?? nominalRequirements(preset)]));
    const needs = (preset: ModelPreset): ModelRequirements => requirementsOf.get(preset.id) ?? nominalRequirements(preset);
    const budget = memoryBudget(machine, policy);

    const alone = presets.map((preset) => ({preset, fit: fitModel(needs(preset), preset.role, budget, policy)}));
    const byRank = (a: RecommendedModel, b: RecommendedModel): number => compare(machine, a, b);
    const fitting = alone.filter((entry) => entry.fit.fits).sort(byRank);
    // The share of the model the CPU computes is what makes a completion model slow; a few GPU layers don't rescue a 3B.
    const tooSlow = (entry: RecommendedModel): boolean =>
        entry.preset.role === "completion" && entry.preset.parameters * (1 - entry.fit.gpuLayers / entry.fit.totalLayers) > maxCpuCompletion;

    // The smallest completion model that fits is the room the chat model must leave.
    const smallestCompletion = fitting
        .filter((entry) => entry.preset.role === "completion" && !tooSlow(entry))
        .sort((a, b) => a.fit.neededBytes - b.fit.neededBytes)[0];

    let chat: RecommendedModel | undefined;
    const crowding = new Set<string>();
    for (const candidate of fitting.filter((entry) => entry.preset.role === "chat")) {
        // Room as the smallest completion model would take it alone: on the GPU when it fits there, so completions stay fast.
        const room: MemoryBudget = smallestCompletion == null
            ? budget
            : budgetAfter(budget, smallestCompletion.fit.memory, "the OS, VS Code and a completion model");
        const fit = fitModel(needs(candidate.preset), "chat", room, policy);
        if (fit.fits) {
            chat = {preset: candidate.preset, fit};
            break;
        }
        crowding.add(candidate.preset.id);
    }
    // Nothing fits beside a completion model: the chat model alone serves completions too.
    chat ??= fitting.find((entry) => entry.preset.role === "chat");

    const left = chat == null ? budget : budgetAfter(budget, chat.fit.memory, "the OS, VS Code and the chat model");
    const completionFit = presets
        .filter((preset) => preset.role === "completion")
        .map((preset) => ({preset, fit: fitModel(needs(preset), "completion", left, policy)}))
        .filter((entry) => entry.fit.fits && !tooSlow(entry))
        .sort(byRank)[0];

    const withSpeed = (entry: RecommendedModel | undefined): RecommendedModel | undefined =>
        entry && {...entry, tokensPerSecond: estimateTokensPerSecond(entry.preset, needs(entry.preset), entry.fit, machine, options.memoryBytesPerSecond)};
    chat = withSpeed(chat);
    const completion = withSpeed(completionFit);
    const speed = describeSpeed(
        [
            ...(chat ? [{label: chat.preset.label, use: "chat", tokensPerSecond: chat.tokensPerSecond}] : []),
            ...(completion ? [{label: completion.preset.label, use: "completions", tokensPerSecond: completion.tokensPerSecond}] : [])
        ],
        options.memoryBytesPerSecond
    );

    const verdicts = [...alone].sort((a, b) => roleOrder(a) - roleOrder(b) || Number(b.fit.fits) - Number(a.fit.fits) || byRank(a, b)).map((entry): PresetVerdict => ({
        preset: entry.preset,
        fit: entry.fit,
        recommended: entry.preset.id === chat?.preset.id || entry.preset.id === completion?.preset.id,
        note: noteFor(machine, entry, tooSlow(entry), crowding.has(entry.preset.id), chat ?? (entry.preset.role === "completion" ? completion : undefined))
    }));
    return {machine, chat, completion, presets: verdicts, summary: summarise(machine, chat, completion), speed};
}

function compare(machine: Machine, a: RecommendedModel, b: RecommendedModel): number {
    return tier(machine, b.fit) - tier(machine, a.fit)
        || b.preset.parameters - a.preset.parameters
        || familyOrder[b.preset.family] - familyOrder[a.preset.family]
        || a.fit.neededBytes - b.fit.neededBytes;
}

/** On a machine with a GPU, running entirely on it is a class above; without one, the CPU is all there is. */
function tier(machine: Machine, fit: ModelFit): number {
    return machine.gpu === false || fit.placement === "gpu" ? 1 : 0;
}

const roleOrder = (entry: RecommendedModel): number => (entry.preset.role === "chat" ? 0 : 1);

function noteFor(machine: Machine, entry: RecommendedModel, tooSlow: boolean, crowding: boolean, chosen: RecommendedModel | undefined): string | undefined {
    if (!entry.fit.fits) return undefined;
    if (tooSlow) return "Fits, but mostly on the CPU it is too slow for completions while you type.";
    if (crowding) return "Fits alone, but leaves no room for a completion model beside it.";
    if (entry.preset.role === "chat" && chosen != null && entry.preset.id !== chosen.preset.id && tier(machine, entry.fit) < tier(machine, chosen.fit))
        return `Fits only partly on the GPU; ${chosen.preset.label} runs entirely on it, which is much faster.`;
    return undefined;
}

function summarise(machine: Machine, chat: RecommendedModel | undefined, completion: RecommendedModel | undefined): string {
    const on = `For this machine (${describeMachine(machine)})`;
    if (chat == null) return `${on} none of the models fits with room left for the OS and VS Code. Import a smaller GGUF file.`;
    const completions = completion == null
        ? "; the chat model also serves completions"
        : ` and ${completion.preset.label} for completions`;
    return `${on}: ${chat.preset.label} for chat${completions}.`;
}
