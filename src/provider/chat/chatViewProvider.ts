import * as vscode from "vscode";
import type {ChatController} from "../../chat/chatController";
import {codeBlockAt} from "../../edit/fragmentSource";
import {parseChatToHost, type ChatToHost, type ChatToHostOf, type HostToChat} from "../../webview/protocol";
import type {Log} from "../log";
import {collectAttachments} from "./attachments";
import {insertAtCursor, type CodeProposals, type ProposalOutcome} from "./codeProposals";
import type {EditorTracker} from "./editorTracker";
import {findProposalTarget} from "./proposalTarget";
import {WebviewViewHost} from "./webviewViewHost";
import {copyToClipboard} from "../clipboard";
import type {ChatPresenter} from "../../webview/chatPresenter";

/** The chat panel: renders the conversation (webview) and turns its messages into actions. */
export class ChatViewProvider extends WebviewViewHost<HostToChat> {
    static readonly viewId = "enclave.chat";

    constructor(
        extensionUri: vscode.Uri,
        private readonly controller: () => ChatController,
        private readonly presenter: ChatPresenter,
        private readonly editors: EditorTracker,
        private readonly proposals: CodeProposals,
        private readonly log: Log
    ) {
        super(ChatViewProvider.viewId, extensionUri, "chat", "Enclave Chat");
    }

    protected onReady(): void {
        this.presenter.chatViewReady();
    }

    protected onMessage(raw: unknown): void {
        const parsed = parseChatToHost(raw);
        if (!parsed.ok) {
            // The page renders model output: anything it sends is checked, and junk is only logged.
            this.log.write("warn", `Ignored an invalid message from the chat view: ${parsed.error}`);
            return;
        }
        void this.handle(parsed.value).catch((error: unknown) => this.log.write("error", `Chat view action failed: ${String(error)}`));
    }

    private async handle(message: ChatToHost): Promise<void> {
        const controller = this.controller();
        switch (message.type) {
            case "ready":
                break;
            case "send":
                await controller.send(message.text, collectAttachments(message.attach, this.editors.last), {workspace: message.attach.includes("workspace")});
                break;
            case "stop":
                controller.stop();
                break;
            case "regenerate":
                await controller.regenerate();
                break;
            case "newChat":
                await controller.newChat();
                break;
            case "openChat":
                await controller.openChat(message.chatId);
                break;
            case "deleteChat":
                await controller.deleteChat(message.chatId);
                break;
            case "copyCode":
                this.post({type: "copied", requestId: message.requestId, ok: await copyToClipboard(message.code, "code", this.log)});
                break;
            case "insertCode":
                await this.insertCode(message.code);
                break;
            case "applyCode":
                await this.applyCode(message);
                break;
            case "openSource":
                await this.openSource(message.turnId, message.index, message.lines);
                break;
            case "dropSource":
                if (!(await controller.dropSource(message.turnId, message.index))) this.log.write("warn", "Ignored a dropSource for a chunk that is not in the last turn.");
                break;
            case "openLink":
                // Validated as http(s) by the protocol; opened only after the user's click.
                await vscode.env.openExternal(vscode.Uri.parse(message.href, true));
                break;
        }
    }

    private async insertCode(code: string, editor = this.editors.last): Promise<boolean> {
        if (!editor) {
            void vscode.window.showInformationMessage("Enclave: open a file to insert the code into.");
            return false;
        }
        return insertAtCursor(editor, code);
    }

    /**
     * Apply to File: the target is the file the answer is about (see findProposalTarget); when the
     * code has no place there, the message says why and offers Insert at Cursor instead.
     */
    async applyCode(message: ChatToHostOf<"applyCode">): Promise<ProposalOutcome | undefined> {
        const turn = this.controller().currentChat?.turns.find((candidate) => candidate.id === message.turnId);
        const block = turn ? codeBlockAt(turn.answer, message.block) : undefined;
        const target = await findProposalTarget({
            code: message.code,
            // The fence is trusted to name the file only when it holds the code the user clicked.
            ...(block && block.code === message.code ? {block} : {}),
            attachments: turn?.attachments ?? [],
            ...(this.editors.last ? {lastEditor: this.editors.last} : {})
        });
        if ("problem" in target) {
            void vscode.window.showInformationMessage(`Enclave: ${target.problem}`);
            return undefined;
        }
        if ("cancelled" in target) return undefined;
        const outcome = await this.proposals.propose(target, message.code);
        if (!outcome.shown) {
            const name = vscode.workspace.asRelativePath(target.uri);
            void vscode.window.showInformationMessage(`Enclave found no place for this code in ${name}: ${outcome.reason}.`, "Insert at Cursor").then(async (choice) => {
                if (choice === "Insert at Cursor") await this.insertCode(message.code, this.editorOf(target.uri) ?? this.editors.last);
            });
        }
        return outcome;
    }

    /** A visible editor of the file, so that Insert at Cursor goes into the file the message named. */
    private editorOf(uri: vscode.Uri): vscode.TextEditor | undefined {
        const last = this.editors.last;
        if (last?.document.uri.toString() === uri.toString()) return last;
        return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === uri.toString());
    }

    /**
     * Opens a turn's workspace chunk at its lines, or at the lines the answer cited. The file is the
     * one the turn's own attachment names (the page only says which attachment); lines past the end
     * of the file are clamped by the document. Returns the editor, or undefined when there is no
     * such file (said to the user when it was there but cannot be opened now).
     */
    async openSource(turnId: string, index: number, lines?: {start: number; end: number}): Promise<vscode.TextEditor | undefined> {
        const source = this.controller().source(turnId, index);
        if (!source) {
            this.log.write("warn", `Ignored an openSource for attachment ${index} of a turn that has no such file.`);
            return undefined;
        }
        let document: vscode.TextDocument;
        try {
            document = await vscode.workspace.openTextDocument(vscode.Uri.parse(source.uri, true));
        } catch (error) {
            const name = source.uri.split("/").at(-1) ?? source.uri;
            void vscode.window.showWarningMessage(`Enclave: ${name} could not be opened (${error instanceof Error ? error.message : String(error)}). It may have been moved or deleted since the answer.`);
            return undefined;
        }
        const start = (lines?.start ?? source.startLine) - 1;
        const end = (lines?.end ?? source.endLine) - 1;
        const selection = document.validateRange(new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER));
        return vscode.window.showTextDocument(document, {selection, preview: true});
    }
}
