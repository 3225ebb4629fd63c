import * as vscode from "vscode";
import {readCommitInput} from "../../commit/commitInput";
import {writeCommitMessage} from "../../commit/commitWriter";
import type {EngineClient} from "../../engine/client";
import {isEngineError} from "../../engine/errors";
import {Disposable} from "../../engine/lifecycle";
import {isGitError} from "../../git/gitCommand";
import type {TraceBook} from "../../webview/traceBook";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";
import {readChatSettings} from "../settings";
import {withNotificationProgress} from "../notificationProgress";
import {TraceTurn} from "../traceTurn";
import {clickedRoot, gitApi, type GitApi, type GitRepository} from "./gitExtension";

/** Why the message stopped before the model finished: the user cancelled, or typed in the box. */
class UserTookOver extends Error {}

/**
 * "Write Commit Message with Enclave": the sparkle button in a git repository's Source Control
 * title. The message streams into that repository's input box under a cancellable progress
 * notification, with the reasoning in the trace panel; text the user typed is replaced only after
 * they agree, and typing in the box while the message streams stops it and keeps what they typed.
 */
export class CommitMessageFeature extends Disposable {
    private readonly running = new Set<string>();

    private readonly engine: EngineClient;
    private readonly trace: TraceBook;
    private readonly log: Log;
    private readonly errors: ErrorReporter;

    constructor(services: {engine: EngineClient; trace: TraceBook; log: Log; errors: ErrorReporter}) {
        super();
        ({engine: this.engine, trace: this.trace, log: this.log, errors: this.errors} = services);
        // Resolves with the message written (undefined: cancelled, declined, nothing to commit or failed).
        this.register(vscode.commands.registerCommand("enclave.writeCommitMessage", (argument?: unknown) => this.write(argument)));
    }

    /** Asks before replacing text in the box (tests replace this to answer it). */
    confirmReplace = async (existing: string): Promise<boolean> => {
        const replace = "Replace";
        const shown = existing.length > 60 ? `${existing.slice(0, 60)}…` : existing;
        const choice = await vscode.window.showWarningMessage(`The commit message box already says "${shown.split("\n")[0]}". Replace it with Enclave's message?`, {modal: true}, replace);
        return choice === replace;
    };

    private async write(argument: unknown): Promise<string | undefined> {
        const api = await gitApi();
        if (!api) {
            void vscode.window.showInformationMessage("Enclave writes commit messages into the Source Control input box, which needs VS Code's Git extension (the setting git.enabled).");
            return undefined;
        }
        const repository = await this.repositoryFor(api, argument);
        if (!repository) return undefined;
        const key = repository.rootUri.toString();
        if (this.running.has(key)) {
            void vscode.window.showInformationMessage("Enclave is already writing this repository's commit message.");
            return undefined;
        }
        const original = repository.inputBox.value;
        if (original.trim() !== "" && !(await this.confirmReplace(original))) return undefined;
        this.running.add(key);
        try {
            return await this.stream(repository, api, original);
        } finally {
            this.running.delete(key);
        }
    }

    private async repositoryFor(api: GitApi, argument: unknown): Promise<GitRepository | undefined> {
        const root = clickedRoot(argument);
        if (root) {
            const repository = api.getRepository(root);
            if (!repository) void vscode.window.showInformationMessage(`Enclave: ${root.fsPath} is not a git repository VS Code has open.`);
            return repository ?? undefined;
        }
        const active = vscode.window.activeTextEditor?.document.uri;
        const ofEditor = active ? api.getRepository(active) : null;
        if (ofEditor) return ofEditor;
        if (api.repositories.length <= 1) {
            if (api.repositories.length === 0) void vscode.window.showInformationMessage("Enclave: open a folder under git to write a commit message for it.");
            return api.repositories[0];
        }
        const picked = await vscode.window.showQuickPick(
            api.repositories.map((repository) => ({label: vscode.workspace.asRelativePath(repository.rootUri, true) || repository.rootUri.fsPath, repository})),
            {placeHolder: "Write the commit message of which repository?"}
        );
        return picked?.repository;
    }

    private async stream(repository: GitRepository, api: GitApi, original: string): Promise<string | undefined> {
        const root = repository.rootUri.fsPath;
        const name = root.split(/[\\/]/).pop() ?? root;
        // What is said when it ends is said once the progress has closed, never beside it.
        let after: (() => void) | undefined;
        const result = await withNotificationProgress(`Enclave: writing the commit message for ${name}`, async (progress, token) => {
            const controller = new AbortController();
            const cancel = token.onCancellationRequested(() => controller.abort(new UserTookOver("cancelled")));
            let trace: TraceTurn | undefined;
            // Every value Enclave put in the box: the workbench echoes each one back a moment later, so
            // the box may briefly show an earlier one; only a value not among them was typed.
            const written = new Set([original]);
            const ours = () => written.has(repository.inputBox.value);
            const show = (message: string) => {
                // The user typed in the box meanwhile: their text wins.
                if (!ours()) return controller.abort(new UserTookOver("typed"));
                written.add(message);
                repository.inputBox.value = message;
            };
            try {
                const git = {gitPath: api.git.path, signal: controller.signal};
                progress.report({message: "reading the changes…"});
                const input = await readCommitInput(root, git);
                if (!input) {
                    after = () => void vscode.window.showInformationMessage(`Enclave: there are no changes to describe in ${name}.`);
                    return undefined;
                }
                progress.report({message: "loading the model…"});
                const info = await this.engine.ensureModel(controller.signal);
                const chat = readChatSettings();
                progress.report({message: input.scope === "staged" ? "describing the staged changes…" : "nothing is staged: describing all changes…"});
                trace = new TraceTurn(this.trace, "commit", name);
                const thinking = trace;
                const result = await writeCommitMessage(
                    input,
                    this.engine,
                    {contextSize: info.contextSize, thoughtBudget: chat.thoughtBudget, maxTokens: chat.maxTokens, temperature: chat.temperature},
                    {signal: controller.signal, onThought: (text, tokens) => thinking.thought(text, tokens), onMessage: show}
                );
                if (controller.signal.aborted) throw controller.signal.reason;
                if (result.message === "") {
                    if (ours()) repository.inputBox.value = original;
                    after = () => void vscode.window.showWarningMessage("Enclave: the model gave no commit message; try again, or with a larger thinking budget.");
                    return undefined;
                }
                show(result.message);
                if (controller.signal.aborted) throw controller.signal.reason;
                if (result.summarised > 0) this.log.write("info", `Commit message for ${name}: ${result.summarised} file(s) summarised to fit the context.`);
                return result.message;
            } catch (error) {
                const reason: unknown = controller.signal.reason;
                if (reason instanceof UserTookOver || isEngineError(error, "Aborted") || isGitError(error, "aborted")) {
                    // Cancelled: the box gets back what it had; typed over: it keeps what the user typed.
                    if (!(reason instanceof UserTookOver && reason.message === "typed") && ours()) repository.inputBox.value = original;
                    this.log.write("info", `Commit message for ${name} ${reason instanceof UserTookOver && reason.message === "typed" ? "stopped: the message box was edited" : "cancelled"}.`);
                    return undefined;
                }
                if (ours()) repository.inputBox.value = original;
                after = isGitError(error)
                    ? () => void vscode.window.showErrorMessage(`Enclave: ${error.message}`)
                    : () => this.errors.report(error, `Commit message for ${name}`);
                return undefined;
            } finally {
                trace?.end();
                cancel.dispose();
            }
        });
        after?.();
        return result;
    }
}
