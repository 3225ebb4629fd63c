import assert from "node:assert/strict";
import { baseName, fileUrl, manifestUrl, parseHfUri, splitPartNames, splitPartOf } from "../../../src/models/hfUri";

describe("hf: model URIs", () => {
    it("parses file URIs (with folders and a branch) and tag URIs", () => {
        assert.deepEqual(parseHfUri("hf:unsloth/DeepSeek-R1-GGUF/DeepSeek-R1-UD-IQ1_S/DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf"), {
            kind: "file", user: "unsloth", repo: "DeepSeek-R1-GGUF", path: "DeepSeek-R1-UD-IQ1_S/DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf", branch: "main"
        });
        assert.equal((parseHfUri("hf:user/repo/model.gguf#dev") as { branch: string }).branch, "dev");
        assert.deepEqual(parseHfUri("hf:bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF:Q4_K_M"), {
            kind: "tag", user: "bartowski", repo: "DeepSeek-R1-Distill-Qwen-7B-GGUF", tag: "Q4_K_M"
        });
        assert.throws(() => parseHfUri("https://example.com/model.gguf"), /Not a Hugging Face model URI/);
    });

    it("builds the URLs node-llama-cpp requests, on any endpoint", () => {
        const file = parseHfUri("hf:u/r/dir/Model Q4.gguf");
        assert.equal(file.kind === "file" && fileUrl(file, "http://127.0.0.1:9/"), "http://127.0.0.1:9/u/r/resolve/main/dir/Model%20Q4.gguf");
        assert.equal(file.kind === "file" && fileUrl(file), "https://huggingface.co/u/r/resolve/main/dir/Model%20Q4.gguf");
        const tag = parseHfUri("hf:u/r:Q8_0");
        assert.equal(tag.kind === "tag" && manifestUrl(tag, "http://127.0.0.1:9"), "http://127.0.0.1:9/v2/u/r/manifests/Q8_0");
    });

    it("recognises split parts and names their siblings", () => {
        assert.deepEqual(splitPartOf("X-00002-of-00003.gguf"), { stem: "X", part: 2, parts: 3 });
        assert.equal(splitPartOf("X-00004-of-00003.gguf"), undefined);
        assert.equal(splitPartOf("X.gguf"), undefined);
        assert.deepEqual(splitPartNames({ stem: "X", part: 2, parts: 2 }), ["X-00001-of-00002.gguf", "X-00002-of-00002.gguf"]);
        assert.equal(baseName("hf:u/r/a/b.gguf#main"), "b.gguf");
        assert.equal(baseName("C:\\models\\b.gguf"), "b.gguf");
    });
});
