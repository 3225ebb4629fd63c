import * as vscode from "vscode";
import type {Attachment} from "../../chat/types";
import type {AttachmentKind} from "../../webview/protocol";

/** A file bigger than this is cut: a prompt has to fit a laptop model's context. */
const maxFileChars = 60_000;
const maxEditors = 5;

/** The text the user asked to attach, from the editor they were working in. */
export function collectAttachments(kinds: readonly AttachmentKind[], editor: vscode.TextEditor | undefined): Attachment[] {
    const attachments: Attachment[] = [];
    if (kinds.includes("selection") && editor && !editor.selection.isEmpty) attachments.push(selectionAttachment(editor));
    if (kinds.includes("file") && editor) attachments.push(fileAttachment(editor.document, "file"));
    if (kinds.includes("editors")) {
        const others = vscode.window.visibleTextEditors
            .map((visible) => visible.document)
            .filter((document) => document.uri.scheme === "file" || document.uri.scheme === "untitled" || document.uri.scheme === "vscode-remote")
            .filter((document) => !(kinds.includes("file") && document === editor?.document));
        for (const document of [...new Set(others)].slice(0, maxEditors)) attachments.push(fileAttachment(document, "editors"));
    }
    return attachments;
}

export function selectionAttachment(editor: vscode.TextEditor): Attachment {
    return rangeAttachment(editor.document, editor.selection, "selection");
}

/** Lines `range` of `document` (a selection, or a location a chat reference points at). */
export function rangeAttachment(document: vscode.TextDocument, range: vscode.Range, kind: "selection" | "file"): Attachment {
    const startLine = range.start.line + 1;
    const endLine = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
    const name = attachmentName(document);
    return {
        kind,
        label: `${name}:${startLine}-${endLine}`,
        fileName: name,
        languageId: document.languageId,
        startLine,
        endLine,
        content: bound(document.getText(range))
    };
}

export function fileAttachment(document: vscode.TextDocument, kind: "file" | "editors"): Attachment {
    const name = attachmentName(document);
    return {kind, label: name, fileName: name, languageId: document.languageId, content: bound(document.getText())};
}

/** The name a document is attached by (and found again by, see proposalTarget.ts): workspace-relative, or an untitled editor's name. */
export function attachmentName(document: vscode.TextDocument): string {
    return document.isUntitled ? document.fileName : vscode.workspace.asRelativePath(document.uri, false);
}

function bound(text: string): string {
    if (text.includes("\u0000")) return "[binary content left out]";
    return text.length > maxFileChars ? `${text.slice(0, maxFileChars)}\n[… ${text.length - maxFileChars} more characters left out]` : text;
}
