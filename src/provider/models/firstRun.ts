/**
 * First run: with no chat model configured, Enclave offers — in one notification — to download the
 * model recommended for this machine (with its size), to choose another, or to import a file.
 * The recommendation comes from the model process (hardware detection needs node-llama-cpp); no
 * model is loaded for it and nothing touches the network until the user clicks Download.
 */
import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import {readChatModel, useModel} from "../settings";
import {firstRunOffer} from "./firstRunOffer";
import {importAction} from "./modelFailure";
import type {ModelDownloads} from "./modelDownloads";
import type {ModelImports} from "./modelImports";
import type {ModelPicker} from "./modelPicker";
import {readOverview, type ModelsContext} from "./modelsContext";

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
        const {errors, log} = this.context;
        let overview;
        try {
            overview = await readOverview(this.context);
        } catch (error) {
            errors.report(error, "Set up a model");
            return undefined;
        }
        if (this.isDisposed) return undefined;
        // Reading the hardware started the model process. With no model loaded it has nothing to do
        // until first use, so it does not stay up (and hold memory) while the offer waits for an answer.
        if (this.context.engine.state.kind === "notLoaded") void this.context.engine.unload();
        const offer = firstRunOffer(overview);
        this.offered = offer.message;
        log.write("info", `First run: ${offer.message}`);
        const actions = [...(offer.kind === "none" ? [] : [offer.action]), choose, importAction];
        const answer = await vscode.window.showInformationMessage(offer.message, ...actions);
        if (answer === undefined) return undefined;
        if (answer === choose) return this.picker.pick("chat");
        if (answer === importAction) return this.imports.importFile("chat");
        switch (offer.kind) {
            case "use":
                await useModel("chat", offer.entryPath);
                return offer.entryPath;
            case "download":
                return this.downloads.download(offer.preset, "chat");
            case "none":
                return undefined;
        }
    }
}
