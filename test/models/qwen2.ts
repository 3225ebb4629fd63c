// The qwen2 architecture as llama.cpp loads it: the hyperparameter keys and the tensor layout.
// Generators (scripted, random, bad) only decide what numbers go into each tensor.
//
// Per block llama.cpp computes, with x the residual stream:
//   x += attn_output · attention(rope(attn_q·n + bq), rope(attn_k·n + bk), attn_v·n + bv),  n = rms_norm(x)·attn_norm
//   x += ffn_down · (silu(ffn_gate · n) * (ffn_up · n)),                                       n = rms_norm(x)·ffn_norm
// then logits = output · (rms_norm(x)·output_norm). Without `output.weight` the embedding is reused (tied).
import { gguf } from "./gguf-writer";
import type { GgufMetadata, GgufTensor, GgufTensorSink, GgufTensorType } from "./gguf-writer";

export interface Qwen2Dims {
    readonly layers: number;
    readonly embedding: number;
    readonly heads: number;
    readonly kvHeads: number;
    readonly ffn: number;
    readonly vocab: number;
    readonly contextLength: number;
    readonly ropeTheta: number;
    /** No `output.weight`: logits use `token_embd.weight`. */
    readonly tiedOutput: boolean;
}

export const RMS_NORM_EPSILON = 1e-6;

export type Qwen2TensorRole =
    | "token_embd" | "output_norm" | "output"
    | "attn_norm" | "attn_q" | "attn_q.bias" | "attn_k" | "attn_k.bias" | "attn_v" | "attn_v.bias" | "attn_output"
    | "ffn_norm" | "ffn_gate" | "ffn_up" | "ffn_down";

export interface Qwen2TensorInfo {
    readonly role: Qwen2TensorRole;
    readonly name: string;
    readonly dims: readonly number[];
    /** Block index for per-block tensors. */
    readonly layer?: number;
}

/** What a generator puts in one tensor. */
export interface TensorContent {
    readonly type: GgufTensorType;
    readonly fill: (sink: GgufTensorSink) => Promise<void>;
}

export function validateQwen2Dims(dims: Qwen2Dims): void {
    const { embedding, heads, kvHeads } = dims;
    if (embedding % heads !== 0 || heads % kvHeads !== 0 || (embedding / heads) % 2 !== 0)
        throw new Error(`qwen2 needs embedding divisible by heads (even head size) and heads divisible by kvHeads: ${JSON.stringify(dims)}`);
}

/** `general.*` and `qwen2.*` keys. */
export function qwen2Metadata(dims: Qwen2Dims, name: string, fileType: "f32" | "f16"): GgufMetadata {
    validateQwen2Dims(dims);
    return {
        "general.architecture": gguf.str("qwen2"),
        "general.name": gguf.str(name),
        "general.file_type": gguf.u32(fileType === "f32" ? 0 : 1), // llama_ftype: ALL_F32 / MOSTLY_F16
        "general.alignment": gguf.u32(32),
        "qwen2.context_length": gguf.u32(dims.contextLength),
        "qwen2.embedding_length": gguf.u32(dims.embedding),
        "qwen2.block_count": gguf.u32(dims.layers),
        "qwen2.feed_forward_length": gguf.u32(dims.ffn),
        "qwen2.attention.head_count": gguf.u32(dims.heads),
        "qwen2.attention.head_count_kv": gguf.u32(dims.kvHeads),
        "qwen2.rope.freq_base": gguf.f32(dims.ropeTheta),
        "qwen2.attention.layer_norm_rms_epsilon": gguf.f32(RMS_NORM_EPSILON)
    };
}

/** Every tensor llama.cpp expects, in the usual file order. Dims are ggml order (row length first). */
export function qwen2TensorInfos(dims: Qwen2Dims): Qwen2TensorInfo[] {
    validateQwen2Dims(dims);
    const { embedding: d, vocab, ffn } = dims;
    const kv = (d / dims.heads) * dims.kvHeads;
    const infos: Qwen2TensorInfo[] = [{ role: "token_embd", name: "token_embd.weight", dims: [d, vocab] }];
    for (let layer = 0; layer < dims.layers; layer++) {
        const block = (role: Qwen2TensorRole, tensorDims: number[]): Qwen2TensorInfo => ({
            role,
            layer,
            name: role.endsWith(".bias") ? `blk.${layer}.${role}` : `blk.${layer}.${role}.weight`,
            dims: tensorDims
        });
        infos.push(
            block("attn_norm", [d]),
            block("attn_q", [d, d]), block("attn_q.bias", [d]),
            block("attn_k", [d, kv]), block("attn_k.bias", [kv]),
            block("attn_v", [d, kv]), block("attn_v.bias", [kv]),
            block("attn_output", [d, d]),
            block("ffn_norm", [d]),
            block("ffn_gate", [d, ffn]), block("ffn_up", [d, ffn]), block("ffn_down", [ffn, d])
        );
    }
    infos.push({ role: "output_norm", name: "output_norm.weight", dims: [d] });
    if (!dims.tiedOutput)
        infos.push({ role: "output", name: "output.weight", dims: [d, vocab] });
    return infos;
}

export function qwen2Tensors(dims: Qwen2Dims, content: (info: Qwen2TensorInfo) => TensorContent): GgufTensor[] {
    return qwen2TensorInfos(dims).map((info) => ({ name: info.name, dims: info.dims, ...content(info) }));
}

/** Fills a tensor of `count` f32 values with one value, in bounded chunks. */
export function constantF32(count: number, value: number): TensorContent {
    return {
        type: "f32",
        fill: async (sink) => {
            const chunk = new Float32Array(Math.min(count, 1 << 20)).fill(value);
            for (let done = 0; done < count; done += chunk.length)
                await sink.f32(chunk.subarray(0, Math.min(chunk.length, count - done)));
        }
    };
}
