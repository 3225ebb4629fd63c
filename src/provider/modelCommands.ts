import {basename} from "node:path";
import * as vscode from "vscode";
import type {EngineClient} from "../engine/client";
import {Disposable} from "../engine/lifecycle";
import type {ModelInfo} from "../engine/protocol";
import type {ErrorReporter} from "./errorReporter";
import type {Log} from "./log";
import {settingName, useModel, writeSetting} from "./settings";
import {formatBytes} from "../models/units";

/**
 * Commands that manage the model: choose a file, show its info, unload it, restart the engine, show
 * the log, and the two ways past a load refused for memory (load anyway, a smaller context).
 */
export class ModelCommands extends Disposable {
    constructor(
        private readonly engine: EngineClient,
        private readonly log: Log,
        private readonly errors: ErrorReporter
    ) {
        super();
        this.register(vscode.commands.registerCommand("enclave.chooseModelFile", () => this.chooseModelFile()));
        this.register(vscode.commands.registerCommand("enclave.showModelInfo", () => this.showModelInfo()));
        this.register(vscode.commands.registerCommand("enclave.unloadModel", () => this.unload()));
        this.register(vscode.commands.registerCommand("enclave.restartEngine", () => this.restart()));
        this.register(vscode.commands.registerCommand("enclave.showLog", () => this.log.show()));
        // The choices after a load refused for memory (errorReporter.ts); not in the command palette.
        this.register(vscode.commands.registerCommand("enclave.loadModelAnyway", () => this.loadAnyway()));
        this.register(vscode.commands.registerCommand("enclave.useContextSize", (tokens: unknown) => this.useContextSize(tokens)));
        this.register(vscode.commands.registerCommand("enclave.unloadOtherWindowModel", (modelPath: unknown) => this.unloadOtherWindowModel(modelPath)));
    }

    private async loadAnyway(): Promise<void> {
        try {
            await vscode.window.withProgress({location: vscode.ProgressLocation.Window, title: "Enclave: loading model"}, () => this.engine.loadAnyway());
        } catch (error) {
            this.errors.report(error, "Load anyway");
        }
    }

    /** A load refused for memory offered to unload a model another window keeps loaded: do it, then load ours. */
    private async unloadOtherWindowModel(modelPath: unknown): Promise<void> {
        if (typeof modelPath !== "string" || modelPath === "") return;
        try {
            await this.engine.unloadModelEverywhere(modelPath);
            this.log.write("info", `Unloaded ${modelPath} for the other windows to make room.`);
            await vscode.window.withProgress({location: vscode.ProgressLocation.Window, title: "Enclave: loading model"}, () => this.engine.ensureModel());
        } catch (error) {
            this.errors.report(error, "Unload the other window's model");
        }
    }

    /** Sets `enclave.engine.contextSize` where it is in effect; the next request loads the model with it. */
    private async useContextSize(tokens: unknown): Promise<void> {
        if (typeof tokens !== "number" || !Number.isInteger(tokens) || tokens <= 0) return;
        const where = await writeSetting("engine.contextSize", tokens);
        this.log.write("info", `Context size set to ${tokens} tokens (${settingName("engine.contextSize")} in your ${where}).`);
    }

    private async confirmForOtherWindows(action: string): Promise<boolean> {
        const windows = this.engine.sharedWindows;
        if (windows <= 1) return true;
        const confirm = `${action} in All ${windows} Windows`;
        const choice = await vscode.window.showWarningMessage(`Enclave: ${otherWindowsSentence(windows)}`, {modal: true}, confirm);
        return choice === confirm;
    }

    private async chooseModelFile(): Promise<void> {
        const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: "Use This Model",
            title: "Choose a GGUF model file (a DeepSeek-R1 distill)",
            filters: {"GGUF models": ["gguf"], "All files": ["*"]}
        });
        const file = picked?.[0];
        if (!file) return;
        // Settings listeners reconfigure the engine; the model loads on first use.
        const where = await useModel("chat", file.fsPath);
        this.log.write("info", `Chat model set to ${file.fsPath} (${settingName("chat.model")} in your ${where}).`);
        void vscode.window.showInformationMessage(
            vscode.l10n.t("Enclave will use {0} when you first ask it something (set in your {1}).", basename(file.fsPath), where)
        );
    }

    private async showModelInfo(): Promise<void> {
        try {
            const info = await vscode.window.withProgress(
                {location: vscode.ProgressLocation.Window, title: "Enclave: loading model"},
                () => this.engine.ensureModel()
            );
            const fresh = (await this.engine.info()) ?? info;
            const separate = this.engine.completionRole === "completion" ? await this.engine.info("completion") : undefined;
            const lines = [
                `Model: ${fresh.name ?? fresh.modelPath}`,
                `Architecture: ${fresh.architecture}, ${fresh.parameterCount.toLocaleString("en")} parameters`,
                `Context: ${fresh.contextSize} tokens (trained for ${fresh.trainContextSize})`,
                `Chat format: ${fresh.chatWrapper}${fresh.thinks ? " (reasons before answering)" : ""}`,
                ...(fresh.chatFormatNote != null ? [fresh.chatFormatNote] : []),
                completionFormatLine(fresh, separate, this.engine.completionRole === "completion"),
                `Threads: ${fresh.threads}, ${fresh.gpu} (${fresh.gpuLayers} layers on the GPU)`,
                `Fit: ${fresh.fit}`,
                `Memory: ${formatBytes(fresh.memory.rssBytes)}`
            ];
            this.log.write("info", lines.join("\n"));
            void vscode.window.showInformationMessage(lines.join(" · "), {modal: false});
        } catch (error) {
            this.errors.report(error, "Show model info");
        }
    }

    private async unload(): Promise<void> {
        if (!(await this.confirmForOtherWindows("Unload Model"))) return;
        await this.engine.unload();
        this.log.write("info", "Model unloaded: the model process ended and gave its memory back.");
    }

    private async restart(): Promise<void> {
        if (!(await this.confirmForOtherWindows("Restart Engine"))) return;
        await this.engine.unload();
        try {
            await this.engine.ensureModel();
        } catch (error) {
            this.errors.report(error, "Restart engine");
        }
    }
}

/**
 * The model process serves every window: unloading ends it for all of them. Say so and ask when
 * other windows use it; with this window alone there is nothing to ask.
 */
function otherWindowsSentence(windows: number): string {
    const others = windows - 1;
    return `The model process is shared with ${others} other VS Code window${others === 1 ? "" : "s"}. This unloads the models for all ${windows} windows; each loads its model again on its next request.`;
}

/** Which prompt format completions use and why, as the worker decided it for the model that serves them. */
function completionFormatLine(chat: ModelInfo, separate: ModelInfo | undefined, separateConfigured: boolean): string {
    if (!separateConfigured) return `Completion format: ${chat.completionFormat} — ${chat.completionFormatReason}`;
    if (!separate) return "Completion format: decided when the completion model first loads";
    return `Completion format (${separate.name ?? separate.modelPath}): ${separate.completionFormat} — ${separate.completionFormatReason}`;
}
