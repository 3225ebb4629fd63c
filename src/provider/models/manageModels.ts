/**
 * "Enclave: Manage Models…": the installed models with their disk size and what uses them, the
 * models folder's disk usage in the title; the trash button deletes a model (after asking), and
 * picking one offers to use it. A model in use is unloaded and unset before its files go.
 */
import * as vscode from "vscode";
import type {InstalledModelData, ModelsOverview} from "../../engine/modelManagerProtocol";
import type {ModelRole} from "../../engine/protocol";
import {presetById} from "../../models/catalogue";
import {formatFileSize} from "../../models/units";
import {readModelPath, readModelsFolder, useModel} from "../settings";
import {showModelFailure} from "./modelFailure";
import {readOverview, type ModelsContext} from "./modelsContext";

type Partial = ModelsOverview["partials"][number];
type ModelItem = vscode.QuickPickItem & ({model: InstalledModelData; partial?: undefined} | {partial: Partial; model?: undefined});

const deleteButton: vscode.QuickInputButton = {iconPath: new vscode.ThemeIcon("trash"), tooltip: "Delete this model"};
const discardButton: vscode.QuickInputButton = {iconPath: new vscode.ThemeIcon("trash"), tooltip: "Discard this unfinished download"};

export class ManageModels {
    constructor(private readonly context: ModelsContext) {}

    async show(): Promise<void> {
        const modelsDir = readModelsFolder();
        const quickPick = vscode.window.createQuickPick<ModelItem>();
        quickPick.title = `Enclave: models in ${modelsDir}`;
        quickPick.placeholder = "Reading the models folder…";
        quickPick.busy = true;
        // The delete confirmation is a modal dialog: the list must stay open behind it.
        quickPick.ignoreFocusOut = true;
        quickPick.show();
        const refresh = async (): Promise<void> => {
            quickPick.busy = true;
            try {
                const overview = await readOverview(this.context);
                quickPick.items = [...overview.installed.map((model) => this.item(model)), ...overview.partials.map((partial) => partialItem(partial))];
                quickPick.placeholder = usageLine(overview);
            } catch (error) {
                this.context.errors.report(error, "Manage models");
            } finally {
                quickPick.busy = false;
            }
        };
        quickPick.onDidTriggerItemButton(({item}) => {
            const removal = item.model !== undefined ? this.delete(item.model, modelsDir) : this.discard(item.partial, modelsDir);
            void removal.then(async (removed) => {
                if (removed) await refresh();
            });
        });
        quickPick.onDidAccept(() => {
            const model = quickPick.selectedItems[0]?.model;
            quickPick.hide();
            if (model !== undefined) void this.use(model);
        });
        await refresh();
        await new Promise<void>((resolve) => quickPick.onDidHide(() => resolve()));
        quickPick.dispose();
    }

    private item(model: InstalledModelData): ModelItem {
        const uses = usesOf(model.entryPath);
        const name = (model.presetId === undefined ? undefined : presetById(model.presetId)?.label) ?? model.name ?? model.fileName;
        return {
            label: `${model.problems.length > 0 ? "$(warning)" : "$(file)"} ${name}`,
            description: [formatFileSize(model.sizeBytes), model.linked ? "linked (takes no space here)" : undefined, uses.length > 0 ? `in use for ${uses.join(" and ")}` : undefined]
                .filter((part) => part !== undefined).join(" · "),
            detail: model.problems.length > 0 ? `Cannot be used: ${model.problems.map((problem) => problem.message).join(" ")}` : model.fileName,
            buttons: [deleteButton],
            model
        };
    }

    /** Asks, then deletes; resolves to whether the model is gone. */
    async delete(model: InstalledModelData, modelsDir: string): Promise<boolean> {
        const {engine, log} = this.context;
        const remove = "Delete";
        const answer = await vscode.window.showWarningMessage(
            `Delete ${model.fileName} (${formatFileSize(model.sizeBytes)})?`,
            {modal: true, detail: model.linked ? "Only the link in the models folder is removed; the file it points to stays." : "Its files are removed from the models folder."},
            remove
        );
        if (answer !== remove) return false;
        const uses = usesOf(model.entryPath);
        if (uses.length > 0) {
            // The model process may have the file mapped (for any window): let it go first, and stop pointing at it.
            await engine.unloadModelEverywhere(model.entryPath);
            for (const role of uses) await useModel(role, undefined);
        }
        const result = await engine.deleteModel(modelsDir, model.entryPath);
        if (!result.ok) {
            void showModelFailure(log, `Delete ${model.fileName}`, result.error);
            return false;
        }
        log.write("info", `Deleted ${model.entryPath} (${formatFileSize(model.sizeBytes)}).`);
        return true;
    }

    /** Asks, then removes an interrupted download's files; resolves to whether they are gone. */
    async discard(partial: Partial, modelsDir: string): Promise<boolean> {
        const {engine, log} = this.context;
        const remove = "Discard";
        const answer = await vscode.window.showWarningMessage(
            `Discard the unfinished download of ${partialName(partial)} (${formatFileSize(partial.sizeBytes)})?`,
            {modal: true, detail: "Downloading it again then starts from the beginning."},
            remove
        );
        if (answer !== remove) return false;
        const result = await engine.discardPartialDownload(modelsDir, partial.id);
        if (!result.ok) {
            void showModelFailure(log, `Discard ${partial.id}`, result.error);
            return false;
        }
        log.write("info", `Discarded the unfinished download ${partial.id} (${formatFileSize(partial.sizeBytes)}).`);
        return true;
    }

    private async use(model: InstalledModelData): Promise<void> {
        if (model.problems.length > 0) {
            void vscode.window.showErrorMessage(`Enclave cannot use ${model.fileName}: ${model.problems.map((problem) => problem.message).join(" ")}`);
            return;
        }
        const picked = await vscode.window.showQuickPick(
            model.roles.map((role) => ({label: role === "chat" ? "Use for chat" : role === "completion" ? "Use for completions" : "Use for workspace search (re-ranking)", role})),
            {title: model.fileName}
        );
        if (picked !== undefined) await useModel(picked.role, model.entryPath);
    }
}

function partialName(partial: Partial): string {
    return presetById(partial.id)?.label ?? partial.id;
}

function partialItem(partial: Partial): ModelItem {
    return {
        label: `$(cloud-download) ${partialName(partial)}`,
        description: `${formatFileSize(partial.sizeBytes)} · unfinished download`,
        detail: "Downloading this model again resumes here; the trash button frees the space.",
        buttons: [discardButton],
        partial
    };
}

function usesOf(entryPath: string): ModelRole[] {
    return (["chat", "completion"] as const).filter((role) => readModelPath(role) === entryPath);
}

function usageLine(overview: ModelsOverview): string {
    const {disk} = overview;
    const parts = [`${formatFileSize(disk.modelsBytes)} of models`, `${formatFileSize(disk.freeBytes)} free on this disk`];
    if (disk.linkedBytes > 0) parts.push(`${formatFileSize(disk.linkedBytes)} linked from elsewhere`);
    if (disk.partialBytes > 0) parts.push(`${formatFileSize(disk.partialBytes)} in unfinished downloads (resumed when downloaded again)`);
    return overview.installed.length === 0 ? `No models yet · ${parts.slice(1).join(" · ")}` : parts.join(" · ");
}
