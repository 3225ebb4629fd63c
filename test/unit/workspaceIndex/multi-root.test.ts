// The index of a multi-root workspace: each folder has its own stored index, a search ranks the
// pieces of all folders together, and following a file or unsaved text touches only its folder.
import assert from "node:assert/strict";
import {mkdir, mkdtemp, readdir, rm, stat, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {IndexedFolder} from "../../../src/workspaceIndex/indexProtocol";
import {indexFileFor} from "../../../src/workspaceIndex/indexStore";
import {WorkspaceIndex} from "../../../src/workspaceIndex/workspaceIndex";

const grammars = join(import.meta.dirname, "..", "..", "..", "node_modules", "@vscode", "tree-sitter-wasm", "wasm");
const rules = {excludeGlobs: ["**/node_modules"], useGitignore: true, maxFileBytes: 100_000, maxFiles: 1_000};

describe("workspace index over several folders", () => {
    let dir: string;
    let folders: IndexedFolder[];

    beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), "enclave-multiroot-"));
        const storage = join(dir, "storage");
        folders = [];
        for (const name of ["api", "web"]) {
            const root = join(dir, name);
            await mkdir(join(root, "src"), {recursive: true});
            folders.push({rootPath: root, indexFile: indexFileFor(storage, root), rules});
        }
        await writeFile(join(dir, "api", "src", "invoice.ts"), "/** Adds up the lines of an invoice, with tax. */\nexport function invoiceTotal(lines: number[], tax: number): number {\n    const net = lines.reduce((sum, line) => sum + line, 0);\n    return net * (1 + tax);\n}\n");
        await writeFile(join(dir, "web", "src", "render.ts"), "/** Renders the invoice table in the page. */\nexport function renderInvoiceTable(rows: string[]): string {\n    const cells = rows.map((row) => `<td>${row}</td>`);\n    return `<table>${cells.join(\"\")}</table>`;\n}\n");
        await writeFile(join(dir, "web", "src", "unrelated.ts"), "export function colourOfTheSky(): string {\n    const sky = 'blue';\n    return sky;\n}\n");
    });

    afterEach(async () => rm(dir, {recursive: true, force: true}));

    it("ranks the pieces of every folder together and names the folder of each", async () => {
        const index = new WorkspaceIndex({saveDelayMs: 10});
        try {
            await index.open(folders, grammars);
            const [api, web] = await index.build(new AbortController().signal, () => undefined);
            assert.equal(api?.files, 1);
            assert.equal(web?.files, 2);
            const hits = await index.search("invoice", 5);
            assert.deepEqual(hits.map((hit) => [hit.rootPath, hit.path]).sort(), [[join(dir, "api"), "src/invoice.ts"], [join(dir, "web"), "src/render.ts"]]);
            const total = hits.find((hit) => hit.path === "src/invoice.ts");
            assert.equal(total?.symbol, "invoiceTotal");
            assert.equal(total?.startLine, 1);
            assert.equal(total?.endLine, 5);
            assert.match(total?.content ?? "", /net \* \(1 \+ tax\)/);
        } finally {
            index.dispose();
        }
    });

    it("keeps one index file per folder and opens both again without reading a file", async () => {
        const first = new WorkspaceIndex();
        await first.open(folders, grammars);
        await first.build(new AbortController().signal, () => undefined);
        first.dispose();
        assert.equal((await readdir(join(dir, "storage"))).filter((name) => name.endsWith(".json")).length, 2);

        const written = await Promise.all(folders.map(async (folder) => (await stat(folder.indexFile)).mtimeMs));
        const second = new WorkspaceIndex();
        try {
            const states = await second.open(folders, grammars);
            assert.deepEqual(states.map((state) => [state.files, state.ready]), [[1, true], [2, true]]);
            const [api, web] = await second.build(new AbortController().signal, () => undefined);
            assert.equal(api?.indexed, 0);
            assert.equal(web?.indexed, 0);
            // Nothing changed, so nothing is written again (a large index costs seconds and memory to write).
            assert.deepEqual(await Promise.all(folders.map(async (folder) => (await stat(folder.indexFile)).mtimeMs)), written);
            assert.equal((await second.search("renderInvoiceTable", 1))[0]?.path, "src/render.ts");
        } finally {
            second.dispose();
        }
    });

    it("follows a saved file and unsaved text in their own folder only", async () => {
        const index = new WorkspaceIndex({saveDelayMs: 10});
        try {
            await index.open(folders, grammars);
            await index.build(new AbortController().signal, () => undefined);
            await writeFile(join(dir, "api", "src", "refund.ts"), "export function refundPayment(id: string): string {\n    const reason = 'refund';\n    return `${id}:${reason}`;\n}\n");
            assert.equal(await index.update(join(dir, "api"), ["src/refund.ts"]), 1);
            assert.deepEqual((await index.search("refundPayment", 3)).map((hit) => [hit.rootPath, hit.path]), [[join(dir, "api"), "src/refund.ts"]]);

            await index.overlay(join(dir, "web"), "src/unrelated.ts", "export function paintTheFence(): string {\n    const fence = 'white';\n    return fence;\n}\n");
            assert.equal((await index.search("paintTheFence", 3))[0]?.path, "src/unrelated.ts");
            assert.deepEqual(await index.search("colourOfTheSky", 3), []);
            await index.overlay(join(dir, "web"), "src/unrelated.ts", null);
            assert.equal((await index.search("colourOfTheSky", 3))[0]?.path, "src/unrelated.ts");
            assert.deepEqual(await index.search("paintTheFence", 3), []);
            await assert.rejects(index.update(join(dir, "elsewhere"), ["x.ts"]), /not an indexed folder/);

            // A folder that appears is reported as one path; the files in it are read.
            await mkdir(join(dir, "web", "src", "charts"));
            await writeFile(join(dir, "web", "src", "charts", "bars.ts"), "export function drawRevenueBars(values: number[]): string {\n    const bars = values.map((value) => '#'.repeat(value));\n    return bars.join('\\n');\n}\n");
            assert.equal(await index.update(join(dir, "web"), ["src/charts"]), 1);
            assert.equal((await index.search("drawRevenueBars", 3))[0]?.path, "src/charts/bars.ts");
            await rm(join(dir, "web", "src", "charts"), {recursive: true});
            assert.equal(await index.update(join(dir, "web"), ["src/charts"]), 1);
            assert.deepEqual(await index.search("drawRevenueBars", 3), []);
        } finally {
            index.dispose();
        }
    });
});
