/**
 * What a real disk holds that no one meant to index: a 200 MB file, a binary named .ts, symbolic
 * links in a loop and out of the folder, a directory nobody may read, a pipe (100,000 tiny files:
 * test/engine/workspace-index-many-files.test.ts, as writing them takes long). Each ends in bounded time and memory with a report that says what was left out, and never hangs.
 */
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import {chmodSync, symlinkSync, truncateSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {crawlFolder} from "../../../src/workspaceIndex/crawl";
import {FolderIndex} from "../../../src/workspaceIndex/folderIndex";
import {ensureOtherUser, otherUserName as otherUser, runJsonAs, type OsUser} from "../../support/otherUser";
import {repoRoot, rules, sharedGrammars, tempFolder, writeTree} from "./support";

const never = new AbortController().signal;
const isRoot = process.getuid?.() === 0;

async function build(root: string, overrides: Parameters<typeof rules>[0] = {}) {
    const index = await FolderIndex.empty(root, rules(overrides), sharedGrammars());
    return {index, report: await index.reconcile(never, () => undefined)};
}

/** The crawl of `root` as `user`, in a child process (crawlAsUser.ts). */
function crawlAs(user: OsUser, root: string): Promise<{files: string[]; unreadableDirectories: string[]; unreadableCount: number}> {
    return runJsonAs(user, ["--import", "tsx", join(import.meta.dirname, "crawlAsUser.ts"), root], {cwd: repoRoot, env: {HOME: "/tmp"}});
}

describe("workspace index: bad input", function () {
    this.timeout(60_000);
    let folder: ReturnType<typeof tempFolder>;
    beforeEach(() => {
        folder = tempFolder();
        writeTree(folder.path, {"src/real.ts": "export function realCodeHere(): number {\n    return 1;\n}\n"});
    });
    afterEach(() => folder.cleanup());

    it("a 200 MB file is skipped as too large from its size, without reading it (the process grows by little)", async () => {
        const big = join(folder.path, "src/huge.ts");
        writeFileSync(big, "export const start = 1;\n");
        truncateSync(big, 200 * 1024 * 1024);
        const rssBefore = process.memoryUsage().rss;
        const {index, report} = await build(folder.path);
        assert.equal(report.skipped.tooLarge, 1);
        assert.equal(index.has("src/huge.ts"), false);
        assert.equal(await index.update(["src/huge.ts"]), 0, "an update of it is refused the same way");
        const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
        assert.ok(grownMb < 100, `the process grew by ${Math.round(grownMb)} MB`);
        assert.equal((await index.search("realcodehere", 5))[0]?.path, "src/real.ts");
    });

    it("a binary renamed .ts is read once, left out as binary and not read again until it changes", async () => {
        const bytes = Buffer.alloc(64 * 1024);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
        writeFileSync(join(folder.path, "src/model.ts"), bytes);
        const {index, report} = await build(folder.path);
        assert.equal(report.skipped.binary, 1);
        assert.equal(index.has("src/model.ts"), false);
        const again = await index.reconcile(never, () => undefined);
        assert.equal(again.indexed, 0);
        assert.equal(again.skipped.binary, 1, "still reported");
    });

    it("a symbolic link loop (dir → ..) is not entered: the crawl ends, counting the link", async () => {
        symlinkSync("..", join(folder.path, "src/loop"));
        symlinkSync(folder.path, join(folder.path, "self"));
        const report = await crawlFolder(folder.path, rules(), never);
        assert.deepEqual(report.files.map((file) => file.path), ["src/real.ts"]);
        assert.equal(report.skipped.symlink, 2);
    });

    it("a symbolic link out of the folder (a file and a folder) is never followed, by the crawl or by an update", async () => {
        const outside = tempFolder();
        try {
            writeTree(outside.path, {"private.ts": "export const outsidePrivateKey = 1;\n", "more/other.ts": "export const outsideOther = 1;\n"});
            symlinkSync(join(outside.path, "private.ts"), join(folder.path, "src/private.ts"));
            symlinkSync(outside.path, join(folder.path, "outside"));
            const {index, report} = await build(folder.path);
            assert.equal(report.skipped.symlink, 2);
            assert.equal(report.files, 1);
            assert.equal(await index.update(["src/private.ts", "outside/more/other.ts", "outside"]), 0);
            assert.deepEqual(await index.search("outsideprivatekey outsideother", 5), []);
        } finally {
            outside.cleanup();
        }
    });

    it("a named pipe with a code extension is not opened (reading it would wait forever)", async () => {
        execFileSync("mkfifo", [join(folder.path, "src/pipe.ts")]);
        const {index, report} = await build(folder.path);
        assert.equal(report.files, 1);
        assert.equal(await index.update(["src/pipe.ts"]), 0);
    });

    it(`a directory without read permission is reported by name, the rest is crawled${isRoot ? ` (as ${otherUser}: root reads every directory)` : ""}`, async () => {
        // The other user must reach the folder: the test runner's TMPDIR is private to this user, /tmp is open to all.
        const reachable = isRoot ? tempFolder("enclave-unreadable-", "/tmp") : undefined;
        if (reachable) {
            folder.cleanup();
            folder = reachable;
        }
        writeTree(folder.path, {"src/real.ts": "export function realCodeHere(): number {\n    return 1;\n}\n", "locked/inside.ts": "export const lockedAway = 1;\n", "open/visible.ts": "export const visible = 1;\n"});
        // The other user may enter the folder and read all but `locked`.
        chmodSync(folder.path, 0o755);
        for (const directory of ["src", "open"]) chmodSync(join(folder.path, directory), 0o755);
        for (const file of ["src/real.ts", "open/visible.ts"]) chmodSync(join(folder.path, file), 0o644);
        chmodSync(join(folder.path, "locked"), 0o700);
        try {
            if (!isRoot) chmodSync(join(folder.path, "locked"), 0o000);
            const report = isRoot ? await crawlAs(ensureOtherUser(), folder.path) : await crawlFolder(folder.path, rules(), never).then((crawl) => ({...crawl, files: crawl.files.map((file) => file.path)}));
            assert.deepEqual(report.files, ["open/visible.ts", "src/real.ts"]);
            assert.deepEqual(report.unreadableDirectories, ["locked"]);
            assert.equal(report.unreadableCount, 1);
        } finally {
            chmodSync(join(folder.path, "locked"), 0o700);
        }
    });

    it("a folder root that cannot be read gives an empty report that says so, not a throw", async () => {
        const report = await crawlFolder(join(folder.path, "does-not-exist"), rules(), never);
        assert.deepEqual(report.files, []);
        assert.deepEqual(report.unreadableDirectories, ["."]);
    });
});
