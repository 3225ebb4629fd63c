/**
 * Downloads presets with one progress notification: bytes of total, speed and time left; Cancel
 * really cancels (the download process is stopped, and killed if it lingers, so no socket stays
 * open); the partial files stay for a resume. Nothing touches the network until the user started
 * the download. Several models (first run's pair) download one after the other under the same
 * notification and Cancel. When a model is done, it becomes the model of its role.
 */
import * as vscode from "vscode";
import type {InstalledRole, ModelPreset} from "../../models/catalogue";
import {startDownload, type DownloadHandle} from "../../models/downloadClient";
import {ModelError, describeError} from "../../models/errors";
import {formatFileSize} from "../../models/units";
import {withNotificationProgress} from "../notificationProgress";
import {readHuggingFaceEndpoint, readModelsFolder, useModel} from "../settings";
import {showModelFailure} from "./modelFailure";
import type {ModelsContext} from "./modelsContext";
import {CombinedProgress, ProgressIncrements, downloadedMessage} from "./progressText";

/** One download as it went (of one model or several in one progress): for the log, and for the integration tests to measure. */
export interface DownloadRecord {
    /** The first (or only) model's preset. */
    readonly presetId: string;
    /** Every model's preset, in download order. */
    readonly presetIds: readonly string[];
    /** Every progress message shown, in order. */
    readonly messages: string[];
    readonly startedAt: number;
    /** The installed models' paths, as each finished. */
    readonly entryPaths: string[];
    durationMs?: number;
    outcome?: "done" | "cancelled" | "failed";
}

/** What a download needs of a preset (a language model's, or an embedding model's). */
export type DownloadablePreset = Pick<ModelPreset, "id" | "label" | "files" | "sizeBytes">;

export interface DownloadPart {
    readonly preset: DownloadablePreset;
    /** The model becomes this role's model once it is downloaded. */
    readonly role: InstalledRole;
}

export class ModelDownloads {
    private readonly running = new Map<string, DownloadHandle>();
    private last: DownloadRecord | undefined;

    constructor(private readonly context: ModelsContext) {}

    get lastDownload(): DownloadRecord | undefined {
        return this.last;
    }

    /** Downloads `preset` and makes it the model of `role`; resolves to its path, or undefined when it did not finish. */
    async download(preset: DownloadablePreset, role: InstalledRole): Promise<string | undefined> {
        return (await this.downloadAll([{preset, role}]))[0];
    }

    /**
     * Downloads the models one after the other under one progress notification with one Cancel,
     * and makes each the model of its role as soon as it is complete (so a cancel during the second
     * keeps the first). Resolves to each model's path, undefined for those that did not finish.
     */
    async downloadAll(parts: readonly DownloadPart[]): Promise<(string | undefined)[]> {
        const paths: (string | undefined)[] = parts.map(() => undefined);
        const busy = parts.find((part) => this.running.has(part.preset.id));
        if (busy !== undefined) {
            void vscode.window.showInformationMessage(`Enclave is already downloading ${busy.preset.label}.`);
            return paths;
        }
        const first = parts[0];
        if (first === undefined) return paths;
        const {log} = this.context;
        const modelsDir = readModelsFolder();
        const endpoint = readHuggingFaceEndpoint();
        const labels = parts.map((part) => part.preset.label).join(" and ");
        const record: DownloadRecord = {presetId: first.preset.id, presetIds: parts.map((part) => part.preset.id), messages: [], entryPaths: [], startedAt: Date.now()};
        this.last = record;
        let current = first;
        try {
            await withNotificationProgress(
                `Enclave: downloading ${labels}`,
                async (progress, token) => {
                    const increments = new ProgressIncrements();
                    const combined = new CombinedProgress(parts.map((part) => ({label: part.preset.label, nominalBytes: part.preset.sizeBytes})));
                    for (const [index, part] of parts.entries()) {
                        current = part;
                        const {preset} = part;
                        // A cancel between two downloads stops before the next one starts.
                        if (token.isCancellationRequested) throw new ModelError("Cancelled", "The download was cancelled. Start it again to resume where it stopped.");
                        log.write("info", `Downloading ${preset.label} (${preset.files.length} file(s)) from ${endpoint} into ${modelsDir}.`);
                        const started = Date.now();
                        const handle = startDownload({id: preset.id, files: preset.files, modelsDir, endpoint}, {}, {
                            processPath: this.context.downloadProcessPath,
                            log: (level, message) => log.write(level, message),
                            onProgress: (update) => {
                                const {overall, message} = combined.update(index, update);
                                record.messages.push(message);
                                progress.report({message, increment: increments.next(overall)});
                            }
                        });
                        this.running.set(preset.id, handle);
                        const onCancel = token.onCancellationRequested(() => void handle.cancel());
                        try {
                            const result = await handle.result;
                            log.write("info", `${preset.label}: ${result.alreadyInstalled ? "already installed" : `downloaded ${formatFileSize(result.totalBytes - result.resumedBytes)}`} in ${Date.now() - started} ms → ${result.entryPath}.`);
                            await useModel(part.role, result.entryPath);
                            paths[index] = result.entryPath;
                            record.entryPaths.push(result.entryPath);
                        } finally {
                            onCancel.dispose();
                            this.running.delete(preset.id);
                        }
                    }
                }
            );
            record.durationMs = Date.now() - record.startedAt;
            record.outcome = "done";
            void vscode.window.showInformationMessage(downloadedMessage(parts.map((part) => ({label: part.preset.label, role: part.role}))));
        } catch (error) {
            record.durationMs = Date.now() - record.startedAt;
            const failure = error instanceof ModelError ? error : new ModelError("DownloadFailed", "The download failed.", [], describeError(error));
            record.outcome = failure.code === "Cancelled" ? "cancelled" : "failed";
            const rest = parts.filter((_, index) => paths[index] === undefined);
            const {preset} = current;
            if (failure.code === "Cancelled") {
                log.write("info", `Download of ${preset.label} cancelled after ${record.durationMs} ms.`);
                void vscode.window.showInformationMessage(`Download of ${preset.label} cancelled. Start it again to resume where it stopped.`);
            } else {
                void showModelFailure(log, `Download of ${preset.label}`, failure, [{label: "Try Again", run: () => this.downloadAll(rest)}]);
            }
        }
        return paths;
    }

    /** Stops every running download (the window is closing). */
    dispose(): void {
        for (const handle of this.running.values()) void handle.cancel();
        this.running.clear();
    }
}
