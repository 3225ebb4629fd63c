/**
 * "Enclave: Choose Model…": one list per role — Installed, Recommended for this machine, All
 * presets, Other — built by pickerItems.ts from the worker's overview. Picking an installed model
 * uses it; picking a preset downloads it first (asking before a preset that does not fit).
 */
import * as vscode from "vscode";
import type {ModelsOverview} from "../../engine/modelManagerProtocol";
import type {ModelRole} from "../../engine/protocol";
import {catalogue} from "../../models/catalogue";
import {readModelPath, useModel} from "../settings";
import type {ModelDownloads} from "./modelDownloads";
import type {ModelImports} from "./modelImports";
import {readOverview, type ModelsContext} from "./modelsContext";
import {buildPickerEntries, type PickerEntry} from "./pickerItems";

type EntryItem = vscode.QuickPickItem & {entry: PickerEntry};

const roleNames: Record<ModelRole, string> = {chat: "chat", completion: "completions"};

export class ModelPicker {
    constructor(
        private readonly context: ModelsContext,
        private readonly downloads: ModelDownloads,
        private readonly imports: ModelImports
    ) {}

    /** Resolves to the model path now in use for the role, or undefined when nothing changed. */
    async pick(role?: ModelRole): Promise<string | undefined> {
        const chosenRole = role ?? (await this.pickRole());
        if (chosenRole === undefined) return undefined;
        const entry = await this.pickEntry(chosenRole);
        return entry === undefined ? undefined : this.apply(chosenRole, entry);
    }

    private async pickRole(): Promise<ModelRole | undefined> {
        const describe = (role: ModelRole) => readModelPath(role)?.split(/[\\/]/).pop() ?? (role === "chat" ? "none" : "the chat model");
        const picked = await vscode.window.showQuickPick(
            [
                {label: "$(comment-discussion) Chat model", description: describe("chat"), role: "chat" as const},
                {label: "$(sparkle) Completion model", description: describe("completion"), role: "completion" as const}
            ],
            {title: "Enclave: choose the model for…"}
        );
        return picked?.role;
    }

    private async pickEntry(role: ModelRole): Promise<PickerEntry | undefined> {
        const quickPick = vscode.window.createQuickPick<EntryItem>();
        quickPick.title = `Enclave: model for ${roleNames[role]}`;
        quickPick.placeholder = "Checking this machine and the models folder…";
        quickPick.matchOnDescription = true;
        quickPick.matchOnDetail = true;
        quickPick.busy = true;
        quickPick.show();
        const chosen = new Promise<PickerEntry | undefined>((resolve) => {
            quickPick.onDidAccept(() => {
                resolve(quickPick.selectedItems[0]?.entry);
                quickPick.hide();
            });
            quickPick.onDidHide(() => resolve(undefined));
        });
        try {
            const overview = await readOverview(this.context);
            quickPick.items = this.items(role, overview);
            quickPick.placeholder = overview.summary;
            quickPick.busy = false;
        } catch (error) {
            quickPick.hide();
            this.context.errors.report(error, "Choose model");
        }
        try {
            return await chosen;
        } finally {
            quickPick.dispose();
        }
    }

    private items(role: ModelRole, overview: ModelsOverview): EntryItem[] {
        return buildPickerEntries({role, overview, presets: catalogue, current: readModelPath(role)}).map((entry): EntryItem =>
            entry.kind === "separator"
                ? {label: entry.label, kind: vscode.QuickPickItemKind.Separator, entry}
                : {label: entry.label, description: entry.description, detail: "detail" in entry ? entry.detail : undefined, entry}
        );
    }

    private async apply(role: ModelRole, entry: PickerEntry): Promise<string | undefined> {
        switch (entry.kind) {
            case "separator":
                return undefined;
            case "installed":
                if (!entry.usable) {
                    void vscode.window.showErrorMessage(`Enclave: ${entry.detail}`);
                    return undefined;
                }
                const where = await useModel(role, entry.model.entryPath);
                this.context.log.write("info", `${role} model set to ${entry.model.entryPath} (in the ${where}).`);
                return entry.model.entryPath;
            case "preset": {
                if (!entry.verdict.fits) {
                    const download = "Download Anyway";
                    const answer = await vscode.window.showWarningMessage(
                        `${entry.preset.label} does not fit this machine.`,
                        {modal: true, detail: entry.verdict.reason},
                        download
                    );
                    if (answer !== download) return undefined;
                }
                return this.downloads.download(entry.preset, role);
            }
            case "action":
                switch (entry.action) {
                    case "import":
                        return this.imports.importFile(role);
                    case "chooseFile":
                        return this.chooseFile(role);
                    case "useChatModel":
                        await useModel("completion", undefined);
                        return undefined;
                }
        }
    }

    private async chooseFile(role: ModelRole): Promise<string | undefined> {
        const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: "Use This Model",
            title: `Choose a GGUF model file for ${roleNames[role]}`,
            filters: {"GGUF models": ["gguf"], "All files": ["*"]}
        });
        const file = picked?.[0]?.fsPath;
        if (file === undefined) return undefined;
        await useModel(role, file);
        return file;
    }
}
