import * as vscode from "vscode";
import {ChatController, type ChatEnginePort} from "../../chat/chatController";
import {ChatHistoryStore} from "../../chat/historyStore";
import type {WorkspaceRetriever} from "../../chat/workspaceRetriever";
import type {EngineClient} from "../../engine/client";
import {Disposable} from "../../engine/lifecycle";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";
import {affectsSettings, readChatSettings, readModelPath} from "../settings";
import {chatModelStatus} from "./chatModelStatus";
import {ChatViewProvider} from "./chatViewProvider";
import {CodeProposals} from "./codeProposals";
import {EditorTracker} from "./editorTracker";
import {ExplainCommand} from "./explainCommand";
import {ChatPresenter} from "../../webview/chatPresenter";
import {TraceBook} from "../../webview/traceBook";
import {ChatBackendPort} from "../remote/chatBackendPort";
import type {RemoteBackend} from "../remote/remoteBackend";
import {TraceViewProvider} from "./traceViewProvider";
import {basename} from "node:path";

/**
 * The chat panel, the reasoning-trace panel, "Explain selection" and "Apply to File", around one
 * ChatController. History lives in the extension's global storage, so it survives reloads.
 */
export class ChatFeature extends Disposable {
    readonly controller: ChatController;
    readonly chatView: ChatViewProvider;
    readonly traceView: TraceViewProvider;
    /** The Reasoning panel's sections: the chat's, and those of reviews, edits and commit messages. */
    readonly traceBook = new TraceBook((message) => this.traceView.post(message));
    /** Says the chat core's events to the chat view and the Reasoning panel. */
    readonly presenter: ChatPresenter;
    readonly proposals: CodeProposals;
    /** Where chats are stored (one JSON file each). */
    readonly historyDir: string;
    private readonly initialized: Promise<void>;
    private readonly formatNoted = new Set<string>();

    /** Without `workspace`, a turn that asks for workspace code is answered without it and says so. */
    constructor(context: vscode.ExtensionContext, engine: EngineClient, log: Log, errors: ErrorReporter, workspace?: WorkspaceRetriever, remote?: RemoteBackend) {
        super();
        this.historyDir = vscode.Uri.joinPath(context.globalStorageUri, "chats").fsPath;
        const store = new ChatHistoryStore(this.historyDir);
        this.presenter = new ChatPresenter({
            postToChat: (message) => this.chatView.post(message),
            trace: this.traceBook,
            chats: () => this.controller.allChats,
            current: () => this.controller.currentChat,
            modelStatus: () => remote?.modelSummary("chat") ?? chatModelStatus(readModelPath("chat"), engine.state),
            budgetLabel: () => readChatSettings().budgetLabel
        });
        const local: ChatEnginePort = {
            chat: (params, options) => engine.chat(params, options),
            model: async (signal) => {
                const info = await engine.ensureModel(signal);
                // A file without a chat template: say once per model which format Enclave uses instead.
                if (info.chatFormatNote != null && !this.formatNoted.has(info.modelPath)) {
                    this.formatNoted.add(info.modelPath);
                    void vscode.window.showWarningMessage(`Enclave: ${info.chatFormatNote}`);
                }
                return {name: info.name ?? basename(info.modelPath), contextSize: info.contextSize};
            },
            countTokens: (text) => engine.countTokens(text)
        };
        this.controller = new ChatController({
            engine: remote ? new ChatBackendPort(local, remote) : local,
            store,
            events: this.presenter,
            settings: readChatSettings,
            reportProblem: (message, error) => errors.report(error ?? new Error(message), message),
            ...(workspace ? {workspace} : {})
        });
        this.register({dispose: () => this.controller.dispose()});
        const editors = this.register(new EditorTracker());
        this.proposals = this.register(new CodeProposals());
        const controller = () => this.controller;
        this.chatView = this.register(new ChatViewProvider(context.extensionUri, controller, this.presenter, editors, this.proposals, log));
        this.traceView = this.register(new TraceViewProvider(context.extensionUri, this.traceBook, log));
        this.register(new ExplainCommand(controller));
        // The footer names the configured model and its state from the start, and follows both.
        this.register(engine.onDidChangeState(() => this.presenter.modelChanged()));
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (affectsSettings(event, ["chat.model", "chat.thinkingBudget", "remote"])) this.presenter.modelChanged();
            })
        );
        this.register(vscode.commands.registerCommand("enclave.newChat", () => this.controller.newChat()));
        this.register(vscode.commands.registerCommand("enclave.stopChat", () => this.controller.stop()));
        this.initialized = this.controller.initialize().then(
            () => {
            },
            (error: unknown) => errors.report(error, "Loading the chat history")
        );
    }

    /** Resolves once the history is loaded. */
    whenReady(): Promise<void> {
        return this.initialized;
    }
}
