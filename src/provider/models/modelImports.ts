/**
 * "Import GGUF File…": pick a file, copy or link it into the models folder — checked first, in the
 * model process (GGUF checks need node-llama-cpp) — and make it the model of its role. Every
 * problem with the file is said in plain words.
 */
import path from "node:path";
import * as vscode from "vscode";
import {isEngineError} from "../../engine/errors";
import type {ModelRole} from "../../engine/protocol";
import type {InstalledRole} from "../../models/catalogue";
import {formatFileSize} from "../../models/units";
import {withNotificationProgress} from "../notificationProgress";
import {readModelsFolder, useModel} from "../settings";
import {failureText, showModelFailure} from "./modelFailure";
import {readOverview, type ModelsContext} from "./modelsContext";
import {ProgressIncrements} from "./progressText";

export class ModelImports {
    private failed: string | undefined;

    constructor(private readonly context: ModelsContext) {}

    /** The sentence of the last refused import (the integration tests read it). */
    get lastFailure(): string | undefined {
        return this.failed;
    }

    /** Resolves to the imported model's path, or undefined when nothing was imported. */
    async importFile(role?: ModelRole): Promise<string | undefined> {
        const picked = await vscode.window.showOpenDialog({
            canSelectMany: false,
            openLabel: "Import",
            title: "Import a GGUF model file (for a model split into parts, pick any part)",
            filters: {"GGUF models": ["gguf"], "All files": ["*"]}
        });
        const source = picked?.[0]?.fsPath;
        if (source === undefined) return undefined;
        const modelsDir = readModelsFolder();
        const how = await vscode.window.showQuickPick(
            [
                {label: "$(copy) Copy into the models folder", mode: "copy" as const, detail: modelsDir},
                {label: "$(link) Link to the file where it is", mode: "link" as const, detail: "No copy: the file must stay where it is (e.g. on another disk)."}
            ],
            {title: `Import ${path.basename(source)}`}
        );
        if (how === undefined) return undefined;
        return this.importPath(source, how.mode, role);
    }

    /** Imports `source` without asking (the tests and other commands call this directly). */
    async importPath(source: string, mode: "copy" | "link", role?: ModelRole): Promise<string | undefined> {
        const {engine, log, errors} = this.context;
        const modelsDir = readModelsFolder();
        const name = path.basename(source);
        let result;
        try {
            result = await withNotificationProgress(
                `Enclave: importing ${name}`,
                async (progress, token) => {
                    const controller = new AbortController();
                    const onCancel = token.onCancellationRequested(() => controller.abort());
                    const increments = new ProgressIncrements();
                    try {
                        return await engine.importModel({sourcePath: source, modelsDir, mode}, {
                            signal: controller.signal,
                            onEvent: ({copiedBytes, totalBytes}) =>
                                progress.report({message: `${formatFileSize(copiedBytes)} of ${formatFileSize(totalBytes)}`, increment: increments.advance(copiedBytes, totalBytes)})
                        });
                    } finally {
                        onCancel.dispose();
                    }
                }
            );
        } catch (error) {
            if (!isEngineError(error, "Aborted")) errors.report(error, `Import of ${name}`);
            return undefined;
        }
        if (!result.ok) {
            if (result.error.code === "Cancelled") return undefined;
            this.failed = failureText(result.error);
            void showModelFailure(log, `Import of ${name}`, result.error, [{label: "Choose Another File…", run: () => this.importFile(role)}]);
            return undefined;
        }
        const model = result.model;
        const useAs = role ?? (await this.roleOf(model.entryPath));
        const where = await useModel(useAs, model.entryPath);
        log.write("info", `Imported ${name} (${formatFileSize(model.sizeBytes)}${model.linked ? ", linked" : ""}) → ${model.entryPath}; used for ${useAs} (set in the ${where}).`);
        const done = model.alreadyInstalled ? vscode.l10n.t("{0} was already in the models folder.", name) : vscode.l10n.t("Imported {0}.", name);
        const use =
            useAs === "chat"
                ? vscode.l10n.t("Enclave uses it for chat (set in your {0}).", where)
                : useAs === "completion"
                  ? vscode.l10n.t("Enclave uses it for completions (set in your {0}).", where)
                  : vscode.l10n.t("Enclave uses it to re-rank the workspace search (set in your {0}).", where);
        void vscode.window.showInformationMessage(`${done} ${use}`);
        return model.entryPath;
    }

    /** What the file is for, from its own metadata: an embedding model the workspace search, a FIM-only model completions, anything else chat. */
    private async roleOf(entryPath: string): Promise<InstalledRole> {
        try {
            const overview = await readOverview(this.context);
            return overview.installed.find((model) => model.entryPath === entryPath)?.roles[0] ?? "chat";
        } catch {
            return "chat";
        }
    }
}
