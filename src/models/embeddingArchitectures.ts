/**
 * Which GGUF files are embedding models, and which ones node-llama-cpp can compute embeddings
 * with: the one rule the library (a model's roles), the picker and the model process (before an
 * `embed` loads a file) all use.
 *
 * - Encoder-only architectures (BERT and its descendants) exist only to embed: they have no chat
 *   or completion use at all, whatever their vocabulary holds.
 * - A decoder (qwen2, llama, …) can embed too — node-llama-cpp pools its last hidden state — and a
 *   decoder trained for it (gte-Qwen2, Qwen3-Embedding) says so with `<arch>.pooling_type`; a
 *   plain chat model can embed, but poorly, so it is only used when the user sets it explicitly.
 * - Encoder-decoder models (t5) cannot: node-llama-cpp refuses them.
 */

/** llama.cpp's encoder-only architectures (GgufArchitectureType in node-llama-cpp 3.21.1). */
export const encoderEmbeddingArchitectures: ReadonlySet<string> = new Set([
    "bert",
    "nomic-bert",
    "nomic-bert-moe",
    "modern-bert",
    "neo-bert",
    "jina-bert-v2",
    "jina-bert-v3",
    "eurobert",
    "t5encoder"
]);

/** Encoder-decoder architectures: node-llama-cpp cannot embed with them. */
const encoderDecoderArchitectures: ReadonlySet<string> = new Set(["t5"]);

export interface EmbeddingTraits {
    readonly architecture: string | undefined;
    /** `<arch>.pooling_type` from the header, when present (a decoder trained to embed carries it). */
    readonly poolingType?: unknown;
}

/** The file is an embedding model (it serves workspace search, never chat or completions). */
export function isEmbeddingModel(traits: EmbeddingTraits): boolean {
    if (traits.architecture === undefined) return false;
    if (encoderEmbeddingArchitectures.has(traits.architecture)) return true;
    return !encoderDecoderArchitectures.has(traits.architecture) && typeof traits.poolingType === "number" && traits.poolingType > 0;
}

/** Why node-llama-cpp cannot embed with a model of `architecture`, or undefined when it can. */
export function embeddingRefusal(architecture: string | undefined, fileName: string): string | undefined {
    if (architecture === undefined) return `${fileName} does not say which model architecture it is (general.architecture is missing), so it cannot be used for embeddings.`;
    if (encoderDecoderArchitectures.has(architecture))
        return `${fileName} is an encoder-decoder model ("${architecture}"); node-llama-cpp computes embeddings only with encoder or decoder models. Choose an embedding model such as nomic-embed-text.`;
    return undefined;
}

/**
 * The task prefix a model family was trained with, if any: nomic-embed-text wants
 * "search_query: " on questions and "search_document: " on the texts searched.
 */
export function embeddingPrefix(architecture: string | undefined, kind: "query" | "document"): string {
    if (architecture === "nomic-bert" || architecture === "nomic-bert-moe") return kind === "query" ? "search_query: " : "search_document: ";
    return "";
}
