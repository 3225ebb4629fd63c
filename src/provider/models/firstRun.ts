/**
 * First run: with no chat model configured, Enclave offers — in one notification — to download the
 * model recommended for this machine (with its size), to choose another, or to import a file.
 * The recommendation comes from the model process (hardware detection needs node-llama-cpp); no
 * model is loaded for it and nothing touches the network until the user clicks Download.
 */
import * as vscode from "vscode";
import {presetById} from "../../models/catalogue";
import {formatBytes} from "../../models/units";
import {Disposable} from "../../engine/lifecycle";
import {readChatModel, readModelsFolder, useModel} from "../settings";
import {importAction} from "./modelFailure";
import type {ModelDownloads} from "./modelDownloads";
import type {ModelImports} from "./modelImports";
import type {ModelPicker} from "./modelPicker";
import type {ModelsContext} from "./modelsContext";

const choose = "Choose…";

export class FirstRun extends Disposable {
    private offered: string | undefined;

    constructor(
        private readonly context: ModelsContext,
        private readonly downloads: ModelDownloads,
        private readonly imports: ModelImports,
        private readonly picker: ModelPicker
    ) {
        super();
        if (readChatModel() === undefined) {
            // After activation has returned: the offer waits for the model process to answer.
            const timer = setTimeout(() => void this.offer(), 0);
            this.register({dispose: () => clearTimeout(timer)});
        }
    }

    /** The text of the last offer shown (the integration tests read it). */
    get lastOffer(): string | undefined {
        return this.offered;
    }

    /** Shows the offer and runs what the user picks; resolves to the chat model now in use, if one was set. */
    async offer(): Promise<string | undefined> {
        const {engine, errors, log} = this.context;
        let overview;
        try {
            overview = await engine.modelsOverview(readModelsFolder());
        } catch (error) {
            errors.report(error, "Set up a model");
            return undefined;
        }
        if (this.isDisposed) return undefined;
        const preset = overview.recommended.chat === undefined ? undefined : presetById(overview.recommended.chat);
        const installed = preset === undefined ? undefined : overview.installed.find((model) => model.presetId === preset.id && model.problems.length === 0);
        const primary = preset === undefined ? undefined : installed !== undefined ? `Use ${preset.label}` : "Download";
        const message = preset === undefined
            ? `Enclave needs a model. ${overview.summary}`
            : installed !== undefined
                ? `Set up Enclave: use ${preset.label}, already in the models folder. ${overview.summary}`
                : `Set up Enclave: download ${preset.label} (${formatBytes(preset.sizeBytes)})? ${overview.summary}`;
        this.offered = message;
        log.write("info", `First run: ${message}`);
        const actions = [...(primary === undefined ? [] : [primary]), choose, importAction];
        const answer = await vscode.window.showInformationMessage(message, ...actions);
        if (answer === undefined) return undefined;
        if (answer === choose) return this.picker.pick("chat");
        if (answer === importAction) return this.imports.importFile("chat");
        if (preset === undefined) return undefined;
        if (installed !== undefined) {
            await useModel("chat", installed.entryPath);
            return installed.entryPath;
        }
        return this.downloads.download(preset, "chat");
    }
}
