/**
 * First run: with no chat model configured, Enclave offers — in one notification — the pair
 * recommended for this machine: an R1 distill for chat and review and a small FIM coder for inline
 * completions, with their sizes, the total and the speed to expect; or only the chat model, or to
 * choose another, or to import a file. The recommendation comes from the model process (hardware
 * detection needs node-llama-cpp); no model is loaded for it and nothing touches the network until
 * the user picks a download. Both downloads share one progress notification and one Cancel.
 */
import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import {readChatModel, readModelPath, useModel} from "../settings";
import {firstRunOffer, type OfferPart} from "./firstRunOffer";
import type {ModelDownloads} from "./modelDownloads";
import type {ModelImports} from "./modelImports";
import type {ModelPicker} from "./modelPicker";
import {readOverview, type ModelsContext} from "./modelsContext";

const choose = "Choose…";
/** Shorter than elsewhere ("Import GGUF File…"): the offer has four buttons side by side, and a notification cuts long labels. */
const importFile = "Import…";

export class FirstRun extends Disposable {
    private offered: {readonly message: string; readonly actions: readonly string[]} | undefined;

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
        return this.offered?.message;
    }

    /** The buttons of the last offer shown, in order: the first is the notification's primary action. */
    get lastActions(): readonly string[] {
        return this.offered?.actions ?? [];
    }

    /**
     * Shows the offer and runs what the user picks; resolves to the chat model now in use, if one
     * was set. `answer` stands in for the notification (tests pick a button that is not the primary one).
     */
    async offer(answer: (message: string, labels: string[]) => Thenable<string | undefined> = (message, labels) => vscode.window.showInformationMessage(message, ...labels)): Promise<string | undefined> {
        const {errors, log} = this.context;
        let overview;
        try {
            overview = await readOverview(this.context);
        } catch (error) {
            errors.report(error, "Set up a model");
            return undefined;
        }
        if (this.isDisposed) return undefined;
        // Reading the hardware may have started the model process. With no model loaded and no other
        // window using it, it has nothing to do until first use, so it does not stay up (and hold
        // memory) while the offer waits for an answer.
        if (this.context.engine.state.kind === "notLoaded") void this.context.engine.stopIfUnused();
        const offer = firstRunOffer(overview, {completionConfigured: readModelPath("completion") !== undefined});
        const choices = offer.kind === "none" ? [] : offer.choices;
        const actions = [...choices.map((choice) => choice.label), choose, importFile];
        this.offered = {message: offer.message, actions};
        log.write("info", `First run: ${offer.message}`);
        const picked = await answer(offer.message, actions);
        if (picked === undefined) return undefined;
        if (picked === choose) return this.picker.pick("chat");
        if (picked === importFile) return this.imports.importFile("chat");
        const choice = choices.find((candidate) => candidate.label === picked);
        return choice === undefined ? undefined : this.setUp(choice.parts);
    }

    /** Uses the parts already installed, downloads the others (one progress); resolves to the chat model's path, if it was set. */
    private async setUp(parts: readonly OfferPart[]): Promise<string | undefined> {
        const paths = new Map<OfferPart, string | undefined>();
        for (const part of parts)
            if (part.entryPath !== undefined) {
                await useModel(part.role, part.entryPath);
                paths.set(part, part.entryPath);
            }
        const toDownload = parts.filter((part) => part.entryPath === undefined);
        const downloaded = await this.downloads.downloadAll(toDownload);
        toDownload.forEach((part, index) => paths.set(part, downloaded[index]));
        const chat = parts.find((part) => part.role === "chat");
        return chat === undefined ? undefined : paths.get(chat);
    }
}
