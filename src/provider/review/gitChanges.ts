import {execFile} from "node:child_process";
import * as vscode from "vscode";

export type UncommittedDiff = {ok: true; diff: string; root: vscode.Uri} | {ok: false; message: string};

/** The parts of VS Code's Git extension API (vscode.git, API version 1) that a review needs. */
interface GitApi {
    getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitRepository {
    rootUri: vscode.Uri;
    state: {workingTreeChanges: readonly {uri: vscode.Uri}[]; indexChanges: readonly {uri: vscode.Uri}[]};
    diffWithHEAD(path: string): Promise<string>;
}
interface GitExtension {
    getAPI(version: 1): GitApi;
}

/**
 * Staged and unstaged changes against HEAD, as one unified diff. Through VS Code's Git extension
 * when it is enabled (it knows the repository the user sees); otherwise through the git command.
 */
export async function uncommittedDiff(folder: vscode.Uri): Promise<UncommittedDiff> {
    const repository = await gitRepository(folder);
    if (repository) {
        const paths = new Set([...repository.state.indexChanges, ...repository.state.workingTreeChanges].map((change) => change.uri.fsPath));
        const diffs = await Promise.all([...paths].map((path) => repository.diffWithHEAD(path)));
        const diff = diffs.join("\n");
        return diff.trim() === "" ? {ok: false, message: "there are no uncommitted changes to review."} : {ok: true, diff, root: repository.rootUri};
    }
    return gitCommand(folder);
}

async function gitRepository(folder: vscode.Uri): Promise<GitRepository | undefined> {
    const extension = vscode.extensions.getExtension<GitExtension>("vscode.git");
    if (!extension) return undefined;
    try {
        const git = extension.isActive ? extension.exports : await extension.activate();
        return git.getAPI(1).getRepository(folder) ?? undefined;
    } catch {
        // The Git extension is disabled ("git.enabled": false) or failed: the command still works.
        return undefined;
    }
}

function gitCommand(folder: vscode.Uri): Promise<UncommittedDiff> {
    const run = (args: string[]) =>
        new Promise<{code: number; stdout: string; stderr: string}>((resolve) => {
            execFile("git", args, {cwd: folder.fsPath, maxBuffer: 64 * 1024 * 1024}, (error, stdout, stderr) =>
                resolve({code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr})
            );
        });
    return (async (): Promise<UncommittedDiff> => {
        const top = await run(["rev-parse", "--show-toplevel"]);
        if (top.code !== 0) return {ok: false, message: "this folder is not in a git repository (or git is not installed)."};
        const root = vscode.Uri.file(top.stdout.trim());
        const hasHead = (await run(["rev-parse", "--verify", "--quiet", "HEAD"])).code === 0;
        // Before the first commit, everything staged is new: compare with the empty tree.
        const base = hasHead ? "HEAD" : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
        const diff = await run(["-C", root.fsPath, "diff", "--no-color", "--no-ext-diff", "-M", "--unified=3", base]);
        if (diff.code !== 0) return {ok: false, message: `git diff failed: ${diff.stderr.trim()}`};
        return diff.stdout.trim() === "" ? {ok: false, message: "there are no uncommitted changes to review."} : {ok: true, diff: diff.stdout, root};
    })();
}
