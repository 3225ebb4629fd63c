/**
 * The little of VS Code's built-in Git extension (vscode.git, API version 1) Enclave uses: which
 * repositories the user has open, their commit input boxes, and the git it runs. The diffs
 * themselves come from src/git, so the CLI and VS Code read the same changes.
 */
import * as vscode from "vscode";

export interface GitRepository {
    readonly rootUri: vscode.Uri;
    readonly inputBox: {value: string};
}

export interface GitApi {
    readonly git: {readonly path: string};
    readonly repositories: readonly GitRepository[];
    getRepository(uri: vscode.Uri): GitRepository | null;
    openRepository(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtension {
    readonly enabled: boolean;
    getAPI(version: 1): GitApi;
}

/** The Git extension's API, or undefined when it is missing or disabled ("git.enabled": false). */
export async function gitApi(): Promise<GitApi | undefined> {
    const extension = vscode.extensions.getExtension<GitExtension>("vscode.git");
    if (!extension) return undefined;
    try {
        const exports = extension.isActive ? extension.exports : await extension.activate();
        return exports.enabled ? exports.getAPI(1) : undefined;
    } catch {
        return undefined;
    }
}

/** What an `scm/title` button passes: the clicked repository's SourceControl (or, from code, a Uri). */
export function clickedRoot(argument: unknown): vscode.Uri | undefined {
    if (argument instanceof vscode.Uri) return argument;
    if (typeof argument === "object" && argument !== null && "rootUri" in argument && argument.rootUri instanceof vscode.Uri) return argument.rootUri;
    return undefined;
}
