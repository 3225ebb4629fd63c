// The catalogue: every preset names real-looking Hugging Face files, split models list all their
// parts in order, and the roles and sizes the recommendation relies on are there.
import assert from "node:assert/strict";
import { catalogue, presetById, presetFileNames } from "../../../src/models/catalogue";
import { parseHfUri, splitPartOf } from "../../../src/models/hfUri";

describe("model catalogue", () => {
    it("has the R1 distills, the Qwen2.5-Coder FIM models and the full R1 and V3", () => {
        assert.deepEqual(catalogue.filter((preset) => preset.family === "deepseek-r1-distill").map((preset) => preset.id).sort(), [
            "r1-distill-llama-70b", "r1-distill-llama-8b", "r1-distill-qwen-1.5b", "r1-distill-qwen-14b", "r1-distill-qwen-32b", "r1-distill-qwen-7b"
        ]);
        assert.deepEqual(catalogue.filter((preset) => preset.role === "completion").map((preset) => preset.id), [
            "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-3b", "qwen2.5-coder-7b"
        ]);
        assert.ok(presetById("deepseek-r1-671b") != null && presetById("deepseek-v3-671b") != null);
    });

    it("every preset is complete and consistent", () => {
        const ids = new Set<string>();
        for (const preset of catalogue) {
            assert.ok(!ids.has(preset.id), `duplicate id ${preset.id}`);
            ids.add(preset.id);
            assert.ok(preset.files.length > 0);
            assert.ok(preset.sizeBytes > 1e8 && preset.parameters > 1e8, preset.id);
            // Bits per weight: low-bit R1/V3 ≈ 1.6–2, Q4_K_M ≈ 4.8, Q8_0 ≈ 8.5.
            const bitsPerWeight = (preset.sizeBytes * 8) / preset.parameters;
            assert.ok(bitsPerWeight > 1.4 && bitsPerWeight < 9, `${preset.id}: ${bitsPerWeight.toFixed(2)} bits per weight`);
            assert.ok(preset.shape.contextLength >= 32_768);
            for (const uri of preset.files) {
                const parsed = parseHfUri(uri);
                assert.equal(parsed.kind, "file", uri);
                assert.ok(uri.endsWith(".gguf"), uri);
            }
        }
    });

    it("split models list every part, first part first, in one folder", () => {
        const split = catalogue.filter((preset) => preset.files.length > 1);
        assert.deepEqual(split.map((preset) => preset.id), ["deepseek-r1-671b", "deepseek-v3-671b"]);
        for (const preset of split) {
            const names = presetFileNames(preset);
            names.forEach((name, i) => {
                const part = splitPartOf(name);
                assert.equal(part?.part, i + 1, name);
                assert.equal(part?.parts, names.length, name);
            });
            assert.equal(new Set(preset.files.map((uri) => uri.slice(0, uri.lastIndexOf("/")))).size, 1);
        }
        assert.equal(presetFileNames(presetById("deepseek-r1-671b")!)[0], "DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf");
    });
});
