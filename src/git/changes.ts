/**
 * The changes of a repository, file by file: staged (index against HEAD) or the working tree
 * against a commit, with the files git does not track yet (and does not ignore) as added files —
 * `git diff` leaves those out, but they are part of what the user is about to commit or review.
 * Binary and very large files come without a patch, with the reason, so callers can say so.
 */
import {lstat, readFile} from "node:fs/promises";
import {join} from "node:path";
import {GitError, runGit, type GitOptions} from "./gitCommand";
import {parseRawPatch, type ChangeStatus, type RawRecord} from "./rawDiff";
import {headOrEmptyTree, isCommit} from "./repository";

export type ChangeScope = {kind: "staged"} | {kind: "workingTree"; ref?: string | undefined};

export interface ChangedFile extends RawRecord {
    status: ChangeStatus;
    /** Not tracked by git yet (status "added"). */
    untracked?: true;
    /** Unified diff of this file ("" when skipped). Paths in it are relative to the repository root. */
    patch: string;
    /** Why there is no patch: "binary file", "too large (2.1 MB)", … */
    skipped?: string;
}

export interface ReadChangesOptions extends GitOptions {
    /** Limit to these paths (relative to `cwd`, as a user typed them). */
    paths?: readonly string[] | undefined;
    /** Files git does not track yet; default: yes for the working tree, never for staged changes. */
    includeUntracked?: boolean | undefined;
    /** A file whose patch (or untracked content) is larger than this is skipped with the reason. */
    maxFileBytes?: number | undefined;
}

/** More than this in one file is generated or data: not something to review or summarise line by line. */
export const defaultMaxFileBytes = 1024 * 1024;

/** The diff options every read uses: renames found, 3 lines of context, no drivers that change the text. */
const diffOptions = ["--no-color", "--no-ext-diff", "--no-textconv", "-M", "--unified=3", "--raw", "-z", "-p"];

/**
 * Changes under `cwd`'s repository, whose top folder is `root`. Run in `cwd` so that `paths` mean
 * what the user typed; every path returned is relative to `root`.
 */
export async function readChanges(cwd: string, root: string, scope: ChangeScope, options: ReadChangesOptions = {}): Promise<ChangedFile[]> {
    const paths = options.paths ?? [];
    const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
    const ref = scope.kind === "workingTree" ? scope.ref : undefined;
    if (ref != null && !(await isCommit(cwd, ref, options))) throw new GitError("failed", `${ref} is not a commit in this repository.`);
    const base = ref ?? (await headOrEmptyTree(cwd, options));
    const args = ["diff", ...diffOptions, ...(scope.kind === "staged" ? ["--cached"] : []), base, "--", ...paths];
    const tracked = parseRawPatch((await runGit(cwd, args, options)).stdout).map((file) => withSkipReason(file, maxFileBytes));
    const untracked = (options.includeUntracked ?? scope.kind === "workingTree") ? await untrackedFiles(cwd, root, paths, maxFileBytes, options) : [];
    return [...tracked, ...untracked];
}

function withSkipReason(file: ChangedFile, maxFileBytes: number): ChangedFile {
    if (/^(Binary files |GIT binary patch)/m.test(file.patch)) return {...file, patch: "", skipped: "binary file"};
    if (file.patch.length > maxFileBytes) return {...file, patch: "", skipped: `too large (${formatSize(file.patch.length)} of changes)`};
    return file;
}

async function untrackedFiles(cwd: string, root: string, paths: readonly string[], maxFileBytes: number, options: GitOptions): Promise<ChangedFile[]> {
    const listed = await runGit(cwd, ["ls-files", "--others", "--exclude-standard", "--full-name", "-z", "--", ...paths], options);
    const names = listed.stdout.split("\0").filter((name) => name !== "");
    const files: ChangedFile[] = [];
    for (const name of names) files.push(await untrackedFile(root, name, maxFileBytes));
    return files;
}

/** An untracked file as git would show it once added: a new-file patch of all its lines. */
async function untrackedFile(root: string, name: string, maxFileBytes: number): Promise<ChangedFile> {
    const file = {status: "added" as const, path: name.replace(/\/$/, ""), untracked: true as const};
    // ls-files names a nested repository as a folder with a trailing slash.
    if (name.endsWith("/")) return {...file, patch: "", skipped: "a nested git repository"};
    const absolute = join(root, name);
    let stats;
    try {
        stats = await lstat(absolute);
    } catch {
        return {...file, patch: "", skipped: "deleted while being read"};
    }
    if (stats.isSymbolicLink()) return {...file, patch: "", skipped: "a symbolic link"};
    if (stats.size > maxFileBytes) return {...file, patch: "", skipped: `too large (${formatSize(stats.size)})`};
    const bytes = await readFile(absolute);
    // git's own test: a NUL in the first 8,000 bytes makes a file binary.
    if (bytes.subarray(0, 8000).includes(0)) return {...file, patch: "", skipped: "binary file"};
    return {...file, patch: addedFilePatch(name, bytes.toString("utf8"))};
}

export function addedFilePatch(name: string, text: string): string {
    const header = `diff --git a/${name} b/${name}\nnew file mode 100644\n--- /dev/null\n+++ b/${name}\n`;
    if (text === "") return header;
    const lines = text.split("\n");
    const endsWithNewline = lines.at(-1) === "";
    if (endsWithNewline) lines.pop();
    const body = lines.map((line) => `+${line}\n`).join("");
    return `${header}@@ -0,0 +1${lines.length === 1 ? "" : `,${lines.length}`} @@\n${body}${endsWithNewline ? "" : "\\ No newline at end of file\n"}`;
}

export function formatSize(bytes: number): string {
    return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
