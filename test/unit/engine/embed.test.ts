import assert from "node:assert/strict";
import {decodeVectors, encodeVectors} from "../../../src/engine/embeddingVectors";
import {parsePart} from "../../../src/engine/protocol";
import {VectorCache} from "../../../src/engine/vectorCache";

describe("embed request: validation, vectors on the wire, the vector cache", () => {
    it("accepts up to 64 texts of up to 8,000 characters and names what is wrong otherwise", () => {
        const ok = parsePart("embed", "params", {modelPath: "/m.gguf", texts: ["a", "x".repeat(8_000)], kind: "document"});
        assert.ok(ok.ok);
        const wrong = (params: unknown): string => {
            const parsed = parsePart("embed", "params", params);
            assert.ok(!parsed.ok, `accepted ${JSON.stringify(params).slice(0, 80)}`);
            return parsed.error;
        };
        assert.match(wrong({modelPath: "/m.gguf", texts: Array.from({length: 65}, () => "a"), kind: "query"}), /At most 64 texts/);
        assert.match(wrong({modelPath: "/m.gguf", texts: ["x".repeat(8_001)], kind: "query"}), /longer than 8,000 characters[\s\S]*texts\[0\]/);
        assert.match(wrong({modelPath: "/m.gguf", texts: [""], kind: "query"}), /A text to embed is empty/);
        assert.match(wrong({modelPath: "/m.gguf", texts: [], kind: "query"}), /no texts to embed/);
        assert.match(wrong({modelPath: "", texts: ["a"], kind: "query"}), /embedding model's path is empty/);
        assert.match(wrong({modelPath: "/m.gguf", texts: ["a"], kind: "question"}), /kind/);
        assert.match(wrong({modelPath: "/m.gguf", texts: ["a"], kind: "query", extra: 1}), /extra/);
    });

    it("vectors go as one base64 block of float32s and come back exactly", () => {
        const vectors = [Float32Array.of(0.1, -2.5, 3e-8), Float32Array.of(1, 0, -0)];
        const wire = encodeVectors(vectors);
        assert.equal(Buffer.from(wire, "base64").length, 2 * 3 * 4);
        assert.deepEqual(decodeVectors(wire, 2, 3).map((vector) => [...vector]), vectors.map((vector) => [...vector]));
        assert.throws(() => decodeVectors(wire, 3, 3), /24 bytes, not 3 × 3/);
        assert.throws(() => encodeVectors([Float32Array.of(1), Float32Array.of(1, 2)]), /Vector 1 has 2 dimensions, not 1/);
    });

    it("the cache keeps vectors by model, kind and text, and drops the least recently used beyond its bytes", () => {
        const cache = new VectorCache(3 * 16);
        const key = (text: string) => VectorCache.keyOf("model", "document", text);
        assert.notEqual(key("a"), VectorCache.keyOf("model", "query", "a"));
        assert.notEqual(key("a"), VectorCache.keyOf("other", "document", "a"));
        for (const text of ["a", "b", "c"]) cache.set(key(text), new Float32Array(4));
        assert.ok(cache.get(key("a")), "a is now the most recently used");
        cache.set(key("d"), new Float32Array(4));
        assert.equal(cache.size, 3);
        assert.equal(cache.get(key("b")), undefined, "b was the least recently used");
        assert.ok(cache.get(key("a")) && cache.get(key("c")) && cache.get(key("d")));
        cache.set(key("huge"), new Float32Array(100));
        assert.equal(cache.get(key("huge")), undefined, "a vector larger than the cache is not kept");
        assert.equal(cache.size, 3);
    });
});
