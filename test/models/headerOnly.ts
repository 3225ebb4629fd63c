// Header-only GGUF files in the shapes of real models (R1 distills, Qwen2.5-Coder, DeepSeek-R1/V3):
// the metadata and tensor infos of the real thing — names, dims, quantised ggml types, offsets —
// and no tensor data. node-llama-cpp's readGgufFileInfo and GgufInsights read only the header, so a
// 671B model costs a few KB on disk and its memory estimate is the one a real download would get.
// Split models are written as `<name>-0000k-of-0000n.gguf` parts with the `split.*` keys, tensors
// dealt across the parts in order, as llama.cpp's gguf-split does.
// These files are not loadable (llama.cpp would find no weights); they are for fit checks only.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { gguf, GgufValueType } from "./gguf-writer";
import type { GgufMetadata, GgufValue } from "./gguf-writer";

/** ggml types used by real quantised files (ggml.h `enum ggml_type`): id, elements per block, bytes per block. */
export const GgmlTypes = {
    F32: { id: 0, block: 1, bytes: 4 },
    F16: { id: 1, block: 1, bytes: 2 },
    Q8_0: { id: 8, block: 32, bytes: 34 },
    Q2_K: { id: 10, block: 256, bytes: 84 },
    Q4_K: { id: 12, block: 256, bytes: 144 },
    Q6_K: { id: 14, block: 256, bytes: 210 },
    IQ2_XXS: { id: 16, block: 256, bytes: 66 },
    IQ1_S: { id: 19, block: 256, bytes: 50 },
    IQ1_M: { id: 29, block: 256, bytes: 56 }
} as const;
export type GgmlTypeName = keyof typeof GgmlTypes;

export interface HeaderTensor {
    readonly name: string;
    /** ggml order: row length first. */
    readonly dims: readonly number[];
    readonly type: GgmlTypeName;
}

/** A quantised type needs whole blocks per row; llama.cpp falls back to Q8_0 when a row doesn't divide. */
function fitType(type: GgmlTypeName, rowLength: number): GgmlTypeName {
    return rowLength % GgmlTypes[type].block === 0 ? type : "Q8_0";
}

export function tensorBytes(tensor: HeaderTensor): number {
    const type = GgmlTypes[tensor.type];
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
    return (elements / type.block) * type.bytes;
}

export interface HeaderOnlyModel {
    readonly name: string;
    readonly metadata: GgufMetadata;
    readonly tensors: readonly HeaderTensor[];
}

/** Quantisation recipe: the type of the big matrices, and of the few that llama.cpp keeps finer. */
export interface Recipe {
    readonly main: GgmlTypeName;
    /** output, and attn_v / ffn_down in the layers `fineLayer` picks; same as `main` in Q8_0 files. */
    readonly fine: GgmlTypeName;
}
export const Q4_K_M: Recipe = { main: "Q4_K", fine: "Q6_K" };
export const Q8_0: Recipe = { main: "Q8_0", fine: "Q8_0" };

/** llama.cpp's `use_more_bits`: Q4_K_M gives attn_v and ffn_down Q6_K in the first and last eighth and every third layer between. */
function fineLayer(layer: number, layers: number): boolean {
    return layer < layers / 8 || layer >= (7 * layers) / 8 || (layer - Math.floor(layers / 8)) % 3 === 2;
}

export interface DenseShape {
    readonly architecture: "qwen2" | "llama";
    readonly layers: number;
    readonly embedding: number;
    readonly heads: number;
    readonly kvHeads: number;
    readonly ffn: number;
    readonly vocab: number;
    readonly contextLength: number;
    readonly tiedOutput: boolean;
}

