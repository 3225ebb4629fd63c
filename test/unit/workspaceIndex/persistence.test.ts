import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import {readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {FolderIndex} from "../../../src/workspaceIndex/folderIndex";
import type {IndexedFolder} from "../../../src/workspaceIndex/indexProtocol";
import {indexFileFor, saveIndex} from "../../../src/workspaceIndex/indexStore";
import {openStoredIndex, WorkspaceIndex} from "../../../src/workspaceIndex/workspaceIndex";
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
        const index = await FolderIndex.empty(folder.path, rules(), sharedGrammars());
        await index.reconcile(never, () => undefined);
        await saveIndex(indexFile, folder.path, rules(), index.parts());
        return index;
    }

    it("save → load gives the same results, and a reconcile after the load reads nothing", async () => {
        const built = await builtAndSaved();
        const loaded = await openStoredIndex(config(), sharedGrammars());
        assert.ok(loaded.ok, loaded.ok ? "" : loaded.reason);
        const reloaded = loaded.index;
        for (const query of ["checksum of block 7", "checksumOfBlock12", "data length"]) assert.deepEqual(await reloaded.search(query, 10), await built.search(query, 10), query);
        assert.equal(reloaded.fileCount, 30);
        assert.equal((await reloaded.reconcile(never, () => undefined)).indexed, 0);
        // Ids go on from where they were: a re-read file's pieces do not collide with the loaded ones.
        writeFileSync(join(folder.path, "src/module3.ts"), "export function replacedAfterLoad(): void {\n    return;\n}\n");
        await reloaded.update(["src/module3.ts"]);
        assert.equal((await reloaded.search("replacedafterload", 5))[0]?.path, "src/module3.ts");
        assert.equal((await reloaded.search("checksumofblock4", 5))[0]?.path, "src/module4.ts");
    });

    it("a file that a search found gone is saved as gone, though no delete event came", async () => {
        const index = new WorkspaceIndex({saveDelayMs: 60_000});
        try {
            await index.open([config()], grammarsFolder);
            await index.build(never, () => undefined);
            rmSync(join(folder.path, "src/module7.ts"));
            assert.deepEqual((await index.search("checksumOfBlock7", 5)).filter((hit) => hit.path === "src/module7.ts"), [], "the search leaves out the file that has gone");
            await index.save();
        } finally {
            index.dispose();
        }
        const stored = readFileSync(indexFile, "utf8");
        assert.ok(stored.includes('"src/module6.ts"'), "the index was saved");
        assert.ok(!stored.includes('"src/module7.ts"'), "the stored index no longer holds the file that has gone");
    });

    it("the index file is one per folder, and a save leaves no temporary file", async () => {
        assert.notEqual(indexFileFor(storage.path, "/a"), indexFileFor(storage.path, "/b"));
        await builtAndSaved();
        assert.deepEqual(readdirSync(storage.path), [indexFile.slice(storage.path.length + 1)]);
    });

    /** The index file's lines (header, parts, end) with `change` applied to each parsed one. */
    const eachLine = (change: (line: unknown, index: number) => unknown) => (text: string): string =>
        text
            .trimEnd()
            .split("\n")
            .map((line, index) => change(JSON.parse(line), index))
            .filter((line) => line !== undefined)
            .map((line) => `${JSON.stringify(line)}\n`)
            .join("");
    const ofKind = (kind: string, change: (body: unknown) => unknown) => eachLine((line) => (Array.isArray(line) && line[0] === kind ? change(line[1]) : line));

    const damages: Array<[string, (text: string) => string, RegExp]> = [
        ["truncated JSON", (text) => text.slice(0, Math.floor(text.length / 2)), /damaged/],
        ["no end line (cut at a line)", (text) => text.trimEnd().split("\n").slice(0, -1).join("\n"), /damaged/],
        ["not JSON at all", () => "\u0000\u0001garbage", /damaged/],
        ["JSON null", () => "null", /damaged/],
        ["wrong types", (text) => text.replace(/"sizeBytes":\d+/, '"sizeBytes":"big"'), /damaged/],
        ["a missing part", ofKind("chunks", () => undefined), /damaged/],
        ["a part of an unknown kind", ofKind("chunks", (body) => ["chunkz", body]), /damaged/],
        ["another format version", eachLine((line, index) => (index === 0 ? {...(line as object), formatVersion: 999} : line)), /another version of Enclave/],
        ["the one-line format of earlier versions", () => JSON.stringify({formatVersion: 1, rootPath: folder.path, rulesKey: "x", data: {files: []}}), /another version of Enclave/],
        ["another folder", eachLine((line, index) => (index === 0 ? {...(line as object), rootPath: "/somewhere/else"} : line)), /another folder/],
        ["a broken ranking part", ofKind("ranking", () => ["ranking", {nonsense: true}]), /damaged/],
        ["ranking bytes changed (the checksum differs)", ofKind("rankingData", (body) => ["rankingData", Buffer.from(Buffer.from(body as string, "base64").map((byte, i) => (i === 100 ? byte ^ 0xff : byte))).toString("base64")]), /damaged/],
        [
            "ranking bytes that are no database, with a matching checksum",
            (text) => {
                const garbage = Buffer.alloc(8_192, 7);
                const sha256 = createHash("sha256").update(garbage).digest("hex");
                const [header, ...parts] = text.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);
                const lines = parts as Array<[string, Record<string, unknown>]>;
                const kept = lines.filter(([kind]) => kind !== "rankingData" && kind !== "end");
                const ranking = kept.find(([kind]) => kind === "ranking");
                assert.ok(ranking);
                ranking[1] = {...ranking[1], bytes: garbage.length, sha256};
                const end = lines.at(-1) as [string, Record<string, unknown>];
                return [header, ...kept, ["rankingData", garbage.toString("base64")], ["end", {...end[1], rankingBytes: garbage.length}]].map((line) => JSON.stringify(line)).join("\n");
            },
            /damaged/
        ],
        ["a piece id beyond the next id", ofKind("ranking", (body) => ["ranking", {...(body as object), nextId: 1}]), /damaged/],
        [
            "fewer pieces than the ranking holds",
            (text) =>
                eachLine((line, index) => {
                    if (index === 0) return line;
                    const [kind, body] = line as [string, unknown];
                    if (kind === "chunks") return ["chunks", (body as unknown[]).slice(1)];
                    if (kind === "end") return ["end", {...(body as {chunks: number}), chunks: (body as {chunks: number}).chunks - 1}];
                    return line;
                })(text),
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
                assert.ok((await openStoredIndex(config(), sharedGrammars())).ok);
            } finally {
                workspace.dispose();
            }
        });

    it("changed rules (another size limit, other globs) → 'the index settings changed', rebuilt", async () => {
        await builtAndSaved();
        assert.deepEqual(await openStoredIndex(config({rules: rules({maxFileBytes: 5})}), sharedGrammars()), {ok: false, reason: "the index settings changed"});
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
