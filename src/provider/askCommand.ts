import * as vscode from "vscode";
import type {EngineClient} from "../engine/client";
import {Disposable} from "../engine/lifecycle";
import type {ChatResult} from "../engine/protocol";
import type {ErrorReporter} from "./errorReporter";
import type {Log} from "./log";
import {withNotificationProgress} from "./notificationProgress";
import {readChatSettings} from "./settings";

/**
 * "Enclave: Ask the Model…": one question, answered through the engine with live progress and a
 * Cancel button that stops the model. Called with a string argument it asks without any UI and
 * returns the result (used by tests and other commands).
 */
export class AskCommand extends Disposable {
    constructor(
        private readonly engine: EngineClient,
        private readonly log: Log,
        private readonly errors: ErrorReporter
    ) {
        super();
        this.register(vscode.commands.registerCommand("enclave.ask", (question?: unknown) => this.run(question)));
    }

    private async run(question: unknown): Promise<ChatResult | undefined> {
        if (typeof question === "string") return this.ask(question);
        const typed = await vscode.window.showInputBox({prompt: "Ask the local model", placeHolder: "What does a mutex protect against?", ignoreFocusOut: true});
        if (!typed?.trim()) return undefined;
        try {
            // The failure is reported once the progress has closed (withNotificationProgress), not beside it.
            const result = await withNotificationProgress("Enclave", (progress, token) => this.ask(typed, token, (phase) => progress.report({message: phase})));
            this.log.show();
            return result;
        } catch (error) {
            this.errors.report(error, "Ask");
            return undefined;
        }
    }

    private async ask(question: string, token?: vscode.CancellationToken, onPhase?: (phase: string) => void): Promise<ChatResult> {
        const controller = new AbortController();
        const cancel = token?.onCancellationRequested(() => controller.abort());
        try {
            onPhase?.("loading the model…");
            await this.engine.ensureModel(controller.signal);
            onPhase?.("thinking…");
            const settings = readChatSettings();
            let answering = false;
            const result = await this.engine.chat(
                {messages: [{role: "user", content: question}], temperature: settings.temperature, maxTokens: settings.maxTokens, thoughtBudget: settings.thoughtBudget},
                {
                    signal: controller.signal,
                    onEvent: (event) => {
                        if (event.kind === "answer" && !answering) {
                            answering = true;
                            onPhase?.("answering…");
                        }
                    }
                }
            );
            this.log.write("info", `Q: ${question}\nThought (${result.thoughtTokens} tokens): ${result.thought}\nA: ${result.answer}`);
            return result;
        } finally {
            cancel?.dispose();
        }
    }
}