// Shapes from the models' published configs.
export const SHAPES = {
    r1Qwen1_5B: { architecture: "qwen2", layers: 28, embedding: 1536, heads: 12, kvHeads: 2, ffn: 8960, vocab: 151936, contextLength: 131072, tiedOutput: false },
    r1Qwen7B: { architecture: "qwen2", layers: 28, embedding: 3584, heads: 28, kvHeads: 4, ffn: 18944, vocab: 152064, contextLength: 131072, tiedOutput: false },
    r1Qwen14B: { architecture: "qwen2", layers: 48, embedding: 5120, heads: 40, kvHeads: 8, ffn: 13824, vocab: 152064, contextLength: 131072, tiedOutput: false },
    r1Qwen32B: { architecture: "qwen2", layers: 64, embedding: 5120, heads: 40, kvHeads: 8, ffn: 27648, vocab: 152064, contextLength: 131072, tiedOutput: false },
    r1Llama8B: { architecture: "llama", layers: 32, embedding: 4096, heads: 32, kvHeads: 8, ffn: 14336, vocab: 128256, contextLength: 131072, tiedOutput: false },
    r1Llama70B: { architecture: "llama", layers: 80, embedding: 8192, heads: 64, kvHeads: 8, ffn: 28672, vocab: 128256, contextLength: 131072, tiedOutput: false },
    coder0_5B: { architecture: "qwen2", layers: 24, embedding: 896, heads: 14, kvHeads: 2, ffn: 4864, vocab: 151936, contextLength: 32768, tiedOutput: true },
    coder1_5B: { architecture: "qwen2", layers: 28, embedding: 1536, heads: 12, kvHeads: 2, ffn: 8960, vocab: 151936, contextLength: 32768, tiedOutput: true },
    coder3B: { architecture: "qwen2", layers: 36, embedding: 2048, heads: 16, kvHeads: 2, ffn: 11008, vocab: 151936, contextLength: 32768, tiedOutput: true },
    coder7B: { architecture: "qwen2", layers: 28, embedding: 3584, heads: 28, kvHeads: 4, ffn: 18944, vocab: 152064, contextLength: 32768, tiedOutput: false }
} as const satisfies Record<string, DenseShape>;

/** A dense qwen2 or llama model (the R1 distills, Qwen2.5-Coder). */
export function denseModel(name: string, shape: DenseShape, recipe: Recipe, extra: GgufMetadata = {}): HeaderOnlyModel {
    const { architecture: arch, embedding: d, ffn, vocab } = shape;
    const kv = (d / shape.heads) * shape.kvHeads;
    const matrix = (tensorName: string, dims: readonly number[], type: GgmlTypeName): HeaderTensor =>
        ({ name: tensorName, dims, type: fitType(type, dims[0]!) });
    const norm = (tensorName: string, length: number): HeaderTensor => ({ name: tensorName, dims: [length], type: "F32" });

    const tensors: HeaderTensor[] = [matrix("token_embd.weight", [d, vocab], recipe.main)];
    for (let layer = 0; layer < shape.layers; layer++) {
        const blk = `blk.${layer}`;
        tensors.push(norm(`${blk}.attn_norm.weight`, d), matrix(`${blk}.attn_q.weight`, [d, d], recipe.main));
        if (arch === "qwen2") tensors.push(norm(`${blk}.attn_q.bias`, d));
        tensors.push(matrix(`${blk}.attn_k.weight`, [d, kv], recipe.main));
        if (arch === "qwen2") tensors.push(norm(`${blk}.attn_k.bias`, kv));
        const vAndDown = fineLayer(layer, shape.layers) ? recipe.fine : recipe.main;
        tensors.push(matrix(`${blk}.attn_v.weight`, [d, kv], vAndDown));
        if (arch === "qwen2") tensors.push(norm(`${blk}.attn_v.bias`, kv));
        tensors.push(
            matrix(`${blk}.attn_output.weight`, [d, d], recipe.main),
            norm(`${blk}.ffn_norm.weight`, d),
            matrix(`${blk}.ffn_gate.weight`, [d, ffn], recipe.main),
            matrix(`${blk}.ffn_up.weight`, [d, ffn], recipe.main),
            matrix(`${blk}.ffn_down.weight`, [ffn, d], vAndDown)
        );
    }
    tensors.push(norm("output_norm.weight", d));
    if (!shape.tiedOutput) tensors.push(matrix("output.weight", [d, vocab], recipe.fine));

    const metadata: GgufMetadata = {
        "general.architecture": gguf.str(arch),
        "general.name": gguf.str(name),
        "general.alignment": gguf.u32(32),
        [`${arch}.context_length`]: gguf.u32(shape.contextLength),
        [`${arch}.embedding_length`]: gguf.u32(d),
        [`${arch}.block_count`]: gguf.u32(shape.layers),
        [`${arch}.feed_forward_length`]: gguf.u32(ffn),
        [`${arch}.attention.head_count`]: gguf.u32(shape.heads),
        [`${arch}.attention.head_count_kv`]: gguf.u32(shape.kvHeads),
        [`${arch}.attention.layer_norm_rms_epsilon`]: gguf.f32(1e-6),
        [`${arch}.vocab_size`]: gguf.u32(vocab),
        ...extra
    };
    return { name, metadata, tensors };
}

/** Expert quantisation of a DeepSeek-V3/R1 low-bit file; everything else is Q4_K/Q6_K as in unsloth's dynamic quants. */
export interface MoeRecipe {
    readonly gateUp: GgmlTypeName;
    readonly down: GgmlTypeName;
}

