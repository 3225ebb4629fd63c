/** What a commit message is written from: the staged changes (else every change) and the log's style. */
import {readChanges, type ChangedFile} from "../git/changes";
import type {GitOptions} from "../git/gitCommand";
import {recentSubjects} from "../git/history";
import {detectStyle, subjectsToRead, type CommitStyle} from "./style";

export interface CommitInput {
    /** "staged" when something is staged (what `git commit` records); else "all" uncommitted changes. */
    scope: "staged" | "all";
    files: ChangedFile[];
    style: CommitStyle;
}

/** Undefined when there is nothing to commit. */
export async function readCommitInput(root: string, options: GitOptions = {}): Promise<CommitInput | undefined> {
    const staged = await readChanges(root, root, {kind: "staged"}, options);
    const scope = staged.length > 0 ? "staged" : "all";
    const files = staged.length > 0 ? staged : await readChanges(root, root, {kind: "workingTree"}, options);
    if (files.length === 0) return undefined;
    const style = detectStyle(await recentSubjects(root, subjectsToRead, options));
    return {scope, files, style};
}
