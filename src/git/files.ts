/** Files as git sees them: what it tracks under a folder, and what the index holds for a file. */
import {isGitError, runGit, type GitOptions} from "./gitCommand";

/** Files under `dir` that git tracks or would track (not ignored), as paths relative to `cwd`. */
export async function filesUnder(cwd: string, dir: string, options: GitOptions = {}): Promise<string[]> {
    const listed = await runGit(cwd, ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", dir], options);
    return [...new Set(listed.stdout.split("\0").filter((name) => name !== ""))].sort();
}

/** A file's staged content (what a commit would record), or undefined when it is not in the index. */
export async function readStaged(root: string, file: string, options: GitOptions = {}): Promise<string | undefined> {
    try {
        return (await runGit(root, ["show", `:${file}`], options)).stdout;
    } catch (error) {
        if (isGitError(error, "failed")) return undefined;
        throw error;
    }
}
