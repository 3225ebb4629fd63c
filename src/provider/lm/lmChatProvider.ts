/**
 * Enclave's chat model in VS Code's language-model API (`vscode.lm`): VS Code's Chat view, its model
 * picker and other extensions reach the local model through it. The model is the configured chat
 * model, answered by the same engine client as the panel; the thought is left out of the text (the
 * finalized API has no thinking part). Message conversion and the model's description are
 * VS Code-free (src/lm/).
 */
import * as vscode from "vscode";
import type {EngineClient} from "../../engine/client";
import {Disposable} from "../../engine/lifecycle";
import {estimatedTokenCount, toEngineMessages, type LmMessage} from "../../lm/lmMessages";
import {describeLmModel, lmVendor, type LmModelDescription} from "../../lm/lmModelInfo";
import type {Log} from "../log";
import {readChatSettings} from "../settings";

export class LmChatProvider extends Disposable implements vscode.LanguageModelChatProvider<LmModelDescription & vscode.LanguageModelChatInformation> {
    private readonly changed = this.register(new vscode.EventEmitter<void>());
    readonly onDidChangeLanguageModelChatInformation = this.changed.event;

    constructor(
        private readonly engine: EngineClient,
        private readonly log: Log
    ) {
        super();
        this.register(vscode.lm.registerLanguageModelChatProvider(lmVendor, this));
        // The name and context size are known for sure once the model has loaded; a model switch changes them.
        this.register(engine.onDidChangeState((state) => state.kind !== "loading" && this.changed.fire()));
        this.register(vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration("enclave.chat") && this.changed.fire()));
    }

    provideLanguageModelChatInformation(): LmModelDescription[] {
        const configured = this.engine.configuredModel;
        if (!configured) return [];
        const state = this.engine.state;
        const loaded = state.kind === "ready" && state.info.modelPath === configured.modelPath ? state.info : undefined;
        return [
            describeLmModel({
                modelPath: configured.modelPath,
                generalName: loaded?.name,
                contextSize: loaded?.contextSize ?? configured.contextSize,
                architecture: loaded?.architecture,
                maxOutputTokens: readChatSettings().maxTokens
            })
        ];
    }

    async provideLanguageModelChatResponse(
        _model: LmModelDescription,
        messages: readonly vscode.LanguageModelChatRequestMessage[],
        _options: vscode.ProvideLanguageModelChatResponseOptions,
        progress: vscode.Progress<vscode.LanguageModelResponsePart>,
        token: vscode.CancellationToken
    ): Promise<void> {
        const converted = toEngineMessages(messages.map(toLmMessage));
        if (converted.leftOutParts > 0) this.log.write("info", `Language-model request: ${converted.leftOutParts} non-text part(s) left out (Enclave's model does not call tools).`);
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
            if (token.isCancellationRequested) return;
            const settings = readChatSettings();
            await this.engine.chat(
                {messages: converted.messages, temperature: settings.temperature, maxTokens: settings.maxTokens, thoughtBudget: settings.thoughtBudget},
                {
                    signal: abort.signal,
                    onEvent: (event) => {
                        if (event.kind === "answer" && event.text !== "") progress.report(new vscode.LanguageModelTextPart(event.text));
                    }
                }
            );
        } finally {
            cancelled.dispose();
        }
    }

    /** The model's own tokenizer when the model is loaded; before that, an estimate (loading a model to count would be wrong). */
    async provideTokenCount(_model: LmModelDescription, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
        const plain = typeof text === "string" ? text : toLmMessage(text).texts.join("");
        if (this.engine.isModelLoaded("chat")) return this.engine.countTokens(plain);
        return estimatedTokenCount(plain);
    }
}

function toLmMessage(message: vscode.LanguageModelChatRequestMessage): LmMessage {
    const texts: string[] = [];
    let otherParts = 0;
    for (const part of message.content) {
        if (part instanceof vscode.LanguageModelTextPart) texts.push(part.value);
        else otherParts++;
    }
    return {role: message.role === vscode.LanguageModelChatMessageRole.Assistant ? "assistant" : "user", texts, otherParts};
}
