import * as vscode from "vscode";
import {CompletionSession, defaultWarmAfterMs} from "../../completion/completionSession";
import {ContextRing} from "../../completion/contextRing";
import type {CompletionModelCaps} from "../../completion/types";
import type {EngineClient} from "../../engine/client";
import {Disposable} from "../../engine/lifecycle";
import type {Log} from "../log";
import {affectsSettings, writeSetting} from "../settings";
import {CompletionStatusBar} from "../status/completionStatusBar";
import {enabledFor, readCompletionSettings, type CompletionSettings} from "./completionSettings";
import {ContextFeeder} from "./contextFeeder";
import {InlineCompletionProvider} from "./inlineCompletionProvider";
import {snapshotOf} from "./snapshot";

/** A completion request that gets no sign of life for this long fails (chat allows far longer). */
const completionRequestTimeoutMs = 30_000;

/**
 * Inline completions: the completion core (one CompletionSession, a ContextRing) behind a VS Code
 * InlineCompletionItemProvider for every language, with a toggle, an on-demand trigger and a
 * status bar item. The model behind it is the completion model when one is set, else the chat model.
 */
export class CompletionFeature extends Disposable {
    readonly session: CompletionSession;
    readonly statusBar: CompletionStatusBar;
    private settings: CompletionSettings = readCompletionSettings();
    /** The session has the loaded model's capabilities (a suggestion was asked for since it loaded). */
    private capsKnown = false;

    constructor(engine: EngineClient, log: Log) {
        super();
        const ring = new ContextRing();
        this.session = this.register(
            new CompletionSession({
                backend: {complete: (params, signal) => engine.complete(params, {signal, timeoutMs: completionRequestTimeoutMs})},
                // Until the model is loaded, R1 with a small context; replaced by what the worker reports on first use.
                caps: {format: "r1", thinks: true, contextSize: 4096},
                ring,
                options: {
                    maxTokens: this.settings.maxTokens,
                    timeCapMs: this.settings.timeCapMs,
                    warmAfterMs: defaultWarmAfterMs,
                    // Never loads a model or runs for a language whose completions are off.
                    mayWarm: (doc) => this.capsKnown && enabledFor(this.settings, doc.languageId) && engine.isModelLoaded(engine.completionRole)
                }
            })
        );
        this.statusBar = this.register(new CompletionStatusBar());
        this.statusBar.showEnabled(this.settings.enabled);
        this.register(this.session.onDidChangeStatus((status) => this.statusBar.showStatus(status)));
        this.register(new ContextFeeder(ring));

        const caps = async (signal: AbortSignal): Promise<CompletionModelCaps> => {
            const info = await engine.ensureModel(signal, engine.completionRole);
            this.capsKnown = true;
            return {format: info.completionFormat, thinks: info.thinks, contextSize: info.contextSize};
        };
        const provider = new InlineCompletionProvider(this.session, caps, () => this.settings, log, (message) =>
            this.statusBar.showStatus({busy: false, error: message})
        );
        this.register(vscode.languages.registerInlineCompletionItemProvider({pattern: "**"}, provider));

        // Edits and cursor moves make older requests stale at once, before VS Code asks again.
        const changed = (document: vscode.TextDocument, position: vscode.Position | undefined) => {
            if (position) this.session.documentChanged(snapshotOf(document, position));
        };
        this.register(
            vscode.workspace.onDidChangeTextDocument((event) => {
                const editor = vscode.window.activeTextEditor;
                if (editor?.document === event.document) changed(event.document, editor.selection.active);
            })
        );
        this.register(vscode.window.onDidChangeTextEditorSelection((event) => changed(event.textEditor.document, event.selections[0]?.active)));

        this.register(vscode.commands.registerCommand("enclave.toggleCompletions", () => this.toggle()));
        this.register(
            vscode.commands.registerCommand("enclave.triggerCompletion", () => vscode.commands.executeCommand("editor.action.inlineSuggest.trigger"))
        );
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (!affectsSettings(event, ["completion"])) return;
                this.settings = readCompletionSettings();
                this.session.setLimits({maxTokens: this.settings.maxTokens, timeCapMs: this.settings.timeCapMs});
                this.statusBar.showEnabled(this.settings.enabled);
            })
        );
    }

    /**
     * Turns completions on or off where `enclave.completion.enabled` is in effect (a workspace value
     * would otherwise hide the change) and says so in the status bar; returns that sentence.
     */
    private async toggle(): Promise<string> {
        const enabled = !this.settings.enabled;
        const where = await writeSetting("completion.enabled", enabled);
        const message = enabled
            ? vscode.l10n.t("Enclave completions turned on (in your {0}).", where)
            : vscode.l10n.t("Enclave completions turned off (in your {0}).", where);
        vscode.window.setStatusBarMessage(message, 5_000);
        return message;
    }
}
