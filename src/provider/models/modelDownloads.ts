/**
 * Downloads a preset with a progress notification: bytes of total, speed and time left; Cancel
 * really cancels (the download process is stopped, and killed if it lingers, so no socket stays
 * open); the partial files stay for a resume. Nothing touches the network until the user started
 * the download. When it is done, the model becomes the model of its role.
 */
import * as vscode from "vscode";
import type {ModelRole} from "../../engine/protocol";
import type {ModelPreset} from "../../models/catalogue";
import {startDownload, type DownloadHandle} from "../../models/downloadClient";
import {ModelError, describeError} from "../../models/errors";
import {formatBytes} from "../../models/units";
import {readHuggingFaceEndpoint, readModelsFolder, useModel} from "../settings";
import {showModelFailure} from "./modelFailure";
import type {ModelsContext} from "./modelsContext";
import {ProgressIncrements, formatDownloadProgress} from "./progressText";

/** One download as it went: for the log, and for the integration tests to measure. */
export interface DownloadRecord {
    readonly presetId: string;
    /** Every progress message shown, in order. */
    readonly messages: string[];
    readonly startedAt: number;
    durationMs?: number;
    outcome?: "done" | "cancelled" | "failed";
}

export class ModelDownloads {
    private readonly running = new Map<string, DownloadHandle>();
    private last: DownloadRecord | undefined;

    constructor(private readonly context: ModelsContext) {}

    get lastDownload(): DownloadRecord | undefined {
        return this.last;
    }

    /** Downloads `preset` and makes it the model of `role`; resolves to its path, or undefined when it did not finish. */
    async download(preset: ModelPreset, role: ModelRole): Promise<string | undefined> {
        if (this.running.has(preset.id)) {
            void vscode.window.showInformationMessage(`Enclave is already downloading ${preset.label}.`);
            return undefined;
        }
        const {log} = this.context;
        const modelsDir = readModelsFolder();
        const endpoint = readHuggingFaceEndpoint();
        const record: DownloadRecord = {presetId: preset.id, messages: [], startedAt: Date.now()};
        this.last = record;
        log.write("info", `Downloading ${preset.label} (${preset.files.length} file(s)) from ${endpoint} into ${modelsDir}.`);
        try {
            const result = await vscode.window.withProgress(
                {location: vscode.ProgressLocation.Notification, title: `Enclave: downloading ${preset.label}`, cancellable: true},
                async (progress, token) => {
                    const increments = new ProgressIncrements();
                    const handle = startDownload({id: preset.id, files: preset.files, modelsDir, endpoint}, {}, {
                        processPath: this.context.downloadProcessPath,
                        onProgress: (update) => {
                            const message = formatDownloadProgress(update);
                            record.messages.push(message);
                            progress.report({message, increment: increments.next(update)});
                        }
                    });
                    this.running.set(preset.id, handle);
                    const onCancel = token.onCancellationRequested(() => void handle.cancel());
                    try {
                        return await handle.result;
                    } finally {
                        onCancel.dispose();
                        this.running.delete(preset.id);
                    }
                }
            );
            record.durationMs = Date.now() - record.startedAt;
            record.outcome = "done";
            log.write("info", `${preset.label}: ${result.alreadyInstalled ? "already installed" : `downloaded ${formatBytes(result.totalBytes - result.resumedBytes)}`} in ${record.durationMs} ms → ${result.entryPath}.`);
            await useModel(role, result.entryPath);
            void vscode.window.showInformationMessage(`${preset.label} is ready. Enclave uses it for ${role === "chat" ? "chat" : "completions"}; it loads when you first need it.`);
            return result.entryPath;
        } catch (error) {
            record.durationMs = Date.now() - record.startedAt;
            const failure = error instanceof ModelError ? error : new ModelError("DownloadFailed", "The download failed.", [], describeError(error));
            record.outcome = failure.code === "Cancelled" ? "cancelled" : "failed";
            if (failure.code === "Cancelled") {
                log.write("info", `Download of ${preset.label} cancelled after ${record.durationMs} ms.`);
                void vscode.window.showInformationMessage(`Download of ${preset.label} cancelled. Start it again to resume where it stopped.`);
            } else {
                void showModelFailure(log, `Download of ${preset.label}`, failure, [{label: "Try Again", run: () => this.download(preset, role)}]);
            }
            return undefined;
        }
    }

    /** Stops every running download (the window is closing). */
    dispose(): void {
        for (const handle of this.running.values()) void handle.cancel();
        this.running.clear();
    }
}
