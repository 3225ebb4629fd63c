import * as vscode from "vscode";
import type {ChatController} from "../../chat/chatController";
import {Disposable} from "../../engine/lifecycle";
import {explainLabel, explainPrompt} from "../../chat/explainRequest";
import {selectionAttachment} from "./attachments";

/**
 * "Explain with Enclave": a command (palette, editor context menu) and a code action on a
 * selection. It opens the chat with the selection attached and streams the explanation; the
 * reasoning shows in the trace panel.
 */
export class ExplainCommand extends Disposable implements vscode.CodeActionProvider {
    static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

    constructor(private readonly controller: () => ChatController) {
        super();
        this.register(vscode.commands.registerCommand("enclave.explainSelection", (editor?: unknown) => this.explain(editor)));
        this.register(
            vscode.languages.registerCodeActionsProvider({scheme: "*"}, this, {providedCodeActionKinds: ExplainCommand.providedCodeActionKinds})
        );
    }

    provideCodeActions(_document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
        if (range.isEmpty) return [];
        const action = new vscode.CodeAction("Explain with Enclave", vscode.CodeActionKind.QuickFix);
        action.command = {command: "enclave.explainSelection", title: "Explain with Enclave"};
        return [action];
    }

    /** Resolves when the explanation is complete (tests wait for it). */
    private async explain(editorArgument: unknown): Promise<void> {
        const editor = isTextEditor(editorArgument) ? editorArgument : vscode.window.activeTextEditor;
        if (!editor || editor.selection.isEmpty) {
            void vscode.window.showInformationMessage("Enclave: select the code to explain first.");
            return;
        }
        const attachment = selectionAttachment(editor);
        // Open the panels first, so the answer streams into a view that is there.
        await vscode.commands.executeCommand("enclave.chat.focus");
        await this.controller().send(explainPrompt, [attachment], {displayText: explainLabel(attachment), newChatUnlessAbout: attachment.fileName});
    }
}

function isTextEditor(value: unknown): value is vscode.TextEditor {
    return typeof value === "object" && value !== null && "document" in value && "selection" in value;
}
