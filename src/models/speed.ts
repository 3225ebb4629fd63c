/**
 * What generation speed to expect, from something measured: generating one token reads every
 * weight the model uses once, so tokens per second is at most about memory speed ÷ the bytes read
 * per token. That holds on the CPU and on unified memory (the same RAM); for layers on a discrete
 * GPU its memory speed would count, which Enclave does not measure, so a model entirely there gets
 * no figure rather than a guessed one. Prompt reading is compute-bound and not part of this.
 */
import type {ModelPreset} from "./catalogue";
import type {ModelFit} from "./fit";
import type {Machine} from "./hardware";
import type {ModelRequirements} from "./requirements";
import {formatBytes} from "./units";

/** Tokens per second at most (rounded down by the caller for display), or undefined where the basis doesn't hold. */
export function estimateTokensPerSecond(
    preset: ModelPreset,
    requirements: ModelRequirements,
    fit: ModelFit,
    machine: Machine,
    memoryBytesPerSecond: number | undefined
): number | undefined {
    if (memoryBytesPerSecond === undefined || memoryBytesPerSecond <= 0) return undefined;
    // Mixture-of-experts models read only the experts a token routes to.
    const share = (preset.activeParameters ?? preset.parameters) / preset.parameters;
    const unified = machine.gpu !== false && machine.unifiedMemory;
    if (!unified && machine.gpu !== false && fit.placement === "gpu") return undefined;
    // On a discrete GPU, the layers left on the CPU are what its memory has to read.
    const bytes = unified || machine.gpu === false ? requirements.weightsBytes : requirements.weights(fit.gpuLayers).cpuBytes;
    return bytes > 0 ? memoryBytesPerSecond / (bytes * share) : undefined;
}

/** "about 12 tokens/s" with the precision such an estimate deserves: two significant figures at most. */
export function formatTokensPerSecond(tokensPerSecond: number): string {
    if (tokensPerSecond < 1) return "under 1 token/s";
    const step = tokensPerSecond < 10 ? 0.1 : 10 ** Math.max(0, Math.floor(Math.log10(tokensPerSecond)) - 1);
    const rounded = Math.round(tokensPerSecond / step) * step;
    const text = rounded.toLocaleString("en", {maximumFractionDigits: 1});
    return `about ${text} ${text === "1" ? "token" : "tokens"}/s`;
}

/** Below this, generated text comes slower than people read: worth a warning before a download. */
export const slowTokensPerSecond = 5;

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export interface SpeedOf {
    readonly label: string;
    /** "chat", "completions". */
    readonly use: string;
    readonly tokensPerSecond?: number;
}

/**
 * One sentence for the first-run offer, with its basis: "Expect about 9 tokens/s in chat and about
 * 60 tokens/s in completions at best — an estimate: memory copies at 12 GB/s here (measured on one
 * core), and each generated token reads every weight held in RAM once." Undefined without a measurement.
 */
export function describeSpeed(models: readonly SpeedOf[], memoryBytesPerSecond: number | undefined): string | undefined {
    if (memoryBytesPerSecond === undefined || memoryBytesPerSecond <= 0 || models.length === 0) return undefined;
    const measured = models.filter((model) => model.tokensPerSecond !== undefined);
    const onGpu = models.filter((model) => model.tokensPerSecond === undefined);
    const sentences: string[] = [];
    if (measured.length > 0) {
        const figures = measured.map((model) => `${formatTokensPerSecond(model.tokensPerSecond ?? 0)} in ${model.use}`).join(" and ");
        sentences.push(`Expect ${figures} at best — an estimate: memory copies at ${formatBytes(memoryBytesPerSecond)}/s here (measured on one core), and each generated token reads every weight held in RAM once.`);
    }
    // Each model is named once in the offer already: its use says which one is meant here.
    if (onGpu.length > 0)
        sentences.push(`The ${onGpu.length > 1 ? "models" : "model"} for ${onGpu.map((model) => model.use).join(" and ")} ${onGpu.length > 1 ? "run" : "runs"} entirely on the GPU, whose speed Enclave has not measured.`);
    const slow = measured.filter((model) => (model.tokensPerSecond ?? 0) < slowTokensPerSecond);
    if (slow.length > 0)
        sentences.push(`${capitalized(slow.map((model) => model.use).join(" and "))} will be slow on this machine, slower than you read; a smaller model (Choose…) answers faster.`);
    return sentences.join(" ");
}
