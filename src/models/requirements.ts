/**
 * What a model needs from a machine: its weights, and a context (KV cache plus compute buffers),
 * each split between CPU RAM and GPU memory by how many layers are offloaded. The fit check only
 * sees this interface, so it works the same from a GGUF's own header (ggufRequirements.ts) and,
 * before a file exists here, from the catalogue's nominal figures (below).
 */
import type {ModelPreset} from "./catalogue";

export interface MemorySplit {
    readonly cpuBytes: number;
    readonly gpuBytes: number;
}

export interface ModelRequirements {
    /** Layers as node-llama-cpp counts `gpuLayers`: the repeating blocks plus the output layer. */
    readonly totalLayers: number;
    readonly trainContextSize: number;
    readonly parameters: number;
    /** All tensor data. */
    readonly weightsBytes: number;
    /** The weights' memory with `gpuLayers` layers on the GPU. */
    weights(gpuLayers: number): MemorySplit;
    /** A context of `contextSize` tokens per sequence, for `sequences` sequences. */
    context(contextSize: number, sequences: number, gpuLayers: number): MemorySplit;
}

export const addSplits = (a: MemorySplit, b: MemorySplit): MemorySplit => ({cpuBytes: a.cpuBytes + b.cpuBytes, gpuBytes: a.gpuBytes + b.gpuBytes});

const f16Bytes = 2;
const f32Bytes = 4;
/** node-llama-cpp's default batch size is min(context × sequences, 512). */
const maxBatch = 512;

/**
 * Estimates from the catalogue: the nominal file size spread over the layers (the token embedding
 * stays on the CPU, as llama.cpp keeps input layers there), an f16 KV cache per layer, and the
 * compute buffers llama.cpp allocates for a batch without flash attention (attention scores for
 * every head over the whole context, plus the logits). Coarser than the GGUF path; it only has to
 * rank presets and flag the ones that cannot fit.
 */
export function nominalRequirements(preset: ModelPreset): ModelRequirements {
    const {shape} = preset;
    const totalLayers = shape.layers + 1;
    const bytesPerWeight = preset.sizeBytes / preset.parameters;
    const embeddingBytes = Math.min(preset.sizeBytes / 2, shape.vocab * shape.embedding * bytesPerWeight);
    const headSize = shape.embedding / shape.heads;
    const kvBytesPerToken = shape.layers * shape.kvHeads * ((shape.keyLength ?? headSize) + (shape.valueLength ?? headSize)) * f16Bytes;

    return {
        totalLayers,
        trainContextSize: shape.contextLength,
        parameters: preset.parameters,
        weightsBytes: preset.sizeBytes,
        weights(gpuLayers) {
            const onGpu = ((preset.sizeBytes - embeddingBytes) * clampLayers(gpuLayers, totalLayers)) / totalLayers;
            return {cpuBytes: preset.sizeBytes - onGpu, gpuBytes: onGpu};
        },
        context(contextSize, sequences, gpuLayers) {
            const layers = clampLayers(gpuLayers, totalLayers);
            const kv = kvBytesPerToken * contextSize * sequences;
            const gpuKv = (kv * Math.min(layers, shape.layers)) / shape.layers;
            const batch = Math.min(maxBatch, contextSize * sequences);
            const compute = f32Bytes * batch * (shape.embedding + contextSize * shape.heads);
            const gpuCompute = (compute * layers) / totalLayers;
            const logits = f32Bytes * shape.vocab * batch;
            return {cpuBytes: kv - gpuKv + compute - gpuCompute + logits, gpuBytes: gpuKv + gpuCompute};
        }
    };
}

function clampLayers(gpuLayers: number, totalLayers: number): number {
    return Math.max(0, Math.min(totalLayers, Math.floor(gpuLayers)));
}
