// qwen2 models with random weights in realistic shapes, for loading, memory and speed tests.
// Their output is noise, but they cost what a real model of the same shape costs.
//
// Weights are uniform in [-scale, scale] from a seeded PRNG (one stream per tensor, so a tensor's
// values don't depend on the others), small enough that activations stay finite through all
// layers. f16 values come from a 65,536-entry lookup table indexed by 16 random bits, which keeps
// the 1.3 GB Qwen2.5-0.5B shape at disk speed rather than at float-conversion speed.
// Random models may emit stop tokens early: bias them off (tokenBias) when benchmarking.
import { cachedFile } from "./cache";
import { float32ToFloat16Bits, writeGguf } from "./gguf-writer";
import { constantF32, qwen2Metadata, qwen2Tensors } from "./qwen2";
import type { Qwen2Dims, TensorContent } from "./qwen2";
import { QWEN_CODER_TOKENIZER, VocabBuilder } from "./vocab";
import type { Vocab } from "./vocab";

export interface RandomShape extends Qwen2Dims {
    /** Type of the matrices; norms and biases are always f32, as in converted models. */
    readonly weightType: "f16" | "f32";
    readonly seed: number;
    /** Weights are uniform in [-scale, scale]. */
    readonly scale: number;
    /** Qwen2.5-Coder's added tokens and ChatML template instead of R1-Distill-Qwen's (absent: R1's). */
    readonly vocabulary?: "qwenCoder";
    /**
     * `qwen2.pooling_type`: 1 (mean) makes it a decoder trained to embed, as gte-Qwen2 declares
     * itself (src/models/embeddingArchitectures.ts); absent: a plain language model.
     */
    readonly poolingType?: number;
}

/** Qwen2.5-0.5B (and so the smallest R1-distill-like shape): ≈ 1.26 GB in f16 with a separate output matrix. */
export const QWEN25_05B_SHAPE: RandomShape = {
    layers: 24,
    embedding: 896,
    heads: 14,
    kvHeads: 2,
    ffn: 4864,
    vocab: 151936,
    contextLength: 32768,
    ropeTheta: 1e6,
    tiedOutput: false,
    weightType: "f16",
    seed: 1,
    scale: 0.02
};

/** A few hundred KB: loads and generates in milliseconds. */
export const TINY_RANDOM_SHAPE: RandomShape = {
    layers: 2,
    embedding: 64,
    heads: 4,
    kvHeads: 2,
    ffn: 128,
    vocab: 512,
    contextLength: 4096,
    ropeTheta: 1e6,
    tiedOutput: true,
    weightType: "f16",
    seed: 1,
    scale: 0.05
};

/**
 * A random embedding model: a small qwen2 decoder with mean pooling, 128-dimensional vectors.
 * Random weights give no useful similarity; it exercises the whole path (load, batches, cache,
 * cancel) at a cost close to a real small embedding model's per token.
 */
export const RANDOM_EMBEDDING_SHAPE: RandomShape = {...TINY_RANDOM_SHAPE, layers: 2, embedding: 128, heads: 4, kvHeads: 2, ffn: 256, vocab: 1024, seed: 5, poolingType: 1};

export function randomEmbeddingModel(shape: Partial<RandomShape> = {}): Promise<string> {
    return randomModel({...RANDOM_EMBEDDING_SHAPE, ...shape});
}

/** Path of a cached random model; `shape` overrides fields of the Qwen2.5-0.5B shape. */
export async function randomModel(shape: Partial<RandomShape> = {}): Promise<string> {
    const resolved: RandomShape = { ...QWEN25_05B_SHAPE, ...shape };
    return cachedFile("random", resolved, (tempPath) => writeRandomModel(tempPath, resolved));
}

export async function writeRandomModel(filePath: string, shape: RandomShape, options: { withTokenizer?: boolean } = {}): Promise<void> {
    const { withTokenizer = true } = options;
    const metadata = {
        ...qwen2Metadata(shape, `Enclave random test model (qwen2 ${shape.layers}x${shape.embedding})`, shape.weightType),
        ...(withTokenizer ? vocabularyOf(shape).metadata() : {}),
        ...(shape.poolingType !== undefined ? { "qwen2.pooling_type": { type: "uint32" as const, value: shape.poolingType } } : {})
    };
    await writeGguf(filePath, metadata, qwen2Tensors(shape, (info) => {
        const count = info.dims.reduce((a, b) => a * b, 1);
        if (info.dims.length === 1) {
            return info.role.endsWith(".bias")
                ? uniformRandom(count, "f32", shape.scale, `${shape.seed}:${info.name}`)
                : constantF32(count, 1); // norm weights
        }
        return uniformRandom(count, shape.weightType, shape.scale, `${shape.seed}:${info.name}`);
    }));
}

function vocabularyOf(shape: RandomShape): Vocab<string> {
    if (shape.vocabulary !== "qwenCoder")
        return new VocabBuilder().build({ padTo: shape.vocab });
    return new VocabBuilder().build({ padTo: shape.vocab, ...QWEN_CODER_TOKENIZER });
}

const CHUNK = 1 << 20;

function uniformRandom(count: number, type: "f16" | "f32", scale: number, seedText: string): TensorContent {
    return {
        type,
        fill: async (sink) => {
            const next = xorshift32(seedText);
            // 65,536 evenly spaced values in (-scale, scale), picked by 16 random bits each.
            const levels = (i: number) => scale * ((i + 0.5) / 32768 - 1);
            if (type === "f16") {
                const table = new Uint16Array(65536).map((_, i) => float32ToFloat16Bits(levels(i)));
                const chunk = new Uint16Array(Math.min(count, CHUNK));
                for (let done = 0; done < count; done += chunk.length) {
                    fillFromTable(chunk, table, next);
                    await sink.f16Bits(chunk.subarray(0, Math.min(chunk.length, count - done)));
                }
            } else {
                const table = new Float32Array(65536).map((_, i) => levels(i));
                const chunk = new Float32Array(Math.min(count, CHUNK));
                for (let done = 0; done < count; done += chunk.length) {
                    fillFromTable(chunk, table, next);
                    await sink.f32(chunk.subarray(0, Math.min(chunk.length, count - done)));
                }
            }
        }
    };
}

function fillFromTable(chunk: Uint16Array | Float32Array, table: Uint16Array | Float32Array, next: () => number): void {
    const length = chunk.length;
    for (let i = 0; i < length; i += 2) {
        const bits = next();
        chunk[i] = table[bits & 0xffff]!;
        if (i + 1 < length)
            chunk[i + 1] = table[bits >>> 16]!;
    }
}

/** Marsaglia's xorshift32, seeded from a string by FNV-1a: deterministic and fast. */
function xorshift32(seedText: string): () => number {
    let state = 0x811c9dc5;
    for (let i = 0; i < seedText.length; i++)
        state = Math.imul(state ^ seedText.charCodeAt(i), 0x01000193);
    state = state >>> 0 || 0x9e3779b9;
    return () => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return state >>> 0;
    };
}
