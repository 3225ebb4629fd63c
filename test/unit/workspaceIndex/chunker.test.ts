import assert from "node:assert/strict";
import {chunkFile, chunkLimits, type ChunkSpan} from "../../../src/workspaceIndex/chunker";
import {Grammars} from "../../../src/workspaceIndex/grammars";
import {sharedGrammars} from "./support";

const parser = (languageId: string) =>
    sharedGrammars()
        .parserFor(languageId)
        .then((loaded) => {
            assert.ok(loaded, `the ${languageId} grammar loads`);
            return loaded;
        });

/** The chunks as "start-end symbol", easy to compare whole. */
const shape = (chunks: ChunkSpan[]) => chunks.map((chunk) => `${chunk.startLine}-${chunk.endLine}${chunk.symbol ? ` ${chunk.symbol}` : ""}`);

/** No line in two chunks, chunks in order, and every line with a word on it in one. */
function assertCovers(text: string, chunks: ChunkSpan[]): void {
    const lines = text.split("\n");
    let previousEnd = 0;
    for (const chunk of chunks) {
        assert.ok(chunk.startLine > previousEnd, `chunk ${chunk.startLine}-${chunk.endLine} overlaps or precedes the one ending at ${previousEnd}`);
        assert.ok(chunk.endLine >= chunk.startLine && chunk.endLine <= lines.length, `chunk ${chunk.startLine}-${chunk.endLine} is within the file`);
        previousEnd = chunk.endLine;
    }
    lines.forEach((line, row) => {
        if (/\w/.test(line)) assert.ok(chunks.some((chunk) => chunk.startLine <= row + 1 && row + 1 <= chunk.endLine), `line ${row + 1} (${line.trim()}) is in a chunk`);
    });
}

const repeat = (count: number, make: (index: number) => string) => Array.from({length: count}, (_, index) => make(index)).join("");
const statements = (count: number, indent: string, make: (index: number) => string) => repeat(count, (index) => `${indent}${make(index)}\n`);

