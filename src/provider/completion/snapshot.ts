import * as vscode from "vscode";
import type {DocumentSnapshot} from "../../completion/types";
import type {WorkspaceRoot} from "../../completion/workspacePath";

/**
 * The document at one moment, in the completion core's terms. The text is read lazily: most
 * snapshots (cursor moves, edits) only need the position, and copying a large file's text on
 * every keystroke would be waste. The workspace root is the document's workspace folder: prompts
 * name files relative to it and call the repository by its name.
 */
export function snapshotOf(document: vscode.TextDocument, position: vscode.Position): DocumentSnapshot {
    let text: string | undefined;
    return {
        uri: document.uri.toString(),
        languageId: document.languageId,
        get text() {
            text ??= document.getText();
            return text;
        },
        offset: document.offsetAt(position),
        version: document.version,
        ...workspaceOf(document.uri)
    };
}

/** The workspace folder holding `uri`; for a file outside every folder, the folder it is in; none for an untitled file. */
function workspaceOf(uri: vscode.Uri): {workspace?: WorkspaceRoot} {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) return {workspace: {name: folder.name, uri: folder.uri.toString()}};
    if (uri.scheme !== "file") return {};
    const parent = vscode.Uri.joinPath(uri, "..");
    return {workspace: {name: parent.path.split("/").filter((segment) => segment !== "").pop() ?? "workspace", uri: parent.toString()}};
}
