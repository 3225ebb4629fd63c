import assert from "node:assert/strict";
import {LexicalIndex} from "../../../src/workspaceIndex/lexicalIndex";

/** An index of `count` pieces, one file each: every piece says "value returns", piece i also "word<i>". */
async function commonIndex(count: number): Promise<LexicalIndex> {
    const index = await LexicalIndex.empty();
    for (let i = 0; i < count; i++) index.add({path: `file${i}.ts`, startLine: 1, endLine: 1}, `value returns word${i}`);
    return index;
}

describe("workspace index: which terms of a question are ranked", () => {
    it("ranks a question's distinct terms, rarest first, with how often each was asked", async () => {
        const index = await LexicalIndex.empty();
        index.add({path: "a.ts", startLine: 1, endLine: 3}, "parse header header gguf");
        index.add({path: "b.ts", startLine: 1, endLine: 3}, "parse header");
        index.add({path: "c.ts", startLine: 1, endLine: 3}, "parse");
        assert.deepEqual(index.queryTerms("parse the header, parse the gguf header; unknownword"), [
            {term: "gguf", count: 1},
            {term: "header", count: 2},
            {term: "parse", count: 2}
        ]);
    });

    it("leaves out terms in more than 5% of a large index while rarer ones remain", async () => {
        const index = await commonIndex(2_000);
        assert.deepEqual(index.queryTerms("value returns word7"), [{term: "word7", count: 1}]);
        assert.deepEqual(index.rank("value returns word7", 5).map((chunk) => chunk.path), ["file7.ts"]);
    });

    it("keeps the rarest terms when every term is common, and every term of a small index", async () => {
        assert.deepEqual((await commonIndex(2_000)).queryTerms("value returns").map(({term}) => term), ["returns", "value"]);
        const small = await commonIndex(50);
        assert.deepEqual(small.queryTerms("value returns word7").map(({term}) => term), ["word7", "returns", "value", "word"]);
    });

    it("ranks at most 16 terms of a long question: the rarest", async () => {
        const index = await LexicalIndex.empty();
        // Letters, not digits, so that each is one term: terma is in 1 piece, termb in 2, … termt in 20.
        const term = (i: number) => `term${String.fromCharCode(97 + i)}`;
        for (let piece = 0; piece < 20; piece++) index.add({path: `p${piece}.ts`, startLine: 1, endLine: 1}, Array.from({length: piece + 1}, (_, i) => term(20 - 1 - i)).join(" "));
        const asked = Array.from({length: 20}, (_, i) => term(19 - i)).join(" ");
        assert.deepEqual(index.queryTerms(asked).map(({term}) => term), Array.from({length: 16}, (_, i) => term(i)));
    });

    it("matches whole terms only: a prefix of a longer term finds nothing", async () => {
        const index = await LexicalIndex.empty();
        index.add({path: "a.ts", startLine: 1, endLine: 1}, "parameters");
        assert.deepEqual(index.rank("param", 5), []);
        assert.deepEqual(index.rank("parameters", 5).map((chunk) => chunk.path), ["a.ts"]);
    });

    it("counts a term asked twice twice: it outweighs a term asked once", async () => {
        const index = await LexicalIndex.empty();
        index.add({path: "alpha.ts", startLine: 1, endLine: 1}, "alpha filler");
        index.add({path: "beta.ts", startLine: 1, endLine: 1}, "beta filler");
        assert.equal(index.rank("alpha beta beta", 1)[0]?.path, "beta.ts");
        assert.equal(index.rank("alpha alpha beta", 1)[0]?.path, "alpha.ts");
    });
});
