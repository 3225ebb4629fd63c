/**
 * The models Enclave offers to download: DeepSeek-R1 distills for chat, Qwen2.5-Coder for inline
 * (fill-in-the-middle) completions, and the full DeepSeek-R1 / V3 in low-bit quantisations split
 * into parts, for machines with very large (unified) memory.
 *
 * Sizes are nominal: the figures the repositories list (decimal GB), rounded, except where the exact
 * byte count is known. They order presets and estimate memory before anything is downloaded; the
 * downloader learns the real size from the server, and the fit check reads the real file's header.
 * Shapes are the models' published configurations, for the same nominal estimate.
 */
import {baseName, splitPartNames} from "./hfUri";

export type ModelRole = "chat" | "completion";
/** What an installed file can serve: a language model's roles, or embeddings for the workspace search. */
export type InstalledRole = ModelRole | "embedding";

export type ModelFamily = "deepseek-r1-distill" | "qwen2.5-coder" | "deepseek-r1" | "deepseek-v3";

/** What memory estimates need before a file's own header is available. */
export interface ModelShape {
    /** Repeating blocks (`<arch>.block_count`). */
    readonly layers: number;
    readonly embedding: number;
    readonly heads: number;
    readonly kvHeads: number;
    /** Per-head key and value sizes when they differ from embedding / heads (DeepSeek's latent attention). */
    readonly keyLength?: number;
    readonly valueLength?: number;
    readonly vocab: number;
    /** The context the model was trained for. */
    readonly contextLength: number;
}

export interface ModelPreset {
    readonly id: string;
    readonly label: string;
    readonly family: ModelFamily;
    readonly role: ModelRole;
    readonly architecture: "qwen2" | "llama" | "deepseek2";
    /** Parameter count, embeddings included. */
    readonly parameters: number;
    /** Mixture of experts: the parameters one token uses (it reads only those weights). Dense models: absent. */
    readonly activeParameters?: number;
    readonly quantization: string;
    /** Nominal total size of all files in bytes (see above). */
    readonly sizeBytes: number;
    /** `hf:<user>/<repo>/<path>` of each file; a split model lists every part, first part first. */
    readonly files: readonly string[];
    readonly shape: ModelShape;
}

const qwen2Distill = {family: "deepseek-r1-distill", role: "chat", architecture: "qwen2", quantization: "Q4_K_M"} as const;
const llamaDistill = {family: "deepseek-r1-distill", role: "chat", architecture: "llama", quantization: "Q4_K_M"} as const;
const coder = {family: "qwen2.5-coder", role: "completion", architecture: "qwen2", quantization: "Q8_0"} as const;
const deepseek2Shape: ModelShape = {
    layers: 61, embedding: 7168, heads: 128, kvHeads: 1, keyLength: 576, valueLength: 512, vocab: 129280, contextLength: 163840
};

/** `hf:` URIs of the parts of a split GGUF (`<stem>-00001-of-0000n.gguf` …), as gguf-split names them. */
export function splitPartUris(stemUri: string, parts: number): string[] {
    return splitPartNames({stem: stemUri, part: 1, parts});
}

