import assert from "node:assert/strict";
import {embeddingModelPath, embeddingPresets, presetFileNames} from "../../../src/models/catalogue";
import {embeddingPrefix, embeddingRefusal, isEmbeddingModel} from "../../../src/models/embeddingArchitectures";

describe("embedding models: which files embed, and how", () => {
    it("encoder architectures are embedding models; a decoder only when it declares a pooling type; encoder-decoders never", () => {
        for (const architecture of ["bert", "nomic-bert", "jina-bert-v2", "modern-bert"]) assert.equal(isEmbeddingModel({architecture}), true, architecture);
        assert.equal(isEmbeddingModel({architecture: "qwen2"}), false);
        assert.equal(isEmbeddingModel({architecture: "qwen2", poolingType: 0}), false);
        assert.equal(isEmbeddingModel({architecture: "qwen2", poolingType: 1}), true);
        assert.equal(isEmbeddingModel({architecture: "t5", poolingType: 1}), false);
        assert.equal(isEmbeddingModel({architecture: undefined}), false);
    });

    it("node-llama-cpp embeds with encoders and decoders, not encoder-decoders, and says why", () => {
        assert.equal(embeddingRefusal("nomic-bert", "nomic.gguf"), undefined);
        assert.equal(embeddingRefusal("qwen2", "chat.gguf"), undefined);
        assert.match(embeddingRefusal("t5", "t5.gguf") ?? "", /t5\.gguf is an encoder-decoder model \("t5"\)/);
        assert.match(embeddingRefusal(undefined, "x.gguf") ?? "", /general\.architecture is missing/);
    });

    it("nomic-embed-text gets its task prefixes; other models none", () => {
        assert.equal(embeddingPrefix("nomic-bert", "query"), "search_query: ");
        assert.equal(embeddingPrefix("nomic-bert", "document"), "search_document: ");
        assert.equal(embeddingPrefix("bert", "query"), "");
    });

    it("the preset is an embedding model by the same rule, and its id in the setting means its file in the models folder", () => {
        const preset = embeddingPresets[0];
        assert.ok(preset);
        assert.equal(preset.role, "embedding");
        assert.equal(isEmbeddingModel({architecture: preset.architecture}), true);
        assert.deepEqual(presetFileNames(preset), ["nomic-embed-text-v1.5.Q8_0.gguf"]);
        assert.equal(embeddingModelPath(preset.id, "/home/u/.enclave/models/"), "/home/u/.enclave/models/nomic-embed-text-v1.5.Q8_0.gguf");
        assert.equal(embeddingModelPath("/models/bge.gguf", "/home/u/.enclave/models"), "/models/bge.gguf");
    });
});
