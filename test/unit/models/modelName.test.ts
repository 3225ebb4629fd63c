import assert from "node:assert/strict";
import {modelDisplayName, shortenName} from "../../../src/models/modelName";

describe("model display names (modelName.ts)", () => {
    it("tidies a file name and keeps its quantization apart", () => {
        assert.equal(modelDisplayName("/m/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf"), "DeepSeek R1 Distill Qwen 7B · Q4_K_M");
        assert.equal(modelDisplayName("/m/qwen2.5-coder-0.5b-instruct-q8_0.gguf"), "qwen2.5 coder 0.5b instruct · Q8_0");
        assert.equal(modelDisplayName("C:/m/DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf"), "DeepSeek R1 UD · IQ1_S");
        assert.equal(modelDisplayName("/m/tiny_model.F16.gguf"), "tiny model · F16");
        assert.equal(modelDisplayName("/m/scripted.gguf"), "scripted");
    });

    it("prefers the model's own name (GGUF general.name), with the file's quantization", () => {
        assert.equal(modelDisplayName("/m/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf", "DeepSeek R1 Distill Qwen 7B"), "DeepSeek R1 Distill Qwen 7B · Q4_K_M");
        assert.equal(modelDisplayName("/m/x.gguf", "  My Model  "), "My Model");
        assert.equal(modelDisplayName("/m/x-Q8_0.gguf", "Model Q8_0"), "Model Q8_0", "no second quantization when the name has it");
        assert.equal(modelDisplayName("/m/DeepSeek-R1-Q4_K_M.gguf", ""), "DeepSeek R1 · Q4_K_M", "an empty general.name falls back to the file");
    });

    it("shortens long names at a word", () => {
        assert.equal(shortenName("DeepSeek R1 Distill Qwen 14B · Q4_K_M", 24), "DeepSeek R1 Distill…");
        assert.equal(shortenName("short", 24), "short");
        assert.equal(shortenName("Averyveryverylongwordwithoutspaces", 10), "Averyvery…");
    });
});