export const catalogue: readonly ModelPreset[] = [
    {
        ...qwen2Distill, id: "r1-distill-qwen-1.5b", label: "DeepSeek-R1-Distill-Qwen 1.5B",
        // Q8_0 rather than Q4_K_M: a 1.5B model loses noticeably more to 4-bit quantisation, and 1.9 GB still fits an 8 GB laptop.
        quantization: "Q8_0", parameters: 1.78e9, sizeBytes: 1_890_000_000,
        files: ["hf:bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF/DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf"],
        shape: {layers: 28, embedding: 1536, heads: 12, kvHeads: 2, vocab: 151936, contextLength: 131072}
    },
    {
        ...qwen2Distill, id: "r1-distill-qwen-7b", label: "DeepSeek-R1-Distill-Qwen 7B", parameters: 7.62e9, sizeBytes: 4_680_000_000,
        files: ["hf:bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"],
        shape: {layers: 28, embedding: 3584, heads: 28, kvHeads: 4, vocab: 152064, contextLength: 131072}
    },
    {
        ...llamaDistill, id: "r1-distill-llama-8b", label: "DeepSeek-R1-Distill-Llama 8B", parameters: 8.03e9, sizeBytes: 4_920_000_000,
        files: ["hf:bartowski/DeepSeek-R1-Distill-Llama-8B-GGUF/DeepSeek-R1-Distill-Llama-8B-Q4_K_M.gguf"],
        shape: {layers: 32, embedding: 4096, heads: 32, kvHeads: 8, vocab: 128256, contextLength: 131072}
    },
    {
        ...qwen2Distill, id: "r1-distill-qwen-14b", label: "DeepSeek-R1-Distill-Qwen 14B", parameters: 14.8e9, sizeBytes: 8_990_000_000,
        files: ["hf:bartowski/DeepSeek-R1-Distill-Qwen-14B-GGUF/DeepSeek-R1-Distill-Qwen-14B-Q4_K_M.gguf"],
        shape: {layers: 48, embedding: 5120, heads: 40, kvHeads: 8, vocab: 152064, contextLength: 131072}
    },
    {
        ...qwen2Distill, id: "r1-distill-qwen-32b", label: "DeepSeek-R1-Distill-Qwen 32B", parameters: 32.8e9, sizeBytes: 19_850_000_000,
        files: ["hf:bartowski/DeepSeek-R1-Distill-Qwen-32B-GGUF/DeepSeek-R1-Distill-Qwen-32B-Q4_K_M.gguf"],
        shape: {layers: 64, embedding: 5120, heads: 40, kvHeads: 8, vocab: 152064, contextLength: 131072}
    },
    {
        ...llamaDistill, id: "r1-distill-llama-70b", label: "DeepSeek-R1-Distill-Llama 70B", parameters: 70.6e9, sizeBytes: 42_520_000_000,
        files: ["hf:bartowski/DeepSeek-R1-Distill-Llama-70B-GGUF/DeepSeek-R1-Distill-Llama-70B-Q4_K_M.gguf"],
        shape: {layers: 80, embedding: 8192, heads: 64, kvHeads: 8, vocab: 128256, contextLength: 131072}
    },
    {
        // unsloth's dynamic 1.58-bit quantisation: routed experts in IQ1_S, attention and dense layers in 4–6 bit.
        id: "deepseek-r1-671b", label: "DeepSeek-R1 671B (1.58-bit)", family: "deepseek-r1", role: "chat", architecture: "deepseek2",
        quantization: "UD-IQ1_S", parameters: 671e9, activeParameters: 37e9, sizeBytes: 131_000_000_000,
        files: splitPartUris("hf:unsloth/DeepSeek-R1-GGUF/DeepSeek-R1-UD-IQ1_S/DeepSeek-R1-UD-IQ1_S", 3),
        shape: deepseek2Shape
    },
    {
        id: "deepseek-v3-671b", label: "DeepSeek-V3-0324 671B (1.78-bit)", family: "deepseek-v3", role: "chat", architecture: "deepseek2",
        quantization: "UD-IQ1_S", parameters: 671e9, activeParameters: 37e9, sizeBytes: 173_000_000_000,
        files: splitPartUris("hf:unsloth/DeepSeek-V3-0324-GGUF/UD-IQ1_S/DeepSeek-V3-0324-UD-IQ1_S", 4),
        shape: deepseek2Shape
    },
    // Base (not instruct) Qwen2.5-Coder models: trained for fill-in-the-middle, as llama.vscode uses them.
    {
        ...coder, id: "qwen2.5-coder-0.5b", label: "Qwen2.5-Coder 0.5B", parameters: 0.494e9, sizeBytes: 531_000_000,
        files: ["hf:ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/qwen2.5-coder-0.5b-q8_0.gguf"],
        shape: {layers: 24, embedding: 896, heads: 14, kvHeads: 2, vocab: 151936, contextLength: 32768}
    },
    {
        ...coder, id: "qwen2.5-coder-1.5b", label: "Qwen2.5-Coder 1.5B", parameters: 1.54e9, sizeBytes: 1_646_573_056,
        files: ["hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF/qwen2.5-coder-1.5b-q8_0.gguf"],
        shape: {layers: 28, embedding: 1536, heads: 12, kvHeads: 2, vocab: 151936, contextLength: 32768}
    },
    {
        ...coder, id: "qwen2.5-coder-3b", label: "Qwen2.5-Coder 3B", parameters: 3.09e9, sizeBytes: 3_285_476_160,
        files: ["hf:ggml-org/Qwen2.5-Coder-3B-Q8_0-GGUF/qwen2.5-coder-3b-q8_0.gguf"],
        shape: {layers: 36, embedding: 2048, heads: 16, kvHeads: 2, vocab: 151936, contextLength: 32768}
    },
    {
        ...coder, id: "qwen2.5-coder-7b", label: "Qwen2.5-Coder 7B", parameters: 7.62e9, sizeBytes: 8_098_525_600,
        files: ["hf:ggml-org/Qwen2.5-Coder-7B-Q8_0-GGUF/qwen2.5-coder-7b-q8_0.gguf"],
        shape: {layers: 28, embedding: 3584, heads: 28, kvHeads: 4, vocab: 152064, contextLength: 32768}
    }
];

/**
 * A small embedding model for re-ranking the workspace index's hits (role "embedding": it never
 * chats or completes). It is not planned like a chat model: it is ~146 MB and its context is
 * small (see src/engine/worker/embeddingModels.ts).
 */
export interface EmbeddingPreset {
    readonly id: string;
    readonly label: string;
    readonly role: "embedding";
    /** An encoder architecture (embeddingArchitectures.ts). */
    readonly architecture: string;
    readonly quantization: string;
    /**
     * Nominal size (the repository lists the Q8_0 file as 146 MB). The exact byte count is not known
     * here: the download checks the file against the size and SHA-256 the server publishes
     * (X-Linked-Size / X-Linked-ETag, download.ts), then its GGUF header.
     */
    readonly sizeBytes: number;
    readonly files: readonly string[];
    /** Length of its vectors. */
    readonly dimensions: number;
}

export const embeddingPresets: readonly EmbeddingPreset[] = [
    {
        id: "nomic-embed-text-v1.5", label: "nomic-embed-text v1.5", role: "embedding", architecture: "nomic-bert", quantization: "Q8_0",
        sizeBytes: 146_000_000, files: ["hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf"], dimensions: 768
    }
];

export function embeddingPresetById(id: string): EmbeddingPreset | undefined {
    return embeddingPresets.find((preset) => preset.id === id);
}

/** The file `enclave.workspace.embeddingModel` names: a preset's id means its file in the models folder, anything else is a path. */
export function embeddingModelPath(setting: string, modelsDir: string): string {
    const preset = embeddingPresetById(setting);
    const fileName = preset === undefined ? undefined : presetFileNames(preset)[0];
    return fileName === undefined ? setting : `${modelsDir.replace(/[\\/]+$/, "")}/${fileName}`;
}

export function presetById(id: string, presets: readonly ModelPreset[] = catalogue): ModelPreset | undefined {
    return presets.find((preset) => preset.id === id);
}

/** The file name each of the preset's files gets in the models folder. */
export function presetFileNames(preset: Pick<ModelPreset, "files">): string[] {
    return preset.files.map(baseName);
}
