// The git module (src/git) against real temporary repositories: what Review Uncommitted Changes,
// enclave-review --diff and commit messages all read.
import assert from "node:assert/strict";
import {mkdirSync, mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {readChanges, type ChangedFile} from "../../../src/git/changes";
import {filesUnder, readStaged} from "../../../src/git/files";
import {isGitError, runGit} from "../../../src/git/gitCommand";
import {recentSubjects} from "../../../src/git/history";
import {isCommit, repositoryRoot, requireRepositoryRoot} from "../../../src/git/repository";
import {tempRepo, type TempRepo} from "./tempRepo";

const summary = (files: readonly ChangedFile[]) =>
    files.map((file) => ({path: file.path, status: file.status, ...(file.oldPath != null ? {oldPath: file.oldPath} : {}), ...(file.untracked ? {untracked: true} : {}), ...(file.skipped != null ? {skipped: file.skipped} : {})}));

describe("git module", function () {
    this.timeout(20_000);
    let repo: TempRepo;

    beforeEach(() => {
        repo = tempRepo();
        repo.write("kept.ts", "export const a = 1;\n");
        repo.write("move me.ts", "export function moved() {\n    return 1;\n}\n// more\n// lines\n");
        repo.write("gone.txt", "bye\n");
        repo.git("add", "-A");
        repo.git("commit", "-q", "-m", "feat(core): first");
    });
    afterEach(() => repo.remove());

    it("finds the repository root from a subfolder, and says when a folder is not in one", async () => {
        repo.write("sub dir/x.txt", "x\n");
        assert.equal(await repositoryRoot(join(repo.root, "sub dir")), repo.root);
        const plain = mkdtempSync(join(tmpdir(), "enclave-not-git-"));
        try {
            assert.equal(await repositoryRoot(plain), undefined);
            await assert.rejects(requireRepositoryRoot(plain), (error) => isGitError(error, "notARepository") && error.message.includes(plain));
            assert.equal(await isCommit(plain, "HEAD"), false);
        } finally {
            rmSync(plain, {recursive: true, force: true});
        }
    });

    it("staged changes: modifications, deletions, renames and non-ASCII names with spaces, exact paths", async () => {
        repo.write("kept.ts", "export const a = 2;\n");
        mkdirSync(join(repo.root, "moved dir"));
        repo.git("mv", "move me.ts", "moved dir/ünïcode name.ts");
        repo.git("rm", "-q", "gone.txt");
        repo.write("quoted \"name\".txt", "q\n");
        repo.git("add", "-A");
        repo.write("untracked.ts", "not staged\n");
        const files = await readChanges(repo.root, repo.root, {kind: "staged"});
        assert.deepEqual(summary(files), [
            {path: "gone.txt", status: "deleted"},
            {path: "kept.ts", status: "modified"},
            {path: "moved dir/ünïcode name.ts", status: "renamed", oldPath: "move me.ts"},
            {path: 'quoted "name".txt', status: "added"}
        ]);
        assert.match(files[1]!.patch, /^-export const a = 1;\n\+export const a = 2;\n/m);
    });

    it("the working tree includes untracked files as added ones, skips ignored, binary and huge ones with the reason", async () => {
        repo.write(".gitignore", "*.log\n");
        repo.write("debug.log", "ignored\n");
        repo.write("new fïle.ts", "line 1\nline 2");
        repo.write("empty.txt", "");
        repo.write("image.png", new Uint8Array([0x89, 0x50, 0x00, 0x01]));
        repo.write("huge.txt", "x".repeat(2000));
        repo.write("kept.ts", "export const a = 3;\n");
        const files = await readChanges(repo.root, repo.root, {kind: "workingTree"}, {maxFileBytes: 1000});
        assert.deepEqual(summary(files), [
            {path: "kept.ts", status: "modified"},
            {path: ".gitignore", status: "added", untracked: true},
            {path: "empty.txt", status: "added", untracked: true},
            {path: "huge.txt", status: "added", untracked: true, skipped: "too large (2 KB)"},
            {path: "image.png", status: "added", untracked: true, skipped: "binary file"},
            {path: "new fïle.ts", status: "added", untracked: true}
        ]);
        const added = files.find((file) => file.path === "new fïle.ts");
        assert.equal(added?.patch, "diff --git a/new fïle.ts b/new fïle.ts\nnew file mode 100644\n--- /dev/null\n+++ b/new fïle.ts\n@@ -0,0 +1,2 @@\n+line 1\n+line 2\n\\ No newline at end of file\n");
        // Staged only: untracked files are not part of the next commit.
        assert.deepEqual(await readChanges(repo.root, repo.root, {kind: "staged"}), []);
    });

    it("a tracked binary file comes without a patch, and paths limit the diff (relative to where git runs)", async () => {
        repo.write("bin.dat", new Uint8Array([0, 1, 2]));
        repo.git("add", "bin.dat");
        repo.git("commit", "-q", "-m", "bin");
        repo.write("bin.dat", new Uint8Array([0, 1, 3]));
        repo.write("kept.ts", "changed\n");
        assert.deepEqual(summary(await readChanges(repo.root, repo.root, {kind: "workingTree"})), [
            {path: "bin.dat", status: "modified", skipped: "binary file"},
            {path: "kept.ts", status: "modified"}
        ]);
        assert.deepEqual(summary(await readChanges(repo.root, repo.root, {kind: "workingTree"}, {paths: ["kept.ts"]})), [{path: "kept.ts", status: "modified"}]);
    });

    it("textconv and external diff drivers never run", async () => {
        repo.write(".gitattributes", "*.ts diff=shout\n");
        repo.git("config", "diff.shout.textconv", "tr a-z A-Z <");
        repo.git("config", "diff.external", "false");
        repo.write("kept.ts", "export const a = 4;\n");
        const [kept] = await readChanges(repo.root, repo.root, {kind: "workingTree", ref: "HEAD"}, {includeUntracked: false});
        assert.match(kept?.patch ?? "", /^\+export const a = 4;$/m);
    });

    it("before the first commit, staged files are compared with the empty tree", async () => {
        const fresh = tempRepo();
        try {
            fresh.write("first.ts", "hello\n");
            fresh.git("add", "-A");
            assert.deepEqual(summary(await readChanges(fresh.root, fresh.root, {kind: "staged"})), [{path: "first.ts", status: "added"}]);
            assert.deepEqual(await recentSubjects(fresh.root, 5), []);
        } finally {
            fresh.remove();
        }
    });

    it("reads the log's subjects newest first, the index's content, and the files under a folder", async () => {
        repo.write("kept.ts", "two\n");
        repo.git("commit", "-q", "-am", "fix: second\n\nwith a body");
        assert.deepEqual(await recentSubjects(repo.root, 5), ["fix: second", "feat(core): first"]);
        repo.write("kept.ts", "staged\n");
        repo.git("add", "kept.ts");
        repo.write("kept.ts", "working\n");
        assert.equal(await readStaged(repo.root, "kept.ts"), "staged\n");
        assert.equal(await readStaged(repo.root, "nope.ts"), undefined);
        repo.write("dir/a b.ts", "a\n");
        assert.deepEqual(await filesUnder(repo.root, "dir"), ["dir/a b.ts"]);
    });

    it("says when git is missing, when output is too large, and stops when aborted", async () => {
        await assert.rejects(runGit(repo.root, ["status"], {gitPath: join(repo.root, "no-such-git")}), (error) => isGitError(error, "missing") && /was not found at/.test(error.message));
        repo.write("kept.ts", "y".repeat(5000) + "\n");
        await assert.rejects(readChanges(repo.root, repo.root, {kind: "workingTree"}, {maxBytes: 1000}), (error) => isGitError(error, "tooLarge") && /more than/.test(error.message));
        const controller = new AbortController();
        controller.abort();
        await assert.rejects(readChanges(repo.root, repo.root, {kind: "workingTree"}, {signal: controller.signal}), (error) => isGitError(error, "aborted"));
        await assert.rejects(readChanges(repo.root, repo.root, {kind: "workingTree", ref: "no-such-branch"}), /no-such-branch is not a commit/);
    });
});