describe("workspace index: chunking with real grammars", () => {
    it("TypeScript: a documented function is one chunk named after it, imports and small constants grouped", async () => {
        const text = [
            `import {a} from "a";`,
            `import {b} from "b";`,
            ``,
            `/**`,
            ` * Parses the header.`,
            ` */`,
            `export function parseHeader(bytes: Buffer): number {`,
            `    const x = 1;`,
            `    return x + bytes.length;`,
            `}`,
            ``,
            `const small = 1;`,
            `const other = 2;`,
            ``
        ].join("\n");
        const chunks = chunkFile(text, await parser("typescript"));
        assert.deepEqual(shape(chunks), ["1-2", "4-10 parseHeader", "12-13 small"]);
        assertCovers(text, chunks);
    });

    it("TypeScript: a class over the size limit splits into its methods, each named Class.method with its doc comment", async () => {
        const text =
            `/** A big one. */\nexport class Store {\n` +
            repeat(6, (m) => `    /** Method ${m}. */\n    method${m}(x: number): number {\n${statements(12, "        ", (i) => `x += ${i};`)}        return x;\n    }\n\n`) +
            `}\n`;
        assert.ok(text.split("\n").length > chunkLimits.maxLines);
        const chunks = chunkFile(text, await parser("typescript"));
        // The class's comment and header go with its first method, so that no piece is a bare header.
        assert.deepEqual(shape(chunks), ["1-18 Store.method0", "20-35 Store.method1", "37-52 Store.method2", "54-69 Store.method3", "71-86 Store.method4", "88-103 Store.method5"]);
        assertCovers(text, chunks);
    });

    it("TSX: a component with JSX is one chunk", async () => {
        const text = `import React from "react";\n\n/** Shows a greeting. */\nexport function Greeting({name}: {name: string}) {\n    const text = \`Hello \${name}\`;\n    return <div className="greeting">\n        <span>{text}</span>\n    </div>;\n}\n`;
        const chunks = chunkFile(text, await parser("typescriptreact"));
        assert.deepEqual(shape(chunks), ["1-1", "3-9 Greeting"]);
        assertCovers(text, chunks);
    });

    it("JavaScript: line comments above a function are its documentation", async () => {
        const text = `const fs = require("fs");\n\n// Reads the config file\n// and parses it.\nfunction readConfig(path) {\n    const text = fs.readFileSync(path, "utf8");\n    return JSON.parse(text);\n}\n\nmodule.exports = {readConfig};\n`;
        const chunks = chunkFile(text, await parser("javascript"));
        assert.deepEqual(
            chunks.map((chunk) => [chunk.startLine, chunk.endLine]),
            [
                [1, 1],
                [3, 8],
                [10, 10]
            ]
        );
        assert.equal(chunks[1]?.symbol, "readConfig");
        assertCovers(text, chunks);
    });

    it("Python: a big class splits into its methods (Class.method), a function keeps the comments above it", async () => {
        const text =
            `import os\n\n\nclass Loader:\n    """Loads things."""\n\n` +
            repeat(6, (m) => `    def load_${m}(self, x):\n        """Loads ${m}."""\n${statements(14, "        ", (i) => `x += ${i}`)}        return x\n\n`) +
            `\n# Computes the checksum\n# of a file.\ndef checksum(path):\n    with open(path) as f:\n        return hash(f.read())\n`;
        const chunks = chunkFile(text, await parser("python"));
        assert.deepEqual(
            chunks.map((chunk) => chunk.symbol),
            [chunks[0]?.symbol, "Loader.load_0", "Loader.load_1", "Loader.load_2", "Loader.load_3", "Loader.load_4", "Loader.load_5", "checksum"]
        );
        assert.deepEqual(shape(chunks).slice(1, 3), ["4-23 Loader.load_0", "25-41 Loader.load_1"], "the class header and docstring go with its first method");
        assert.equal(chunks.at(-1)?.startLine, 116, "the comment above checksum is in its chunk");
        assertCovers(text, chunks);
    });

    it("Go: functions, methods and a type declaration are named, each with its comment", async () => {
        const text = `package main\n\nimport "fmt"\n\n// ParseHeader reads the header\n// of a file.\nfunc ParseHeader(b []byte) int {\n\tx := len(b)\n\treturn x\n}\n\ntype Point struct {\n\tX int\n\tY int\n}\n\n// Norm is the length.\nfunc (p Point) Norm() int {\n\treturn p.X*p.X + p.Y*p.Y\n}\n`;
        const chunks = chunkFile(text, await parser("go"));
        assert.deepEqual(shape(chunks), ["1-3", "5-10 ParseHeader", "12-15 Point", "17-20 Norm"]);
        assertCovers(text, chunks);
    });

    it("Rust: a big impl splits into its methods named after the impl's type, doc comments included", async () => {
        const text =
            `use std::io;\n\n/// Parses the header\n/// of a file.\npub fn parse_header(b: &[u8]) -> usize {\n    let x = b.len();\n    x\n}\n\npub struct Point { x: i32 }\n\nimpl Point {\n` +
            repeat(6, (m) => `    /// Method ${m}.\n    pub fn method_${m}(&self, x: i32) -> i32 {\n${statements(14, "        ", (i) => `let x = x + ${i};`)}        x\n    }\n\n`) +
            `}\n`;
        const chunks = chunkFile(text, await parser("rust"));
        assert.deepEqual(shape(chunks).slice(0, 5), ["1-1", "3-8 parse_header", "10-10 Point", "12-30 Point.method_0", "32-49 Point.method_1"]);
        assert.deepEqual(
            chunks.slice(3).map((chunk) => chunk.symbol),
            [0, 1, 2, 3, 4, 5].map((m) => `Point.method_${m}`)
        );
        assertCovers(text, chunks);
    });

    it("Java: a big class splits into its methods with their Javadoc", async () => {
        const text =
            `package demo;\n\nimport java.util.List;\n\n/** A big service. */\npublic class Service {\n` +
            repeat(6, (m) => `    /** Method ${m}. */\n    public int method${m}(int x) {\n${statements(14, "        ", (i) => `x += ${i};`)}        return x;\n    }\n\n`) +
            `}\n`;
        const chunks = chunkFile(text, await parser("java"));
        assert.deepEqual(shape(chunks), ["1-3", "5-24 Service.method0", "26-43 Service.method1", "45-62 Service.method2", "64-81 Service.method3", "83-100 Service.method4", "102-119 Service.method5"]);
        assertCovers(text, chunks);
    });

    it("groups many small statements into chunks within the limits instead of one per statement", async () => {
        const text = statements(300, "", (i) => `export const value${i} = ${i};`);
        const chunks = chunkFile(text, await parser("typescript"));
        assert.ok(chunks.length >= 300 / chunkLimits.maxLines && chunks.length <= 10, `${chunks.length} chunks for 300 one-line statements`);
        for (const chunk of chunks) assert.ok(chunk.endLine - chunk.startLine + 1 <= chunkLimits.maxLines);
        assertCovers(text, chunks);
    });

    it("gives a minified one-line file one chunk, not one per node", async () => {
        const text = repeat(2_000, (i) => `var a${i}=function(b){return b+${i}};`);
        assert.equal(text.includes("\n"), false);
        for (const languageId of ["javascript", "typescript"]) assert.deepEqual(shape(chunkFile(text, await parser(languageId))), ["1-1 a0"], languageId);
    });

    it("a function longer than the limit, with no inner declarations, is cut into line windows that cover it", async () => {
        const text = `function huge() {\n${statements(200, "    ", (i) => `call(${i});`)}}\n`;
        const chunks = chunkFile(text, await parser("javascript"));
        assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
        for (const chunk of chunks) assert.ok(chunk.endLine - chunk.startLine + 1 <= chunkLimits.maxLines);
        assertCovers(text, chunks);
    });

    it("without a grammar (Ruby, Markdown): line windows of at most 50 lines that end at a blank line when one is near", async () => {
        const ruby = repeat(12, (m) => `def method_${m}(x)\n${statements(7, "  ", (i) => `x += ${i}`)}  x\nend\n\n`);
        assert.equal(await sharedGrammars().parserFor("ruby"), undefined, "Ruby has no grammar here");
        const rubyChunks = chunkFile(ruby, undefined);
        const rubyLines = ruby.split("\n");
        for (const chunk of rubyChunks.slice(0, -1)) {
            assert.ok(chunk.endLine - chunk.startLine + 1 <= chunkLimits.windowLines);
            assert.equal(rubyLines[chunk.endLine - 1], "", `window ${chunk.startLine}-${chunk.endLine} ends at a blank line`);
        }
        assertCovers(ruby, rubyChunks);

        const markdown = repeat(40, (section) => `## Section ${section}\n\nSome words about ${section}.\nMore words.\n\n`);
        const markdownChunks = chunkFile(markdown, await sharedGrammars().parserFor("markdown"));
        assert.ok(markdownChunks.length > 1);
        for (const chunk of markdownChunks.slice(0, -1)) assert.equal(markdown.split("\n")[chunk.endLine - 1], "");
        assertCovers(markdown, markdownChunks);
    });

    it("cuts line windows of very long lines by characters too", () => {
        const text = statements(40, "", (i) => `${"x".repeat(300)} ${i}`);
        const chunks = chunkFile(text, undefined);
        for (const chunk of chunks) assert.ok(chunk.endLine - chunk.startLine + 1 <= Math.ceil(chunkLimits.maxChars / 300));
        assertCovers(text, chunks);
    });

    it("gives an empty or blank file no chunk", async () => {
        assert.deepEqual(chunkFile("", undefined), []);
        assert.deepEqual(chunkFile("\n\n   \n", await parser("typescript")), []);
    });

    it("a file the grammar cannot make sense of is still chunked, covering every line once", async () => {
        const text = `function (((( {\n${statements(120, "", (i) => `}}} ]] let ${i} = ;`)}`;
        const chunks = chunkFile(text, await parser("typescript"));
        assert.ok(chunks.length > 0);
        assertCovers(text, chunks);
    });

    it("a grammar folder without the grammars says so once per grammar and leaves the files to line windows", async () => {
        const problems: string[] = [];
        const missing = new Grammars("/nonexistent/grammars", (message) => problems.push(message));
        try {
            assert.equal(await missing.parserFor("typescript"), undefined);
            assert.equal(await missing.parserFor("typescript"), undefined);
            assert.equal(problems.length, 1);
            assert.match(problems[0] ?? "", /tree-sitter-typescript\.wasm grammar could not be loaded .*line windows/);
            assert.equal(await missing.parserFor("ruby"), undefined, "no grammar is no problem");
            assert.equal(problems.length, 1);
        } finally {
            missing.dispose();
        }
    });
});
