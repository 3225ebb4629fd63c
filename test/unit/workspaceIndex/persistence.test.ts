import assert from "node:assert/strict";
import {readdirSync, readFileSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {FolderIndex} from "../../../src/workspaceIndex/folderIndex";
import type {IndexedFolder} from "../../../src/workspaceIndex/indexProtocol";
import {indexFileFor, loadIndex, saveIndex} from "../../../src/workspaceIndex/indexStore";
import {WorkspaceIndex} from "../../../src/workspaceIndex/workspaceIndex";
import {grammarsFolder, rules, sharedGrammars, tempFolder, writeTree} from "./support";

const never = new AbortController().signal;

const tree = Object.fromEntries(
    Array.from({length: 30}, (_, i) => [`src/module${i}.ts`, `/** Computes the checksum number ${i}. */\nexport function checksumOfBlock${i}(data: Uint8Array): number {\n    return data.length + ${i};\n}\n`])
);

describe("workspace index: persistence", () => {
    let folder: ReturnType<typeof tempFolder>;
    let storage: ReturnType<typeof tempFolder>;
    let indexFile: string;
    beforeEach(() => {
        folder = tempFolder();
        storage = tempFolder("enclave-storage-");
        writeTree(folder.path, tree);
        indexFile = indexFileFor(storage.path, folder.path);
    });
    afterEach(() => {
        folder.cleanup();
        storage.cleanup();
    });

    const config = (overrides: Partial<IndexedFolder> = {}): IndexedFolder => ({rootPath: folder.path, indexFile, rules: rules(), ...overrides});

    async function builtAndSaved(): Promise<FolderIndex> {
        const index = FolderIndex.empty(folder.path, rules(), sharedGrammars());
        await index.reconcile(never, () => undefined);
        await saveIndex(indexFile, folder.path, rules(), index.toData());
        return index;
    }

    it("save → load gives the same results, and a reconcile after the load reads nothing", async () => {
        const built = await builtAndSaved();
        const loaded = await loadIndex(indexFile, folder.path, rules());
        assert.ok(loaded.ok, loaded.ok ? "" : loaded.reason);
        const reloaded = FolderIndex.fromData(folder.path, rules(), sharedGrammars(), loaded.data);
        for (const query of ["checksum of block 7", "checksumOfBlock12", "data length"]) assert.deepEqual(await reloaded.search(query, 10), await built.search(query, 10), query);
        assert.equal(reloaded.fileCount, 30);
        assert.equal((await reloaded.reconcile(never, () => undefined)).indexed, 0);
        // Ids go on from where they were: a re-read file's pieces do not collide with the loaded ones.
        writeFileSync(join(folder.path, "src/module3.ts"), "export function replacedAfterLoad(): void {\n    return;\n}\n");
        await reloaded.update(["src/module3.ts"]);
        assert.equal((await reloaded.search("replacedafterload", 5))[0]?.path, "src/module3.ts");
        assert.equal((await reloaded.search("checksumofblock4", 5))[0]?.path, "src/module4.ts");
    });

    it("the index file is one per folder, and a save leaves no temporary file", async () => {
        assert.notEqual(indexFileFor(storage.path, "/a"), indexFileFor(storage.path, "/b"));
        await builtAndSaved();
        assert.deepEqual(readdirSync(storage.path), [indexFile.slice(storage.path.length + 1)]);
    });

    const damages: Array<[string, (text: string) => string, RegExp]> = [
        ["truncated JSON", (text) => text.slice(0, Math.floor(text.length / 2)), /damaged/],
        ["not JSON at all", () => "\u0000\u0001garbage", /damaged/],
        ["JSON null", () => "null", /another version/],
        ["wrong types", (text) => text.replace(/"sizeBytes":\d+/, '"sizeBytes":"big"'), /damaged/],
        ["a missing part", (text) => JSON.stringify({...JSON.parse(text), data: {files: []}}), /damaged/],
        ["another format version", (text) => JSON.stringify({...JSON.parse(text), formatVersion: 999}), /another version of Enclave/],
        ["another folder", (text) => JSON.stringify({...JSON.parse(text), rootPath: "/somewhere/else"}), /another folder/],
        [
            "a broken ranking part",
            (text) => {
                const stored = JSON.parse(text) as {data: {lexical: {search: unknown}}};
                stored.data.lexical.search = {nonsense: true};
                return JSON.stringify(stored);
            },
            /damaged/
        ]
    ];

    for (const [damage, apply, reason] of damages)
        it(`a stored index with ${damage}: WorkspaceIndex.open says why, starts empty and the build rebuilds it (never throws)`, async () => {
            await builtAndSaved();
            writeFileSync(indexFile, apply(readFileSync(indexFile, "utf8")));
            const workspace = new WorkspaceIndex({saveDelayMs: 60_000});
            try {
                const [state] = await workspace.open([config()], grammarsFolder);
                assert.match(state?.rebuiltBecause ?? "", reason);
                assert.equal(state?.ready, false);
                const [report] = await workspace.build(never, () => undefined);
                assert.equal(report?.indexed, 30);
                assert.equal((await workspace.search("checksumofblock9", 5))[0]?.path, "src/module9.ts");
                // The rebuilt index was saved and is good again.
                assert.ok((await loadIndex(indexFile, folder.path, rules())).ok);
            } finally {
                workspace.dispose();
            }
        });

    it("changed rules (another size limit, other globs) → 'the index settings changed', rebuilt", async () => {
        await builtAndSaved();
        assert.deepEqual(await loadIndex(indexFile, folder.path, rules({maxFileBytes: 5})), {ok: false, reason: "the index settings changed"});
        const workspace = new WorkspaceIndex({saveDelayMs: 60_000});
        try {
            const [state] = await workspace.open([config({rules: rules({excludeGlobs: ["**/module1*.ts"]})})], grammarsFolder);
            assert.equal(state?.rebuiltBecause, "the index settings changed");
            const [report] = await workspace.build(never, () => undefined);
            assert.equal(report?.files, 30 - 11, "module1 and module10-19 are excluded now");
        } finally {
            workspace.dispose();
        }
    });

    it("no index yet is not a reason to report; a good one is used as it is", async () => {
        const workspace = new WorkspaceIndex({saveDelayMs: 60_000});
        try {
            assert.deepEqual(await workspace.open([config()], grammarsFolder), [{rootPath: folder.path, files: 0, chunks: 0, ready: false}]);
            await builtAndSaved();
            const [state] = await workspace.open([config()], grammarsFolder);
            assert.equal(state?.ready, true);
            assert.equal(state?.files, 30);
            assert.equal(state?.rebuiltBecause, undefined);
        } finally {
            workspace.dispose();
        }
    });

    it("a cancelled build keeps what it read (saved), and the next build, even after a reopen, reads only the rest", async () => {
        const workspace = new WorkspaceIndex({saveDelayMs: 60_000});
        try {
            await workspace.open([config()], grammarsFolder);
            const controller = new AbortController();
            await assert.rejects(
                workspace.build(controller.signal, (progress) => {
                    if (progress.phase === "indexing" && progress.done >= 25) controller.abort();
                }),
                {name: "AbortError"}
            );
            const [afterCancel] = workspace.status();
            assert.equal(afterCancel?.files, 25);
            assert.equal(afterCancel?.ready, false, "a cancelled build has not been through the folder");
            const [reopened] = await workspace.open([config()], grammarsFolder);
            assert.equal(reopened?.files, 25, "what it read was saved");
            const [report] = await workspace.build(never, () => undefined);
            assert.equal(report?.indexed, 5);
            assert.equal(report?.files, 30);
        } finally {
            workspace.dispose();
        }
    });
});
