/**
 * Runs the user's own git (their config, hooks and credentials apply; no library) for everything
 * Enclave reads from a repository: the CLI, Review Uncommitted Changes and commit messages. Always
 * through execFile (no shell, so no quoting of paths), with a bound on the output, an AbortSignal,
 * and errors that say what is wrong in words a user can act on.
 */
import {execFile} from "node:child_process";

export type GitErrorKind = "missing" | "notARepository" | "tooLarge" | "aborted" | "failed";

export class GitError extends Error {
    override readonly name = "GitError";

    constructor(
        readonly kind: GitErrorKind,
        message: string
    ) {
        super(message);
    }
}

export function isGitError(error: unknown, kind?: GitErrorKind): error is GitError {
    return error instanceof GitError && (kind === undefined || error.kind === kind);
}

export interface GitOptions {
    /** The git executable (VS Code's git.path); default "git" from PATH. */
    gitPath?: string | undefined;
    signal?: AbortSignal | undefined;
    /** Most bytes of output accepted; beyond it git is stopped and the call fails ("tooLarge"). */
    maxBytes?: number | undefined;
}

/** Output larger than this is not something a local model could read anyway. */
export const defaultMaxBytes = 64 * 1024 * 1024;

/**
 * Settings every call gets: names as they are (quotePath off: "ü.txt", not "\303\274.txt"), no
 * textconv or external diff drivers (a review or a prompt needs the text git stores, and a driver
 * may be slow or interactive), no pager or colour.
 */
const fixedConfig = ["-c", "core.quotePath=false", "-c", "color.ui=false", "-c", "core.pager=cat"];

export interface GitResult {
    /** git's exit code; callers decide which are fine (see `okCodes`). */
    code: number;
    stdout: string;
}

/**
 * `git args` in `cwd`. Exit codes outside `okCodes` (default [0]) fail with git's own message.
 * Optional locks are off, so a read never competes with the user's git (or VS Code's) for the index.
 */
export function runGit(cwd: string, args: readonly string[], options: GitOptions & {okCodes?: readonly number[]} = {}): Promise<GitResult> {
    const maxBytes = options.maxBytes ?? defaultMaxBytes;
    const okCodes = options.okCodes ?? [0];
    return new Promise((resolve, reject) => {
        if (options.signal?.aborted) return reject(new GitError("aborted", "Cancelled."));
        execFile(
            options.gitPath ?? "git",
            [...fixedConfig, ...args],
            {
                cwd,
                encoding: "utf8",
                maxBuffer: maxBytes,
                windowsHide: true,
                ...(options.signal ? {signal: options.signal} : {}),
                env: {...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C"}
            },
            (error, stdout, stderr) => {
                if (!error) return resolve({code: 0, stdout});
                const errno = error as NodeJS.ErrnoException & {code?: unknown};
                if (options.signal?.aborted || errno.name === "AbortError") return reject(new GitError("aborted", "Cancelled."));
                if (errno.code === "ENOENT" && typeof errno.path === "string") return reject(new GitError("missing", missingMessage(options.gitPath, cwd)));
                if (errno.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER")
                    return reject(new GitError("tooLarge", `git ${args[0] ?? ""} wrote more than ${Math.round(maxBytes / (1024 * 1024))} MB; that is more than Enclave reads at once.`));
                if (typeof errno.code === "number" && okCodes.includes(errno.code)) return resolve({code: errno.code, stdout});
                const message = stderr.trim() || error.message;
                if (/not a git repository/i.test(message)) return reject(new GitError("notARepository", `${cwd} is not in a git repository.`));
                reject(new GitError("failed", `git ${args[0] ?? ""} failed: ${message}`));
            }
        );
    });
}

function missingMessage(gitPath: string | undefined, cwd: string): string {
    // execFile reports a missing cwd as ENOENT too: tell the two apart.
    return gitPath != null && gitPath !== "git" ? `git was not found at ${gitPath} (or the folder ${cwd} does not exist).` : `git is not installed (or not on PATH), or the folder ${cwd} does not exist.`;
}
