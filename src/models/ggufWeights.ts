/**
 * Samples a model's weights for NaN and infinite values: a model with them loads fine and then
 * answers "????". Reading every weight would take as long as loading the model, so this reads a
 * fixed number of positions per tensor, spread over it: values of f32/f16/bf16 tensors, and the
 * scales of quantized blocks (a Q8_0 or Q4_K block's values are small integers times an f16 scale,
 * so a broken block has a non-finite scale). The time is bounded by the number of reads, not by
 * the model's size.
 */
import {open} from "node:fs/promises";
import {blockTraitsOf} from "./ggmlTypes";
import type {PrescannedTensor} from "./ggufPrescan";

/** Reads per tensor, and over the whole model (big models have more tensors, each sampled less). */
const samplesPerTensor = 16;
const samplesPerModel = 4096;

type Scalar = "f32" | "f16" | "bf16" | "f64";

/** Where a finite-or-not number sits in one block of each type: [offset in the block, kind]. */
const probes: Readonly<Record<number, ReadonlyArray<readonly [number, Scalar]>>> = {
    0: [[0, "f32"]], // F32
    1: [[0, "f16"]], // F16
    2: [[0, "f16"]], // Q4_0: d
    3: [[0, "f16"], [2, "f16"]], // Q4_1: d, m
    6: [[0, "f16"]], // Q5_0: d
    7: [[0, "f16"], [2, "f16"]], // Q5_1: d, m
    8: [[0, "f16"]], // Q8_0: d
    9: [[0, "f16"], [2, "f16"]], // Q8_1: d, s
    10: [[80, "f16"], [82, "f16"]], // Q2_K: scales[16], qs[64], d, dmin
    11: [[108, "f16"]], // Q3_K: hmask[32], qs[64], scales[12], d
    12: [[0, "f16"], [2, "f16"]], // Q4_K: d, dmin
    13: [[0, "f16"], [2, "f16"]], // Q5_K: d, dmin
    14: [[208, "f16"]], // Q6_K: ql[128], qh[64], scales[16], d
    15: [[0, "f32"]], // Q8_K: d
    16: [[0, "f16"]], // IQ2_XXS
    17: [[0, "f16"]], // IQ2_XS
    18: [[0, "f16"]], // IQ3_XXS
    19: [[0, "f16"]], // IQ1_S
    20: [[0, "f16"]], // IQ4_NL
    21: [[0, "f16"]], // IQ3_S
    22: [[0, "f16"]], // IQ2_S
    23: [[0, "f16"]], // IQ4_XS
    28: [[0, "f64"]], // F64
    30: [[0, "bf16"]], // BF16
    34: [[52, "f16"]], // TQ1_0: qs[48], qh[4], d
    35: [[64, "f16"]] // TQ2_0: qs[64], d
};

const scalarBytes: Readonly<Record<Scalar, number>> = {f32: 4, f16: 2, bf16: 2, f64: 8};

export interface NonFiniteWeight {
    readonly tensor: string;
    readonly value: "NaN" | "infinite";
}

/** The first non-finite value found at the sampled positions of `file`'s tensors, or undefined. */
export async function sampleWeights(file: string, tensors: readonly PrescannedTensor[]): Promise<NonFiniteWeight | undefined> {
    const perTensor = Math.max(2, Math.min(samplesPerTensor, Math.floor(samplesPerModel / Math.max(1, tensors.length))));
    const handle = await open(file, "r");
    try {
        const buffer = Buffer.alloc(8);
        for (const tensor of tensors) {
            const tensorProbes = probes[tensor.ggmlType];
            const blockElements = blockTraitsOf(tensor.ggmlType)?.[0];
            if (tensorProbes == null || blockElements == null) continue;
            const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
            const blocks = elements / blockElements;
            const blockBytes = tensor.dataBytes / blocks;
            const count = Math.min(perTensor, blocks);
            for (let sample = 0; sample < count; sample++) {
                // Evenly spread, first and last block included.
                const block = count === 1 ? 0 : Math.round((sample * (blocks - 1)) / (count - 1));
                // A block's probes sit side by side (at most 8 bytes): one read for all of them.
                const first = tensorProbes[0]?.[0] ?? 0;
                const span = Math.max(...tensorProbes.map(([offset, kind]) => offset + scalarBytes[kind])) - first;
                const {bytesRead} = await handle.read(buffer, 0, span, tensor.dataOffset + block * blockBytes + first);
                if (bytesRead < span) return undefined; // a cut file: said by the length check
                for (const [offset, kind] of tensorProbes) {
                    const problem = nonFinite(buffer.subarray(offset - first), kind);
                    if (problem != null) return {tensor: tensor.name, value: problem};
                }
            }
        }
        return undefined;
    } finally {
        await handle.close();
    }
}

function nonFinite(buffer: Buffer, kind: Scalar): NonFiniteWeight["value"] | undefined {
    switch (kind) {
        case "f32":
            return classify(buffer.readFloatLE(0));
        case "f64":
            return classify(buffer.readDoubleLE(0));
        case "f16": {
            const bits = buffer.readUInt16LE(0);
            // Exponent all ones: infinite when the mantissa is 0, NaN otherwise.
            return (bits & 0x7c00) === 0x7c00 ? ((bits & 0x03ff) === 0 ? "infinite" : "NaN") : undefined;
        }
        case "bf16": {
            const bits = buffer.readUInt16LE(0);
            return (bits & 0x7f80) === 0x7f80 ? ((bits & 0x007f) === 0 ? "infinite" : "NaN") : undefined;
        }
    }
}

function classify(value: number): NonFiniteWeight["value"] | undefined {
    if (Number.isNaN(value)) return "NaN";
    return Number.isFinite(value) ? undefined : "infinite";
}
