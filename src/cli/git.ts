/**
 * The little of git that enclave-review needs, through the git command (no library: the user's own
 * git, config and hooks apply). Paths in diffs are relative to the repository root; quotePath is
 * off so non-ASCII names come through as they are.
 */
import {spawnSync} from "node:child_process";
import {CliError, ExitCode} from "./exitCodes";

/** git's empty tree: what a repository without commits is compared with. */
const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

interface GitOutput {
    status: number | null;
    stdout: string;
    stderr: string;
}

function git(cwd: string, args: readonly string[]): GitOutput {
    const result = spawnSync("git", ["-c", "core.quotePath=false", ...args], {cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024});
    if (result.error) {
        const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
        throw new CliError(ExitCode.NotAGitRepository, missing ? "git is not installed (or not on PATH); --diff and --staged need it." : `git could not run: ${result.error.message}`);
    }
    return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

/** The repository's top folder, or undefined outside a repository (or without git). */
export function repositoryRoot(cwd: string): string | undefined {
    try {
        const result = git(cwd, ["rev-parse", "--show-toplevel"]);
        return result.status === 0 ? result.stdout.trim() : undefined;
    } catch {
        return undefined;
    }
}

export function requireRepositoryRoot(cwd: string): string {
    const root = repositoryRoot(cwd);
    if (root == null) throw new CliError(ExitCode.NotAGitRepository, `${cwd} is not in a git repository: --diff and --staged review git changes. Name files to review them whole.`);
    return root;
}

export function isCommit(cwd: string, ref: string): boolean {
    try {
        return git(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]).status === 0;
    } catch {
        return false;
    }
}

/**
 * The diff to review: the working tree against `ref` (default HEAD, or the empty tree before the
 * first commit), or with `staged` the index against HEAD. `paths` (relative to `cwd`) limit it.
 */
export function readDiff(cwd: string, root: string, options: {ref?: string | undefined; staged: boolean; paths: readonly string[]}): string {
    const base = options.staged ? ["--cached"] : [options.ref ?? (isCommit(cwd, "HEAD") ? "HEAD" : emptyTree)];
    if (options.ref != null && !isCommit(cwd, options.ref)) throw new CliError(ExitCode.Usage, `--diff ${options.ref}: not a commit in this repository.`);
    // Run where the user is, so that `paths` mean what they typed; the diff's own paths are root-relative.
    const result = git(cwd, ["diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--unified=3", ...base, "--", ...options.paths]);
    if (result.status !== 0) throw new CliError(ExitCode.NotAGitRepository, `git diff failed: ${result.stderr.trim()}`);
    return options.staged ? result.stdout : result.stdout + untrackedDiff(cwd, root, options.paths);
}

/**
 * New files git does not track yet (and does not ignore) are part of the working tree's change,
 * but `git diff` leaves them out: each comes as an added-file diff, with a root-relative path.
 */
function untrackedDiff(cwd: string, root: string, paths: readonly string[]): string {
    const listed = git(cwd, ["ls-files", "--others", "--exclude-standard", "--full-name", "-z", "--", ...paths]);
    if (listed.status !== 0) throw new CliError(ExitCode.NotAGitRepository, `git ls-files failed: ${listed.stderr.trim()}`);
    let text = "";
    for (const file of listed.stdout.split("\0").filter((name) => name !== "")) {
        // --no-index exits 1 when the files differ, which they always do here.
        const added = git(root, ["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-index", "--unified=3", "--", "/dev/null", file]);
        if (added.status !== 0 && added.status !== 1) throw new CliError(ExitCode.NotAGitRepository, `git diff failed for ${file}: ${added.stderr.trim()}`);
        text += added.stdout;
    }
    return text;
}

/** Files under `dir` that git tracks or would track (not ignored), as paths relative to `cwd`. */
export function filesUnder(cwd: string, dir: string): string[] {
    const listed = git(cwd, ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", dir]);
    if (listed.status !== 0) throw new CliError(ExitCode.NotAGitRepository, `git ls-files failed: ${listed.stderr.trim()}`);
    return [...new Set(listed.stdout.split("\0").filter((name) => name !== ""))].sort();
}

/** A file's staged content (what a commit would record), or undefined when it is not in the index. */
export function readStaged(root: string, file: string): string | undefined {
    const result = git(root, ["show", `:${file}`]);
    return result.status === 0 ? result.stdout : undefined;
}
