/**
 * The size of a context's KV cache from the model's own metadata: for every layer, a key and a
 * value vector per token and per KV head, in f16 (llama.cpp's default cache type). A lower bound
 * of what a context costs — enough to refuse sizes that can never fit before anything is allocated.
 */
interface AttentionMetadata {
    block_count?: number;
    embedding_length?: number;
    attention?: {head_count?: number; head_count_kv?: number | number[]; key_length?: number; value_length?: number};
}

const f16Bytes = 2;

export function kvCacheBytes(metadata: AttentionMetadata, contextSize: number, sequences: number): number {
    const layers = metadata.block_count ?? 0;
    const heads = metadata.attention?.head_count ?? 1;
    const rawKvHeads = metadata.attention?.head_count_kv ?? heads;
    const kvHeads = Array.isArray(rawKvHeads) ? Math.max(...rawKvHeads) : rawKvHeads;
    const headDim = (metadata.embedding_length ?? 0) / Math.max(1, heads);
    const keyLength = metadata.attention?.key_length ?? headDim;
    const valueLength = metadata.attention?.value_length ?? headDim;
    return layers * kvHeads * (keyLength + valueLength) * f16Bytes * contextSize * sequences;
}
