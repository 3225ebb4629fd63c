// Model files that must fail to load, each in its own way, for error-handling tests.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { cachedFile, modelCacheDir } from "./cache";
import { writeGguf } from "./gguf-writer";
import { constantF32 } from "./qwen2";
import { TINY_RANDOM_SHAPE, writeRandomModel } from "./random";
import { scriptedModel } from "./scripted";
import { VocabBuilder } from "./vocab";

export interface BadModels {
    /** A text file named `.gguf`: wrong magic. */
    readonly notGguf: string;
    /** The first half of a valid scripted model: tensor data past the end of the file. */
    readonly truncated: string;
    /** A valid GGUF whose `general.architecture` llama.cpp doesn't know ("enclave-unknown"). */
    readonly unsupportedArch: string;
    /** A complete qwen2 model without any `tokenizer.*` keys. */
    readonly noTokenizer: string;
    /** A path in the cache folder that doesn't exist. */
    readonly missing: string;
}

export async function badModels(): Promise<BadModels> {
    const notGguf = await cachedFile("bad-not-gguf", {}, (tempPath) =>
        writeFile(tempPath, "This is a text file, not a model.\n"));

    const scripted = await scriptedModel();
    const truncated = await cachedFile("bad-truncated", { source: path.basename(scripted) }, (tempPath) =>
        copyFirstHalf(scripted, tempPath));

    const unsupportedArch = await cachedFile("bad-unsupported-arch", {}, async (tempPath) => {
        const vocab = new VocabBuilder().build();
        const embedding = 64;
        await writeGguf(tempPath, {
            "general.architecture": { type: "string", value: "enclave-unknown" },
            "general.name": { type: "string", value: "Enclave model of an unknown architecture" },
            "enclave-unknown.context_length": { type: "uint32", value: 4096 },
            "enclave-unknown.embedding_length": { type: "uint32", value: embedding },
            "enclave-unknown.block_count": { type: "uint32", value: 1 },
            ...vocab.metadata()
        }, [{ name: "token_embd.weight", dims: [embedding, vocab.tokens.length], ...constantF32(embedding * vocab.tokens.length, 0) }]);
    });

    const noTokenizer = await cachedFile("bad-no-tokenizer", {}, (tempPath) =>
        writeRandomModel(tempPath, TINY_RANDOM_SHAPE, { withTokenizer: false }));

    const missing = path.join(modelCacheDir(), "missing-model-that-does-not-exist.gguf");
    return { notGguf, truncated, unsupportedArch, noTokenizer, missing };
}

async function copyFirstHalf(source: string, target: string): Promise<void> {
    const bytes = await readFile(source); // a scripted model is well under a megabyte
    await writeFile(target, bytes.subarray(0, Math.floor(bytes.length / 2)));
}
