/** Which repository a folder is in, and what its refs are. */
import {GitError, isGitError, runGit, type GitOptions} from "./gitCommand";

/** git's empty tree: what a repository without commits is compared with. */
export const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** The repository's top folder, or undefined outside a repository. git missing still throws (GitError "missing"). */
export async function repositoryRoot(cwd: string, options: GitOptions = {}): Promise<string | undefined> {
    try {
        const result = await runGit(cwd, ["rev-parse", "--show-toplevel"], options);
        return result.stdout.replace(/\r?\n$/, "");
    } catch (error) {
        if (isGitError(error, "notARepository") || isGitError(error, "failed")) return undefined;
        throw error;
    }
}

export async function requireRepositoryRoot(cwd: string, options: GitOptions = {}): Promise<string> {
    const root = await repositoryRoot(cwd, options);
    if (root == null) throw new GitError("notARepository", `${cwd} is not in a git repository.`);
    return root;
}

/** Whether `ref` names a commit here (false outside a repository). */
export async function isCommit(cwd: string, ref: string, options: GitOptions = {}): Promise<boolean> {
    try {
        const result = await runGit(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], {...options, okCodes: [0, 1, 128]});
        return result.code === 0;
    } catch (error) {
        if (isGitError(error, "notARepository") || isGitError(error, "failed")) return false;
        throw error;
    }
}

/** HEAD, or the empty tree before the first commit. */
export async function headOrEmptyTree(cwd: string, options: GitOptions = {}): Promise<string> {
    return (await isCommit(cwd, "HEAD", options)) ? "HEAD" : emptyTree;
}
