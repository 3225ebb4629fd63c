import assert from "node:assert/strict";
import {Reranker, cosine, reciprocalRankFusion, rerankDefaults, type Embedder} from "../../../src/workspaceIndex/rerank";

interface Hit {
    path: string;
    content: string;
}

const hit = (name: string): Hit => ({path: `src/${name}.ts`, content: `function ${name}() {}`});

/**
 * An embedder whose vectors put each text on the axis of the first keyword of `axes` it contains,
 * and the question on the axis of its own keyword: similarity is 1 exactly for the matching ones.
 */
function keywordEmbedder(axes: readonly string[], calls: string[][] = []): Embedder {
    const vectorOf = (text: string): Float32Array => {
        const vector = new Float32Array(axes.length + 1);
        const axis = axes.findIndex((word) => text.includes(word));
        vector[axis === -1 ? axes.length : axis] = 1;
        return vector;
    };
    return {
        modelId: "keywords",
        embed: async (texts, kind) => {
            calls.push(texts.map((text) => `${kind}:${text.split("\n")[0] ?? ""}`));
            return texts.map(vectorOf);
        }
    };
}

describe("workspace re-ranking by embeddings", () => {
    it("cosine: 1 for the same direction, 0 for orthogonal, -1 for opposite, 0 for a zero vector; refuses mismatched lengths", () => {
        assert.equal(cosine(Float32Array.of(1, 2), Float32Array.of(2, 4)), 1);
        assert.equal(cosine(Float32Array.of(1, 0), Float32Array.of(0, 3)), 0);
        assert.ok(Math.abs(cosine(Float32Array.of(1, 1), Float32Array.of(-1, -1)) + 1) < 1e-9);
        assert.equal(cosine(Float32Array.of(0, 0), Float32Array.of(1, 1)), 0);
        assert.throws(() => cosine(Float32Array.of(1), Float32Array.of(1, 2)), /1 and 2 dimensions/);
    });

    it("reciprocal rank fusion adds 1/(k + rank) over the rankings; ties keep the first ranking's order", () => {
        // Items 0 and 2 swap places: both score 1/61 + 1/63 (the tie keeps the lexical order), above item 1's 2/62.
        assert.deepEqual(reciprocalRankFusion([[0, 1, 2], [2, 1, 0]], 3), [0, 2, 1]);
        // With a small k the first place weighs more: item 2 (3rd, 1st) beats item 1 (2nd, 2nd).
        assert.deepEqual(reciprocalRankFusion([[0, 1, 2], [2, 0, 1]], 3, 1), [0, 2, 1]);
        // One ranking alone is kept as it is.
        assert.deepEqual(reciprocalRankFusion([[3, 1, 0, 2]], 4), [3, 1, 0, 2]);
    });

    it("lifts into the top 5 a hit that was 8th lexically and matches the question's meaning, within the lexical top 30", async () => {
        const hits = Array.from({length: 40}, (_, i) => hit(`helper${i}`));
        // The question is about "helper7", ranked 8th lexically; "helper35" matches too but is outside the top 30.
        const embedder = keywordEmbedder(["helper7()", "helper35()"]);
        const withQuestion: Embedder = {modelId: embedder.modelId, embed: (texts, kind, signal) => embedder.embed(kind === "query" ? ["helper7()"] : texts, kind, signal)};
        const ranked = await new Reranker().rank("what does helper seven do", hits, 5, withQuestion, new AbortController().signal);
        assert.equal(ranked.reranked, true);
        assert.equal(ranked.hits.length, 5);
        // helper7: 1/68 + 1/61 = 0.0311 passes helper3 (1/64 + 1/65 = 0.0310) but not helper0..2 (at least 1/63 + 1/64 = 0.0315).
        assert.deepEqual(ranked.hits.map((found) => found.path), ["src/helper0.ts", "src/helper1.ts", "src/helper2.ts", "src/helper7.ts", "src/helper3.ts"]);
        assert.ok(!ranked.hits.some((found) => found.path === "src/helper35.ts"), "only the lexical top 30 are re-ranked");
        assert.equal(ranked.embedded, rerankDefaults.candidates);
    });

    it("keeps chunk vectors by content: asking again embeds only the question, a changed chunk again", async () => {
        const calls: string[][] = [];
        const embedder = keywordEmbedder(["a()"], calls);
        const reranker = new Reranker();
        const hits = [hit("a"), hit("b"), hit("c")];
        const signal = new AbortController().signal;
        await reranker.rank("a", hits, 3, embedder, signal);
        assert.deepEqual(calls, [["document:src/a.ts", "document:src/b.ts", "document:src/c.ts"], ["query:a"]]);
        calls.length = 0;
        const again = await reranker.rank("a again", hits, 3, embedder, signal);
        assert.equal(again.embedded, 0);
        assert.deepEqual(calls, [["query:a again"]]);
        calls.length = 0;
        await reranker.rank("a", [hits[0] as Hit, {path: "src/b.ts", content: "function b(changed) {}"}, hits[2] as Hit], 3, embedder, signal);
        assert.deepEqual(calls, [["document:src/b.ts"], ["query:a"]]);
        // Another model's vectors are its own.
        calls.length = 0;
        await reranker.rank("a", hits, 3, {...keywordEmbedder(["a()"], calls), modelId: "other"}, signal);
        assert.equal(calls[0]?.length, 3);
    });

    it("without an embedding model keeps the lexical order and embeds nothing", async () => {
        const hits = Array.from({length: 40}, (_, i) => hit(`f${i}`));
        const ranked = await new Reranker().rank("f", hits, 8, undefined, new AbortController().signal);
        assert.equal(ranked.reranked, false);
        assert.deepEqual(ranked.hits, hits.slice(0, 8));
    });

    it("passes the embedder's failure on (the caller falls back to lexical and says why)", async () => {
        const failing: Embedder = {modelId: "x", embed: () => Promise.reject(new Error("no such model file"))};
        await assert.rejects(new Reranker().rank("q", [hit("a"), hit("b")], 2, failing, new AbortController().signal), /no such model file/);
    });
});