/**
 * DeepSeek-V3 / R1 (`deepseek2`, 671B): 61 layers of which the first 3 are dense, 256 routed experts
 * (8 used) plus one shared expert per MoE layer, multi-head latent attention in the layout current
 * llama.cpp converts to (attn_k_b / attn_v_b, one KV head of 576 = kv_lora_rank 512 + rope 64).
 */
export function deepseek2Model(name: string, recipe: MoeRecipe): HeaderOnlyModel {
    const d = 7168, heads = 128, layers = 61, dense = 3, experts = 256, expertFfn = 2048, ffn = 18432, vocab = 129280;
    const qLora = 1536, kvLora = 512, rope = 64, nope = 128, valueDim = 128;
    const q = (tensorName: string, dims: readonly number[], type: GgmlTypeName): HeaderTensor =>
        ({ name: tensorName, dims, type: fitType(type, dims[0]!) });
    const norm = (tensorName: string, length: number): HeaderTensor => ({ name: tensorName, dims: [length], type: "F32" });

    const tensors: HeaderTensor[] = [q("token_embd.weight", [d, vocab], "Q4_K")];
    for (let layer = 0; layer < layers; layer++) {
        const blk = `blk.${layer}`;
        tensors.push(
            norm(`${blk}.attn_norm.weight`, d),
            q(`${blk}.attn_q_a.weight`, [d, qLora], "Q4_K"),
            norm(`${blk}.attn_q_a_norm.weight`, qLora),
            q(`${blk}.attn_q_b.weight`, [qLora, heads * (nope + rope)], "Q4_K"),
            q(`${blk}.attn_kv_a_mqa.weight`, [d, kvLora + rope], "Q4_K"),
            norm(`${blk}.attn_kv_a_norm.weight`, kvLora),
            q(`${blk}.attn_k_b.weight`, [nope, kvLora, heads], "Q8_0"),
            q(`${blk}.attn_v_b.weight`, [kvLora, valueDim, heads], "Q8_0"),
            q(`${blk}.attn_output.weight`, [heads * valueDim, d], "Q4_K"),
            norm(`${blk}.ffn_norm.weight`, d)
        );
        if (layer < dense) {
            tensors.push(
                q(`${blk}.ffn_gate.weight`, [d, ffn], "Q4_K"),
                q(`${blk}.ffn_up.weight`, [d, ffn], "Q4_K"),
                q(`${blk}.ffn_down.weight`, [ffn, d], "Q6_K")
            );
        } else {
            tensors.push(
                { name: `${blk}.ffn_gate_inp.weight`, dims: [d, experts], type: "F32" },
                norm(`${blk}.exp_probs_b.bias`, experts),
                q(`${blk}.ffn_gate_exps.weight`, [d, expertFfn, experts], recipe.gateUp),
                q(`${blk}.ffn_up_exps.weight`, [d, expertFfn, experts], recipe.gateUp),
                q(`${blk}.ffn_down_exps.weight`, [expertFfn, d, experts], recipe.down),
                q(`${blk}.ffn_gate_shexp.weight`, [d, expertFfn], "Q4_K"),
                q(`${blk}.ffn_up_shexp.weight`, [d, expertFfn], "Q4_K"),
                q(`${blk}.ffn_down_shexp.weight`, [expertFfn, d], "Q6_K")
            );
        }
    }
    tensors.push(norm("output_norm.weight", d), q("output.weight", [d, vocab], "Q6_K"));

    const metadata: GgufMetadata = {
        "general.architecture": gguf.str("deepseek2"),
        "general.name": gguf.str(name),
        "general.alignment": gguf.u32(32),
        "deepseek2.context_length": gguf.u32(163840),
        "deepseek2.embedding_length": gguf.u32(d),
        "deepseek2.block_count": gguf.u32(layers),
        "deepseek2.feed_forward_length": gguf.u32(ffn),
        "deepseek2.attention.head_count": gguf.u32(heads),
        "deepseek2.attention.head_count_kv": gguf.u32(1),
        "deepseek2.attention.key_length": gguf.u32(kvLora + rope),
        "deepseek2.attention.value_length": gguf.u32(kvLora),
        "deepseek2.attention.key_length_mla": gguf.u32(nope + rope),
        "deepseek2.attention.value_length_mla": gguf.u32(valueDim),
        "deepseek2.attention.q_lora_rank": gguf.u32(qLora),
        "deepseek2.attention.kv_lora_rank": gguf.u32(kvLora),
        "deepseek2.attention.layer_norm_rms_epsilon": gguf.f32(1e-6),
        "deepseek2.rope.dimension_count": gguf.u32(rope),
        "deepseek2.leading_dense_block_count": gguf.u32(dense),
        "deepseek2.expert_count": gguf.u32(experts),
        "deepseek2.expert_used_count": gguf.u32(8),
        "deepseek2.expert_shared_count": gguf.u32(1),
        "deepseek2.expert_feed_forward_length": gguf.u32(expertFfn),
        "deepseek2.vocab_size": gguf.u32(vocab)
    };
    return { name, metadata, tensors };
}

