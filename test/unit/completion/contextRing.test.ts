import assert from "node:assert/strict";
import {ContextRing} from "../../../src/completion/contextRing";
import {estimateTokens} from "../../../src/completion/tokenBudget";

/** A file of `count` distinct lines, "name-i" in each, so that chunks of different places differ. */
function file(name: string, count: number): string {
    return Array.from({length: count}, (_, i) => `export const ${name}${i} = make("${name}", ${i});`).join("\n");
}

function offsetOfLine(text: string, line: number): number {
    let offset = 0;
    for (let i = 0; i < line; i++) offset = text.indexOf("\n", offset) + 1;
    return offset;
}

describe("ContextRing", () => {
    it("picks chunkLines lines centred on the event's position", () => {
        const ring = new ContextRing({chunkLines: 10});
        const text = file("a", 100);
        assert.equal(ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 50)}), "added");
        const [chunk] = ring.snapshot();
        assert.ok(chunk);
        const chunkLines = chunk.text.split("\n");
        assert.equal(chunkLines.length, 10);
        assert.ok(chunkLines[0]?.includes("a45 "));
        assert.ok(chunkLines.some((line) => line.includes("a50 ")));
    });

    it("ignores exact and near duplicates without changing the snapshot", () => {
        const ring = new ContextRing({chunkLines: 40, maxChunkTokens: 4_000});
        const text = file("a", 200);
        ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 100)});
        const before = ring.snapshot();
        const version = ring.version;
        assert.equal(ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 100)}), "duplicate");
        // One line further: 39 of 41 distinct lines shared.
        assert.equal(ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 101)}), "duplicate");
        // The same text copied from another file is still a duplicate.
        assert.equal(ring.add({uri: "b.ts", text: before[0]?.text ?? ""}), "duplicate");
        assert.equal(ring.version, version);
        assert.equal(ring.snapshot(), before, "same array, so prompts keep their prefix");
    });

    it("replaces an overlapping older chunk of the same file", () => {
        const ring = new ContextRing({chunkLines: 40, maxChunkTokens: 4_000});
        const text = file("a", 200);
        ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 100)});
        ring.add({uri: "b.ts", text: file("b", 10)});
        assert.equal(ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 112)}), "replaced");
        const snapshot = ring.snapshot();
        assert.equal(snapshot.length, 2);
        assert.deepEqual(snapshot.map((chunk) => chunk.uri), ["b.ts", "a.ts"], "the replacement is the newest");
    });

    it("keeps distinct places of one file apart", () => {
        const ring = new ContextRing({chunkLines: 20});
        const text = file("a", 500);
        ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 50)});
        assert.equal(ring.addAround({uri: "a.ts", text, offset: offsetOfLine(text, 300)}), "added");
        assert.equal(ring.size, 2);
    });

    it("is bounded by count and by tokens, evicting the oldest", () => {
        const byCount = new ContextRing({maxChunks: 3});
        for (const name of ["a", "b", "c", "d", "e"]) byCount.add({uri: `${name}.ts`, text: file(name, 5)});
        assert.deepEqual(byCount.snapshot().map((chunk) => chunk.uri), ["c.ts", "d.ts", "e.ts"]);

        const byTokens = new ContextRing({maxTokens: 200});
        for (const name of ["a", "b", "c", "d", "e", "f", "g"]) byTokens.add({uri: `${name}.ts`, text: file(name, 5)});
        assert.ok(byTokens.tokens <= 200);
        assert.ok(byTokens.size >= 1 && byTokens.size < 7);
        assert.equal(byTokens.snapshot().at(-1)?.uri, "g.ts");
    });

    it("cuts a chunk to maxChunkTokens", () => {
        const ring = new ContextRing({maxChunkTokens: 100});
        ring.add({uri: "a.ts", text: file("a", 100)});
        const [chunk] = ring.snapshot();
        assert.ok(chunk && estimateTokens(chunk.text) <= 100);
    });

    it("refuses binary text, tiny chunks and a minified line", () => {
        const ring = new ContextRing();
        assert.equal(ring.add({uri: "a.bin", text: "PK\u0003\u0004\u0000\u0000garbage\nmore\nlines\n"}), "binary");
        assert.equal(ring.add({uri: "a.ts", text: "x\n\n"}), "tooSmall");
        const minified = "var a=1;".repeat(200_000);
        const started = performance.now();
        assert.equal(ring.addAround({uri: "min.js", text: minified, offset: 800_000}), "tooSmall");
        assert.ok(performance.now() - started < 500, "reads only around the position");
        assert.equal(ring.size, 0);
    });

    it("snapshot order changes only when the ring changes", () => {
        const ring = new ContextRing();
        ring.add({uri: "a.ts", text: file("a", 5)});
        ring.add({uri: "b.ts", text: file("b", 5)});
        const first = ring.snapshot();
        for (let i = 0; i < 10; i++) assert.equal(ring.snapshot(), first);
        ring.removeUri("a.ts");
        assert.deepEqual(ring.snapshot().map((chunk) => chunk.uri), ["b.ts"]);
        ring.removeUri("nothing.ts");
        ring.clear();
        assert.equal(ring.size, 0);
    });
});
