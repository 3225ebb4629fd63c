/**
 * What "Review Uncommitted Changes" reviews: the working tree against HEAD, untracked files
 * included, of every repository open in the window or of one the user picks — read by src/git,
 * the same code as `enclave-review --diff`, so both review the same files for the same tree.
 */
import * as vscode from "vscode";
import {readChanges} from "../../git/changes";
import {repositoryRoot} from "../../git/repository";
import {changedFileDiffs, type FileDiff} from "../../review/hunks";
import {gitApi} from "../scm/gitExtension";

export type UncommittedChanges = {ok: true; diffs: FileDiff[]; files: Map<string, vscode.Uri>; label: string} | {ok: false; message: string};

/** The repositories of the window: VS Code's Git extension's when it is on, else the workspace folders' own. */
async function openRepositories(): Promise<{roots: vscode.Uri[]; gitPath?: string}> {
    const api = await gitApi();
    if (api && api.repositories.length > 0) return {roots: api.repositories.map((repository) => repository.rootUri), gitPath: api.git.path};
    const roots = new Map<string, vscode.Uri>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const root = await repositoryRoot(folder.uri.fsPath, api ? {gitPath: api.git.path} : {}).catch(() => undefined);
        if (root != null) roots.set(root, vscode.Uri.file(root));
    }
    return {roots: [...roots.values()], ...(api ? {gitPath: api.git.path} : {})};
}

/** With several repositories the user picks one or all of them; file names then start with the repository's folder name. */
export async function uncommittedChanges(): Promise<UncommittedChanges | undefined> {
    const {roots, gitPath} = await openRepositories();
    if (roots.length === 0) return {ok: false, message: "open a folder under git to review its changes (or git is not installed)."};
    const chosen = roots.length === 1 ? roots : await pickRepositories(roots);
    if (!chosen) return undefined;
    const prefixed = chosen.length > 1 || roots.length > 1;
    const diffs: FileDiff[] = [];
    const files = new Map<string, vscode.Uri>();
    for (const root of chosen) {
        const name = folderName(root);
        const changes = changedFileDiffs(await readChanges(root.fsPath, root.fsPath, {kind: "workingTree"}, {gitPath}));
        for (const diff of changes) {
            const shown = prefixed ? `${name}/${diff.file}` : diff.file;
            diffs.push({...diff, file: shown});
            files.set(shown, vscode.Uri.joinPath(root, diff.file));
        }
    }
    if (diffs.length === 0) return {ok: false, message: `there are no uncommitted changes to review${chosen.length > 1 ? " in these repositories" : ""}.`};
    return {ok: true, diffs, files, label: chosen.length === 1 && prefixed ? `uncommitted changes in ${folderName(chosen[0]!)}` : "uncommitted changes"};
}

async function pickRepositories(roots: readonly vscode.Uri[]): Promise<vscode.Uri[] | undefined> {
    const all = {label: "All repositories", description: `${roots.length}`, roots: [...roots]};
    const each = roots.map((root) => ({label: folderName(root), description: root.fsPath, roots: [root]}));
    return (await vscode.window.showQuickPick([all, ...each], {placeHolder: "Review the uncommitted changes of which repository?"}))?.roots;
}

function folderName(root: vscode.Uri): string {
    return root.path.split("/").filter(Boolean).pop() ?? root.fsPath;
}