/** Sum of the tensor data a real file of this model holds. */
export function modelBytes(model: HeaderOnlyModel): number {
    return model.tensors.reduce((sum, tensor) => sum + tensorBytes(tensor), 0);
}

/**
 * Writes the model's header into `dir` as `<fileStem>.gguf`, or as `parts` split files, and returns
 * the path to open (the first part when split).
 */
export async function writeHeaderOnly(dir: string, fileStem: string, model: HeaderOnlyModel, parts = 1): Promise<string> {
    if (parts === 1) {
        const file = path.join(dir, `${fileStem}.gguf`);
        await writeFile(file, encodeHeader(model.metadata, model.tensors));
        return file;
    }
    const perPart = Math.ceil(model.tensors.length / parts);
    const files: string[] = [];
    for (let part = 0; part < parts; part++) {
        const tensors = model.tensors.slice(part * perPart, (part + 1) * perPart);
        const split: GgufMetadata = {
            "split.no": { type: "uint16", value: part },
            "split.count": { type: "uint16", value: parts },
            "split.tensors.count": { type: "int32", value: model.tensors.length }
        };
        // gguf-split keeps the model's metadata in the first part only.
        const metadata = part === 0 ? { ...model.metadata, ...split } : { "general.alignment": gguf.u32(32), ...split };
        const file = path.join(dir, `${fileStem}-${String(part + 1).padStart(5, "0")}-of-${String(parts).padStart(5, "0")}.gguf`);
        await writeFile(file, encodeHeader(metadata, tensors));
        files.push(file);
    }
    return files[0]!;
}

const alignment = 32;
const alignUp = (value: number): number => Math.ceil(value / alignment) * alignment;

/** "GGUF" · v3 · counts · metadata · tensor infos · padding — without the data section. */
export function encodeHeader(metadata: GgufMetadata, tensors: readonly HeaderTensor[]): Buffer {
    const out = new HeaderBytes();
    out.u32(0x46554747);
    out.u32(3);
    out.u64(BigInt(tensors.length));
    out.u64(BigInt(Object.keys(metadata).length));
    for (const [key, value] of Object.entries(metadata)) {
        out.string(key);
        out.value(value);
    }
    let offset = 0;
    for (const tensor of tensors) {
        out.string(tensor.name);
        out.u32(tensor.dims.length);
        for (const dim of tensor.dims) out.u64(BigInt(dim));
        out.u32(GgmlTypes[tensor.type].id);
        out.u64(BigInt(offset));
        offset = alignUp(offset + tensorBytes(tensor));
    }
    return out.padded();
}

class HeaderBytes {
    private readonly chunks: Buffer[] = [];
    private length = 0;

    private push(buffer: Buffer): void {
        this.chunks.push(buffer);
        this.length += buffer.length;
    }
    u32(value: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(value); this.push(b); }
    u64(value: bigint): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(value); this.push(b); }
    string(value: string): void {
        const bytes = Buffer.from(value, "utf8");
        this.u64(BigInt(bytes.length));
        this.push(bytes);
    }
    value(value: GgufValue): void {
        this.u32(GgufValueType[value.type]);
        const b = Buffer.alloc(8);
        switch (value.type) {
            case "uint16": b.writeUInt16LE(value.value); this.push(b.subarray(0, 2)); break;
            case "int32": b.writeInt32LE(value.value); this.push(b.subarray(0, 4)); break;
            case "uint32": b.writeUInt32LE(value.value); this.push(b.subarray(0, 4)); break;
            case "float32": b.writeFloatLE(value.value); this.push(b.subarray(0, 4)); break;
            case "bool": this.push(Buffer.from([value.value ? 1 : 0])); break;
            case "string": this.string(value.value); break;
            case "array":
                if (value.itemType !== "string") throw new Error("header-only models write string arrays only");
                this.u32(GgufValueType.string);
                this.u64(BigInt(value.values.length));
                for (const item of value.values) this.string(item);
                break;
            default: throw new Error(`header-only models don't write ${value.type} values`);
        }
    }
    padded(): Buffer {
        const body = Buffer.concat(this.chunks, this.length);
        return Buffer.concat([body, Buffer.alloc(alignUp(body.length) - body.length)]);
    }
}
