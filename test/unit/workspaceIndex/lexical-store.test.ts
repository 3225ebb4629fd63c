import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {FolderIndex} from "../../../src/workspaceIndex/folderIndex";
import {indexFileFor, saveIndex} from "../../../src/workspaceIndex/indexStore";
import {openStoredIndex} from "../../../src/workspaceIndex/workspaceIndex";
import {rules, sharedGrammars, tempFolder, writeTree} from "./support";

const never = new AbortController().signal;

describe("workspace index: the index file written and read in slices", () => {
    let folder: ReturnType<typeof tempFolder>;
    let storage: ReturnType<typeof tempFolder>;
    beforeEach(() => {
        folder = tempFolder();
        storage = tempFolder("enclave-storage-");
    });
    afterEach(() => {
        folder.cleanup();
        storage.cleanup();
    });

    it("writes one line per slice (2,000 entries, 1 MB of the ranking) and loads the same ranking back, scores included", async function () {
        // Thousands of files are what it takes to fill more than one slice.
        this.timeout(30_000);
        // 2,500 files of two functions: the file list and the places of the pieces each span several slices.
        writeTree(
            folder.path,
            Object.fromEntries(
                Array.from({length: 2_500}, (_, i) => [
                    `src/file${i}.ts`,
                    `/** Returns "ünïcode \\"quoted\\" ${i}". */\nexport function function${i}(): string {\n    return "value ${i}";\n}\n\nexport const value${i} = {\n    amount: ${i},\n    name: "v${i}"\n};\n`
                ])
            )
        );
        const index = await FolderIndex.empty(folder.path, rules(), sharedGrammars());
        await index.reconcile(never, () => undefined);
        const indexFile = indexFileFor(storage.path, folder.path);
        await saveIndex(indexFile, folder.path, rules(), index.parts());

        const lines = readFileSync(indexFile, "utf8").trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
        const parts = lines.slice(1) as Array<[string, unknown]>;
        const kinds = parts.map(([kind]) => kind);
        assert.deepEqual([...new Set(kinds)], ["files", "chunks", "ranking", "rankingData", "end"], "in this order");
        assert.equal(kinds.filter((kind) => kind === "files").length, 2, "2,500 files in slices of 2,000");
        assert.equal(kinds.filter((kind) => kind === "chunks").length, Math.ceil(index.chunkCount / 2_000));
        for (const [kind, body] of parts) {
            if (kind === "files" || kind === "chunks") assert.ok((body as unknown[]).length <= 2_000);
            if (kind === "rankingData") assert.ok(Buffer.from(body as string, "base64").length <= 1 << 20);
        }
        const ranking = parts.find(([kind]) => kind === "ranking")?.[1] as {bytes: number};
        assert.deepEqual(parts.at(-1), ["end", {files: 2_500, chunks: index.chunkCount, rankingBytes: ranking.bytes}]);

        const loaded = await openStoredIndex({rootPath: folder.path, indexFile, rules: rules()}, sharedGrammars());
        assert.ok(loaded.ok, loaded.ok ? "" : loaded.reason);
        assert.equal(loaded.index.fileCount, 2_500);
        assert.equal(loaded.index.chunkCount, index.chunkCount);
        for (const query of ["function1234", "value 17 ünïcode", "quoted return", "function3 value4 amount"]) assert.deepEqual(await loaded.index.search(query, 10), await index.search(query, 10), query);
        loaded.index.close();
        index.close();
    });
});
