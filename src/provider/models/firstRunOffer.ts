/**
 * The words and the main action of the first-run offer, from the worker's overview: download the
 * recommended chat preset (with its size), use it when it is already in the models folder, or —
 * when nothing fits — only the choices to pick or import. Plain logic, unit-tested.
 */
import type {ModelsOverview} from "../../engine/modelManagerProtocol";
import {presetById, type ModelPreset} from "../../models/catalogue";
import {formatBytes} from "../../models/units";

export type FirstRunOffer =
    | {readonly kind: "download"; readonly message: string; readonly action: string; readonly preset: ModelPreset}
    | {readonly kind: "use"; readonly message: string; readonly action: string; readonly preset: ModelPreset; readonly entryPath: string}
    | {readonly kind: "none"; readonly message: string};

export function firstRunOffer(overview: ModelsOverview, presets?: readonly ModelPreset[]): FirstRunOffer {
    const id = overview.recommended.chat;
    const preset = id === undefined ? undefined : presetById(id, presets);
    if (preset === undefined) return {kind: "none", message: `Enclave needs a model. ${overview.summary}`};
    const installed = overview.installed.find((model) => model.presetId === preset.id && model.problems.length === 0);
    if (installed !== undefined)
        return {kind: "use", message: `Set up Enclave: use ${preset.label}, already in the models folder? ${overview.summary}`, action: `Use ${preset.label}`, preset, entryPath: installed.entryPath};
    const parts = preset.files.length > 1 ? ` in ${preset.files.length} parts` : "";
    return {kind: "download", message: `Set up Enclave: download ${preset.label} (${formatBytes(preset.sizeBytes)}${parts})? ${overview.summary}`, action: "Download", preset};
}
