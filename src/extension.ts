/**
 * Composition root: builds the services, registers the providers and hands every disposable to
 * VS Code. No model work happens here: the model process starts on first use.
 */
import * as vscode from "vscode";
import {EngineClient} from "./engine/client";
import {AskCommand} from "./provider/askCommand";
import {ChatFeature} from "./provider/chat/chatFeature";
import {CompletionFeature} from "./provider/completion/completionFeature";
import {InlineEditFeature} from "./provider/edit/inlineEditFeature";
import {ReviewFeature} from "./provider/review/reviewFeature";
import {CommitMessageFeature} from "./provider/scm/commitMessageFeature";
import {ErrorReporter} from "./provider/errorReporter";
import {Log} from "./provider/log";
import {EnclaveParticipant} from "./provider/lm/enclaveParticipant";
import {LmChatProvider} from "./provider/lm/lmChatProvider";
import {ModelCommands} from "./provider/modelCommands";
import {ModelsFeature} from "./provider/models/modelsFeature";
import {ModelSettingsSync, readIdleExitMs, readRequestTimeoutMs} from "./provider/settings";
import {RemoteBackend} from "./provider/remote/remoteBackend";
import {EngineStatusBar} from "./provider/status/engineStatusBar";
import type {StatusView} from "./provider/status/engineStatusView";
import {EmbeddingModelSync} from "./provider/workspace/embeddingModelSync";
import {WorkspaceIndexFeature} from "./provider/workspace/workspaceIndexFeature";

/** What `activate` returns: for other extensions and for our integration tests. */
export interface EnclaveApi {
    readonly engine: EngineClient;
    readonly chat: ChatFeature;
    readonly completion: CompletionFeature;
    readonly review: ReviewFeature;
    readonly edit: InlineEditFeature;
    readonly commitMessages: CommitMessageFeature;
    readonly models: ModelsFeature;
    readonly workspaceIndex: WorkspaceIndexFeature;
    readonly errors: ErrorReporter;
    /** The server the user configured for some roles (enclave.remote.*). */
    readonly remote: RemoteBackend;
    /** `@enclave` in VS Code's Chat view. */
    readonly participant: EnclaveParticipant;
    statusBarText(): string;
    /** The model status item's tooltip and click command. */
    statusBarView(): StatusView | undefined;
}

let engine: EngineClient | undefined;
let workspaceIndex: WorkspaceIndexFeature | undefined;

export function activate(context: vscode.ExtensionContext): EnclaveApi {
    const log = new Log();
    engine = new EngineClient({
        workerPath: vscode.Uri.joinPath(context.extensionUri, "dist", "worker.mjs").fsPath,
        requestTimeoutMs: readRequestTimeoutMs(),
        idleExitMs: readIdleExitMs(),
        clientKind: "window",
        log: (level, message) => log.write(level, message)
    });
    const errors = new ErrorReporter(log);
    const statusBar = new EngineStatusBar(engine);
    const embeddingModel = new EmbeddingModelSync(engine);
    const index = new WorkspaceIndexFeature(context, log, errors, () => embeddingModel.embedder());
    workspaceIndex = index;
    const remote = new RemoteBackend(context, log);
    const chat = new ChatFeature(context, engine, log, errors, index, remote);
    const completion = new CompletionFeature(engine, log);
    const review = new ReviewFeature(engine, chat.traceBook, log, errors, {workspace: context.storageUri, global: context.globalStorageUri});
    const client = engine;
    const edit = new InlineEditFeature(context, {chat: (params, options) => client.chat(params, options)}, chat.traceBook, log, errors);
    const commitMessages = new CommitMessageFeature({engine, trace: chat.traceBook, log, errors});
    const models = new ModelsFeature({
        engine,
        log,
        errors,
        downloadProcessPath: vscode.Uri.joinPath(context.extensionUri, "dist", "download.mjs").fsPath
    });
    const participant = new EnclaveParticipant(engine, log, index);
    context.subscriptions.push(
        new LmChatProvider(engine, log),
        participant,
        remote,
        review,
        edit,
        commitMessages,
        chat,
        embeddingModel,
        index,
        completion,
        log,
        statusBar,
        new ModelSettingsSync(engine),
        models,
        new ModelCommands(engine, log, errors),
        new AskCommand(engine, log, errors)
    );
    log.write("info", "Enclave activated. The model loads on first use.");
    return {engine: client, chat, completion, review, edit, commitMessages, models, workspaceIndex: index, errors, remote, participant, statusBarText: () => statusBar.text, statusBarView: () => statusBar.shown};
}

/**
 * Leaves the shared model process (the other windows keep it; it exits by itself when idle) and
 * saves the workspace index: its changes of the last seconds are written only a few seconds late.
 */
export async function deactivate(): Promise<void> {
    const stopping = [engine?.shutdown() ?? Promise.resolve(), workspaceIndex?.stop() ?? Promise.resolve()];
    engine = undefined;
    workspaceIndex = undefined;
    await Promise.all(stopping);
}
