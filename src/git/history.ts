/** What a repository's history says about how its commit messages are written. */
import {runGit, type GitOptions} from "./gitCommand";
import {isCommit} from "./repository";

/** The subjects of the last `count` commits on HEAD, newest first ([] before the first commit). */
export async function recentSubjects(cwd: string, count: number, options: GitOptions = {}): Promise<string[]> {
    if (!(await isCommit(cwd, "HEAD", options))) return [];
    // %s is the subject; NUL-terminated, so no subject can split a record. Merges say little about style.
    const result = await runGit(cwd, ["log", "--no-merges", `--max-count=${count}`, "--format=%s%x00", "HEAD", "--"], options);
    return result.stdout.split("\0").map((subject) => subject.replace(/^\n/, "")).filter((subject) => subject !== "");
}
