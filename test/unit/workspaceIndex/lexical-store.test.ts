import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {FolderIndexData} from "../../../src/workspaceIndex/folderIndex";
import {LexicalIndex} from "../../../src/workspaceIndex/lexicalIndex";
import {loadIndex, saveIndex} from "../../../src/workspaceIndex/indexStore";

const rules = {excludeGlobs: [], useGitignore: true, maxFileBytes: 1_000_000, maxFiles: 50_000};

describe("workspace index: the index file written in pieces", () => {
    let folder: string;
    beforeEach(() => (folder = mkdtempSync(join(tmpdir(), "enclave-lexical-store-"))));
    afterEach(() => rmSync(folder, {recursive: true, force: true}));

    it("writes the same text as JSON.stringify for an index with arrays longer than a slice, and loads it back", async () => {
        const lexical = LexicalIndex.empty();
        const files: FolderIndexData["files"] = [];
        // 2,500 files and 5,000 pieces: the file list, the chunk list and the term list each span several slices.
        for (let i = 0; i < 2_500; i++) {
            const path = `src/file${i}.ts`;
            const ids = [lexical.add({path, startLine: 1, endLine: 4, symbol: `function${i}`}, `export function function${i}() { return "ünïcode \\"quoted\\" ${i}"; }`), lexical.add({path, startLine: 5, endLine: 9}, `const value${i} = ${i};`)];
            files.push([path, {sizeBytes: 100 + i, mtimeMs: 1_700_000_000_000 + i / 3, chunkIds: ids, ...(i % 7 === 0 ? {skipped: "minified" as const} : {})}]);
        }
        const data: FolderIndexData = {files, lexical: lexical.toData()};
        const file = join(folder, "index.json");
        await saveIndex(file, "/workspace", rules, data);
        const written = JSON.parse(readFileSync(file, "utf8")) as {data: unknown};
        assert.equal(JSON.stringify(written.data), JSON.stringify(data));
        const loaded = await loadIndex(file, "/workspace", rules);
        assert.ok(loaded.ok, loaded.ok ? "" : loaded.reason);
        assert.deepEqual(LexicalIndex.fromData(loaded.data.lexical).rank("function1234", 1).map((chunk) => chunk.path), ["src/file1234.ts"]);
    });
});
