/**
 * What llama.cpp would assert on (GGML_ASSERT ends the whole process with SIGABRT) or refuse with a
 * bare "failed to load model", checked in plain JavaScript before it sees the file: the layer
 * count, the embedding length, head counts that must divide, the context length, and the shapes of
 * the tensors every transformer of this family has against those numbers.
 */
import type {GgufFileInfo} from "node-llama-cpp";

/** llama-hparams.h LLAMA_MAX_LAYERS. */
const maxLayers = 512;
/** Far above any model (DeepSeek V3: 7,168; Llama 3.1 405B: 16,384). */
const maxEmbedding = 1 << 17;

/** Each a sentence part after the file's name: "says it has 0 layers; …". */
export function implausibleModel(info: GgufFileInfo): string | undefined {
    const arch = info.architectureMetadata as Readonly<Record<string, unknown>>;
    const attention = (arch.attention ?? {}) as Readonly<Record<string, unknown>>;
    const layers = arch.block_count;
    const embedding = arch.embedding_length;
    const heads = attention.head_count;
    const kvHeads = attention.head_count_kv ?? heads;
    const keyLength = attention.key_length;

    if (typeof layers !== "number" || !Number.isInteger(layers) || layers < 1 || layers > maxLayers)
        return `says it has ${typeof layers === "number" ? layers.toLocaleString("en") : "no"} layers (block_count); llama.cpp runs models of 1 to ${maxLayers}`;
    if (typeof embedding !== "number" || !Number.isInteger(embedding) || embedding < 1 || embedding > maxEmbedding)
        return `says its embedding length is ${shown(embedding)}, which no model has`;
    if (arch.context_length !== undefined && (typeof arch.context_length !== "number" || arch.context_length < 1))
        return `says its context length is ${shown(arch.context_length)}`;
    if (typeof heads === "number") {
        if (heads < 1) return `says it has ${heads} attention heads`;
        if (typeof kvHeads !== "number" || kvHeads < 1 || heads % kvHeads !== 0)
            return `has ${heads} attention heads, which its ${shown(kvHeads)} key-value heads do not divide`;
        if (keyLength === undefined && embedding % heads !== 0)
            return `has an embedding length of ${embedding}, which its ${heads} attention heads do not divide`;
    }
    return tensorShapeProblem(info, layers, embedding);
}

/** ggml's `ne[i]` for the tensors whose shape follows from the embedding length (llama-model.cpp). */
const embeddingAxis: ReadonlyArray<readonly [RegExp, number]> = [
    [/^token_embd\.weight$/, 0],
    [/^output_norm\.weight$/, 0],
    [/^output\.weight$/, 0],
    [/^blk\.\d+\.(attn_norm|ffn_norm)\.weight$/, 0],
    [/^blk\.\d+\.(attn_q|attn_k|attn_v|ffn_gate|ffn_up)\.weight$/, 0],
    [/^blk\.\d+\.(attn_output|ffn_down)\.weight$/, 1]
];

function tensorShapeProblem(info: GgufFileInfo, layers: number, embedding: number): string | undefined {
    // A split model's spliced header lists the first part's tensors in tensorInfo, all of them here.
    const tensors = info.fullTensorInfo ?? info.tensorInfo ?? [];
    const blocksSeen = new Set<number>();
    for (const tensor of tensors) {
        const block = /^blk\.(\d+)\./.exec(tensor.name)?.[1];
        if (block !== undefined) {
            const index = Number(block);
            if (index >= layers) return `has a tensor ${tensor.name} for layer ${index + 1}, but says it has ${layerCount(layers)}`;
            blocksSeen.add(index);
        }
        for (const [pattern, axis] of embeddingAxis) {
            const size = tensor.dimensions[axis];
            if (pattern.test(tensor.name) && size !== undefined && Number(size) !== embedding)
                return `has a tensor ${tensor.name} of shape [${tensor.dimensions.join(", ")}], which does not match its embedding length of ${embedding}`;
        }
    }
    const vocabulary = info.metadata.tokenizer?.ggml?.tokens?.length;
    const tokenEmbedding = tensors.find((tensor) => tensor.name === "token_embd.weight");
    if (vocabulary !== undefined && tokenEmbedding !== undefined && Number(tokenEmbedding.dimensions[1] ?? 1) !== vocabulary)
        return `has ${vocabulary.toLocaleString("en")} tokens, but its token embeddings are for ${Number(tokenEmbedding.dimensions[1] ?? 1).toLocaleString("en")}`;
    if (blocksSeen.size > 0 && blocksSeen.size < layers)
        return `says it has ${layerCount(layers)}, but has tensors for ${layerCount(blocksSeen.size)}`;
    return undefined;
}

function layerCount(layers: number): string {
    return layers === 1 ? "1 layer" : `${layers.toLocaleString("en")} layers`;
}

/** A metadata value in a sentence: a number as it is, anything else (missing, a list) as JSON. */
function shown(value: unknown): string {
    return value === undefined ? "missing" : typeof value === "number" ? String(value) : JSON.stringify(value);
}
