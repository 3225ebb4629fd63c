/**
 * 100,000 tiny files (the bad input): the crawl holds the file limit, says it cut, and ends;
 * a build under a limit indexes that many. In the engine tier, not unit: writing and deleting the
 * files alone takes from 10 s to over a minute on this machine's file system, depending on its load.
 */
import assert from "node:assert/strict";
import {mkdirSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {crawlFolder} from "../../src/workspaceIndex/crawl";
import {FolderIndex} from "../../src/workspaceIndex/folderIndex";
import {rules, sharedGrammars, tempFolder} from "../unit/workspaceIndex/support";

const never = new AbortController().signal;

describe("workspace index: 100,000 tiny files", function () {
    this.timeout(300_000);
    let many: ReturnType<typeof tempFolder>;
    before(() => {
        many = tempFolder("enclave-many-");
        for (let d = 0; d < 100; d++) {
            const directory = join(many.path, `d${String(d).padStart(3, "0")}`);
            mkdirSync(directory);
            for (let f = 0; f < 1_000; f++) writeFileSync(join(directory, `f${String(f).padStart(4, "0")}.ts`), `export const v${f} = ${d};\n`);
        }
    });
    after(() => many.cleanup());

    it("the crawl stops at maxFiles, says it was truncated, and lists the same first files every time", async () => {
        const first = await crawlFolder(many.path, rules({maxFiles: 50_000}), never);
        assert.equal(first.files.length, 50_000);
        assert.equal(first.truncated, true);
        assert.equal(first.files[0]?.path, "d000/f0000.ts");
        assert.equal(first.files.at(-1)?.path, "d049/f0999.ts");
        const all = await crawlFolder(many.path, rules({maxFiles: 200_000}), never);
        assert.equal(all.files.length, 100_000);
        assert.equal(all.truncated, false);
    });

    it("a build under a file limit indexes that many and reports the cut; an update past the limit adds nothing", async () => {
        const index = await FolderIndex.empty(many.path, rules({maxFiles: 2_000}), sharedGrammars());
        const report = await index.reconcile(never, () => undefined);
        assert.equal(report.files, 2_000);
        assert.equal(report.truncated, true);
        assert.equal(await index.update(["d099/f0999.ts"]), 0, "the limit holds for files the editor reports too");
        assert.equal(index.fileCount, 2_000);
    });

    it("a crawl of them can be cancelled", async () => {
        const controller = new AbortController();
        const crawl = crawlFolder(many.path, rules({maxFiles: 200_000}), controller.signal);
        // Once it is under way (past the first directories), not before it starts.
        setImmediate(() => controller.abort());
        await assert.rejects(crawl, {name: "AbortError"});
    });
});
