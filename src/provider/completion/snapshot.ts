import type * as vscode from "vscode";
import type {DocumentSnapshot} from "../../completion/types";

/**
 * The document at one moment, in the completion core's terms. The text is read lazily: most
 * snapshots (cursor moves, edits) only need the position, and copying a large file's text on
 * every keystroke would be waste.
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
        version: document.version
    };
}
