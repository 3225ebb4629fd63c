import assert from "node:assert/strict";
import {mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {FolderIndex, type ReconcileProgress} from "../../../src/workspaceIndex/folderIndex";
import {rules, sharedGrammars, tempFolder, writeTree} from "./support";

const never = new AbortController().signal;
const noProgress = (_progress: ReconcileProgress) => undefined;

/** A file written with a given modification time (seconds), so that a change is seen whatever the clock's resolution. */
function writeAt(root: string, path: string, content: string, mtimeSeconds: number): void {
    const full = join(root, path);
    mkdirSync(join(full, ".."), {recursive: true});
    writeFileSync(full, content);
    utimesSync(full, mtimeSeconds, mtimeSeconds);
}

const source = {
    "src/gguf.ts": `import {readFileSync} from "node:fs";\n\n/** Reads the header of a GGUF model file. */\nexport function parseGGUFHeader(bytes: Buffer): number {\n    const magic = bytes.readUInt32LE(0);\n    return magic;\n}\n`,
    "src/tokens.py": `# Counts the tokens of a prompt.\ndef count_prompt_tokens(prompt):\n    words = prompt.split()\n    return len(words)\n`,
    "lib/server.go": `package lib\n\n// StartServer listens on the socket.\nfunc StartServer(socketPath string) error {\n\tlistener := listen(socketPath)\n\treturn listener\n}\n`,
    "docs/guide.md": `# Guide\n\nHow to configure the quantization of a model.\n`,
    "src/minified.js": `${"var q=1;".repeat(200)}\n`,
    "src/image.ts": "\u0089PNG\u0000\u0000binary",
    "data/table.bin": "ignored by extension"
};

describe("workspace index: FolderIndex", () => {
    let folder: ReturnType<typeof tempFolder>;
    beforeEach(() => {
        folder = tempFolder();
        writeTree(folder.path, source);
    });
    afterEach(() => folder.cleanup());

    const build = async (given?: FolderIndex) => {
        const index = given ?? (await FolderIndex.empty(folder.path, rules(), sharedGrammars()));
        return {index, report: await index.reconcile(never, noProgress)};
    };
    /** The files of the hits, each once; a query of whole lower-case identifiers matches only them (not their parts, not a path). */
    /** The symbols of the hits: they come from the index, not from the disk (for identifiers whose parts other code shares). */
    const symbols = async (index: FolderIndex, query: string) => (await index.search(query, 50)).map((hit) => hit.symbol);
    const paths = async (index: FolderIndex, query: string) => [...new Set((await index.search(query, 10)).map((hit) => hit.path))];

    it("reconcile builds the index of the folder, with what it skipped and why", async () => {
        const progress: ReconcileProgress[] = [];
        const index = await FolderIndex.empty(folder.path, rules(), sharedGrammars());
        const report = await index.reconcile(never, (step) => progress.push(step));
        assert.equal(report.files, 4);
        assert.equal(report.indexed, 6, "four indexed and two read and left out by their content");
        // table.bin is no language of code (not even looked at); image.ts is binary by its content.
        assert.deepEqual(report.skipped, {otherLanguage: 1, binary: 1, minified: 1});
        assert.ok(report.chunks >= 4);
        assert.deepEqual(progress[0], {phase: "listing", done: 0, total: 0});
        assert.deepEqual(progress.at(-1), {phase: "indexing", done: 6, total: 6});
        assert.deepEqual(await paths(index, "gguf header"), ["src/gguf.ts"]);
        assert.equal(index.has("src/image.ts"), false);
        assert.equal(index.has("src/minified.js"), false);
    });

    it("a second reconcile reads only the files that changed, appeared or went", async () => {
        const {index} = await build();
        assert.equal((await index.reconcile(never, noProgress)).indexed, 0, "nothing changed: nothing read (the skipped files neither)");
        writeAt(folder.path, "src/tokens.py", `# Counts the words of a prompt.\ndef count_prompt_words(prompt):\n    return len(prompt.split())\n`, 2_000_000_000);
        writeAt(folder.path, "src/new.ts", `export function freshlyAddedHelper(): number {\n    return 1;\n}\n`, 2_000_000_000);
        rmSync(join(folder.path, "lib"), {recursive: true});
        const second = await index.reconcile(never, noProgress);
        assert.equal(second.indexed, 2);
        assert.equal(second.removed, 1);
        assert.equal(second.files, 4);
        assert.deepEqual(await paths(index, "count_prompt_words"), ["src/tokens.py"]);
        assert.equal((await symbols(index, "count_prompt_tokens")).includes("count_prompt_tokens"), false);
        assert.deepEqual(await paths(index, "freshlyaddedhelper"), ["src/new.ts"]);
        assert.deepEqual(await paths(index, "startserver"), []);
    });

    it("update follows an edited, a created and a deleted file, and a deleted directory", async () => {
        const {index} = await build();
        writeAt(folder.path, "src/gguf.ts", `/** Writes a GGUF file. */\nexport function writeGGUFFile(path: string): void {\n    console.log(path);\n}\n`, 2_000_000_000);
        writeAt(folder.path, "src/created.rs", `/// Sums the weights.\npub fn sum_weights(w: &[f32]) -> f32 {\n    w.iter().sum()\n}\n`, 2_000_000_000);
        rmSync(join(folder.path, "src/tokens.py"));
        assert.equal(await index.update(["src/gguf.ts", "src/created.rs", "src/tokens.py"]), 3);
        assert.deepEqual(await paths(index, "writegguffile"), ["src/gguf.ts"]);
        assert.deepEqual(await paths(index, "parseggufheader"), []);
        assert.deepEqual(await paths(index, "sum_weights"), ["src/created.rs"]);
        assert.equal((await symbols(index, "count_prompt_tokens")).includes("count_prompt_tokens"), false);
        assert.equal(await index.update(["src/gguf.ts"]), 0, "an unchanged file is not read again");

        writeAt(folder.path, "lib/extra/more.go", `package extra\n\nfunc StartMore() {\n\tStartServer("x")\n}\n`, 2_000_000_000);
        await index.update(["lib/extra/more.go"]);
        assert.deepEqual((await paths(index, "startserver")).sort(), ["lib/extra/more.go", "lib/server.go"]);
        rmSync(join(folder.path, "lib"), {recursive: true});
        assert.equal(await index.update(["lib"]), 2, "both files under the deleted folder are dropped");
        assert.deepEqual(await paths(index, "startserver"), []);
        assert.equal(index.fileCount, 3);
    });

    it("update applies the rules: an excluded, ignored, binary-named or too large file is not indexed, and an indexed one that becomes so is dropped", async () => {
        const {index} = await build();
        writeAt(folder.path, ".gitignore", "ignored/\n", 1_000_000_000);
        writeAt(folder.path, "ignored/hidden.ts", "export const hiddenThing = 1;\n", 1_000_000_000);
        writeAt(folder.path, "src/big.ts", `export const bigThing = "${"x".repeat(2_000_000)}";\n`, 1_000_000_000);
        writeAt(folder.path, "src/notes.bin", "binaryThing", 1_000_000_000);
        assert.equal(await index.update(["ignored/hidden.ts", "src/big.ts", "src/notes.bin"]), 0);
        assert.deepEqual(await paths(index, "hiddenthing bigthing binarything"), []);
        writeAt(folder.path, ".gitignore", "ignored/\nsrc/gguf.ts\n", 1_000_000_001);
        assert.equal(await index.update(["src/gguf.ts"]), 1);
        assert.equal(index.has("src/gguf.ts"), false);
    });

    it("an overlay (unsaved editor text) is found before the save and gone after the editor closes", async () => {
        const {index} = await build();
        await index.setOverlay("src/gguf.ts", `export function unsavedOverlayFunction(): number {\n    return 42;\n}\n`);
        const [hit] = await index.search("unsavedOverlayFunction", 5);
        assert.equal(hit?.path, "src/gguf.ts");
        assert.match(hit?.content ?? "", /return 42/, "the content is the unsaved text, not the disk's");
        assert.deepEqual(await paths(index, "parseggufheader"), [], "the disk text no longer stands for the file");
        await index.setOverlay("src/gguf.ts", undefined);
        assert.deepEqual(await paths(index, "unsavedoverlayfunction"), []);
        assert.deepEqual(await paths(index, "parseggufheader"), ["src/gguf.ts"]);
    });

    it("an overlay survives a reconcile and a watcher's update of the same file while the editor is still dirty", async () => {
        const {index} = await build();
        await index.setOverlay("src/gguf.ts", `export function stillUnsavedFunction(): number {\n    return 7;\n}\n`);
        await index.reconcile(never, noProgress);
        assert.deepEqual(await paths(index, "stillunsavedfunction"), ["src/gguf.ts"], "after a reconcile");
        writeAt(folder.path, "src/gguf.ts", `export function changedOnDiskMeanwhile(): void {\n    return;\n}\n`, 2_000_000_000);
        await index.update(["src/gguf.ts"]);
        assert.deepEqual(await paths(index, "stillunsavedfunction"), ["src/gguf.ts"], "after the disk changed under the editor");
        await index.setOverlay("src/gguf.ts", undefined);
        assert.deepEqual(await paths(index, "changedondiskmeanwhile"), ["src/gguf.ts"]);
    });

    it("search returns the current content with the line range of the piece", async () => {
        const {index} = await build();
        const [hit] = await index.search("count prompt tokens", 5);
        assert.ok(hit);
        assert.deepEqual([hit.path, hit.startLine, hit.endLine, hit.symbol, hit.languageId], ["src/tokens.py", 1, 4, "count_prompt_tokens", "python"]);
        assert.equal(hit.content, source["src/tokens.py"].split("\n").slice(0, 4).join("\n"));
        const [go] = await index.search("StartServer socket", 5);
        assert.deepEqual([go?.startLine, go?.endLine], [3, 7]);
        assert.equal(go?.content.split("\n")[0], "// StartServer listens on the socket.");
    });

    it("a file deleted behind the index's back is dropped from the results, not returned empty", async () => {
        const {index} = await build();
        rmSync(join(folder.path, "src/gguf.ts"));
        assert.deepEqual(await paths(index, "parseggufheader"), []);
        assert.equal(index.has("src/gguf.ts"), false);
    });

    it("update never follows a symbolic link: not to a file outside the folder, not through a linked folder", async () => {
        const outside = tempFolder();
        try {
            writeTree(outside.path, {"secret.ts": "export const outsideSecretValue = 1;\n"});
            symlinkSync(join(outside.path, "secret.ts"), join(folder.path, "src/linked.ts"));
            symlinkSync(outside.path, join(folder.path, "linkedDir"));
            const {index} = await build();
            assert.equal(await index.update(["src/linked.ts", "linkedDir/secret.ts"]), 0);
            assert.deepEqual(await paths(index, "outsidesecretvalue"), []);
        } finally {
            outside.cleanup();
        }
    });

    it("a cancelled reconcile keeps what it read and the next one continues from there", async () => {
        for (let i = 0; i < 60; i++) writeAt(folder.path, `many/file${i}.ts`, `export function helperNumber${i}(): number {\n    return ${i};\n}\n`, 1_000_000_000);
        const index = await FolderIndex.empty(folder.path, rules(), sharedGrammars());
        const controller = new AbortController();
        await assert.rejects(
            index.reconcile(controller.signal, (progress) => {
                if (progress.phase === "indexing" && progress.done >= 25) controller.abort();
            }),
            {name: "AbortError"}
        );
        // The abort came after the 25th file: the first pass read 25 of the 66 candidates.
        assert.ok(index.fileCount >= 23 && index.fileCount <= 25, `${index.fileCount} files kept`);
        const next = await index.reconcile(never, noProgress);
        assert.equal(next.indexed, 66 - 25, "only what the first pass had not read");
        assert.equal(next.files, 64);
    });
});
