import * as vscode from "vscode";
import type {CompletionSession} from "../../completion/completionSession";
import type {CompletionModelCaps} from "../../completion/types";
import type {Log} from "../log";
import {enabledFor, type CompletionSettings} from "./completionSettings";
import {snapshotOf} from "./snapshot";

/**
 * Ghost text from the local model. VS Code's own accept, accept-word and accept-line work on the
 * items because they are plain InlineCompletionItems at the cursor. Failures never pop up while
 * the user types: they go to the log and the status bar's problem state.
 */
export class InlineCompletionProvider implements vscode.InlineCompletionItemProvider {
    private lastErrorLogged: string | undefined;

    constructor(
        private readonly session: CompletionSession,
        /** Loads the completion model if needed; resolves to what it can do. */
        private readonly caps: (signal: AbortSignal) => Promise<CompletionModelCaps>,
        private readonly settings: () => CompletionSettings,
        private readonly log: Log,
        /** A problem outside the model call (no model, a load failure), for the status bar. */
        private readonly onProblem: (message: string) => void
    ) {}

    async provideInlineCompletionItems(
        document: vscode.TextDocument,
        position: vscode.Position,
        context: vscode.InlineCompletionContext,
        token: vscode.CancellationToken
    ): Promise<vscode.InlineCompletionItem[] | undefined> {
        if (!enabledFor(this.settings(), document.languageId)) return undefined;
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        try {
            this.session.setCapsIfChanged(await this.caps(controller.signal));
            const suggestion = await this.session.suggest(snapshotOf(document, position), controller.signal, {
                explicit: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke
            });
            if (!suggestion || token.isCancellationRequested) return undefined;
            this.lastErrorLogged = undefined;
            return [new vscode.InlineCompletionItem(suggestion.text, new vscode.Range(position, position))];
        } catch (error) {
            if (controller.signal.aborted) return undefined;
            const message = error instanceof Error ? error.message : String(error);
            // One log line per distinct problem, not one per keystroke.
            if (message !== this.lastErrorLogged) this.log.write("warn", `Completion failed: ${message}`);
            this.lastErrorLogged = message;
            this.onProblem(message);
            return undefined;
        } finally {
            cancel.dispose();
        }
    }
}
