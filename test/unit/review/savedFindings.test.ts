import assert from "node:assert/strict";
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {AnchoredFinding} from "../../../src/review/findings";
import {fromSaved, maxSavedFiles, SavedFindingsFile, toSaved} from "../../../src/review/savedFindings";

const finding = (overrides: Partial<AnchoredFinding> = {}): AnchoredFinding => ({
    file: "math.ts",
    startLine: 2,
    endLine: 2,
    severity: "error",
    title: "add subtracts",
    explanation: "a - b where a + b is meant",
    replacement: "    return a + b;",
    cited: ["    return a - b;"],
    ...overrides
});

describe("saved review findings", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "enclave-findings-"))));
    afterEach(() => rmSync(dir, {recursive: true, force: true}));

    it("read back equal to what was saved, through JSON, a finding without a replacement included", () => {
        const files = new Map([
            ["file:///w/math.ts", [finding(), finding({startLine: 5, endLine: 6, severity: "info", replacement: undefined, cited: ["a", "b"]})]],
            ["file:///w/other.ts", [finding({file: "other.ts"})]]
        ]);
        const back = fromSaved(JSON.parse(JSON.stringify(toSaved(files))));
        assert.equal(back.skipped, 0);
        assert.deepEqual([...back.files], [...files].map(([uri, list]) => [uri, list.map((item) => (item.replacement === undefined ? (({replacement: _, ...rest}) => rest)(item) : item))]));
    });

    it("leave out files without findings and keep only the most recently reviewed files", () => {
        const files = new Map<string, AnchoredFinding[]>([["file:///w/empty.ts", []]]);
        for (let index = 0; index <= maxSavedFiles; index++) files.set(`file:///w/f${index}.ts`, [finding()]);
        const saved = toSaved(files);
        assert.equal(saved.files.length, maxSavedFiles);
        assert.equal(saved.files[0]?.uri, "file:///w/f1.ts", "the oldest file is the one forgotten");
        assert.ok(!saved.files.some((file) => file.uri === "file:///w/empty.ts"));
    });

    it("set aside what is damaged and keep the rest, counting what was left out", () => {
        const value = {
            version: 1,
            files: [
                {uri: "file:///w/a.ts", findings: [finding(), {...finding(), severity: "fatal"}, {...finding(), startLine: 9, endLine: 3}, {...finding(), cited: "no"}]},
                {uri: 7, findings: []},
                {uri: "file:///w/b.ts", findings: [{...finding(), startLine: 0}]}
            ]
        };
        const back = fromSaved(value);
        assert.deepEqual([...back.files.keys()], ["file:///w/a.ts"], "a file with no valid finding is not kept");
        assert.deepEqual(back.files.get("file:///w/a.ts"), [finding()]);
        assert.equal(back.skipped, 5);
        assert.deepEqual(fromSaved({version: 2, files: []}), {files: new Map(), skipped: 1}, "another version is not read");
        assert.deepEqual(fromSaved("garbage"), {files: new Map(), skipped: 1});
        assert.deepEqual(fromSaved(undefined), {files: new Map(), skipped: 0}, "nothing saved yet is not damage");
    });

    it("are a file written whole: saves in order, no temporary file left, the last save wins", async () => {
        const file = join(dir, "storage", "review-findings.json");
        const store = new SavedFindingsFile(file);
        assert.deepEqual(await store.load(), {value: undefined}, "no file yet: nothing saved");
        const first = toSaved(new Map([["file:///w/a.ts", [finding()]]]));
        const second = toSaved(new Map([["file:///w/b.ts", [finding({file: "b.ts"})]]]));
        await Promise.all([store.save(first), store.save(second)]);
        assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), second);
        assert.deepEqual(readdirSync(join(dir, "storage")), ["review-findings.json"]);
        assert.deepEqual(await store.load(), {value: second});
    });

    it("say why a file cannot be read, and go on saving after a failed write", async () => {
        const file = join(dir, "review-findings.json");
        writeFileSync(file, "{not json");
        const store = new SavedFindingsFile(file);
        const loaded = await store.load();
        assert.ok("error" in loaded && loaded.error.includes("is not JSON"), JSON.stringify(loaded));

        const blocked = new SavedFindingsFile(join(dir, "blocked", "review-findings.json"));
        writeFileSync(join(dir, "blocked"), "a file where the folder should be");
        await assert.rejects(blocked.save(toSaved(new Map())));
        rmSync(join(dir, "blocked"));
        await blocked.save(toSaved(new Map([["file:///w/a.ts", [finding()]]])));
        const back = await blocked.load();
        assert.ok("value" in back);
        assert.equal(fromSaved(back.value).files.size, 1, "the next save after the failure is written");
    });

    it("keep nothing without a storage folder (no folder open)", async () => {
        const store = new SavedFindingsFile(undefined);
        await store.save(toSaved(new Map([["file:///w/a.ts", [finding()]]])));
        assert.deepEqual(await store.load(), {value: undefined});
    });
});
