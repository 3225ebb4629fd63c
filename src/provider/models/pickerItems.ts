/**
 * What the model picker lists for one role, from the catalogue, the worker's verdict on each preset
 * for this machine, and the models folder — in sections: Installed, Recommended, All presets, Other.
 * Plain data (no vscode import), so the choice of items and their wording is unit-tested; the
 * picker turns these into QuickPick items.
 *
 * A preset that is installed (and sound) appears once, under Installed. A preset that does not fit
 * stays visible, marked, with the fit check's reason: the user may know better (another machine,
 * memory to free), and the picker asks before downloading it.
 */
import type {InstalledModelData, ModelsOverview, PresetVerdictData} from "../../engine/modelManagerProtocol";
import type {ModelRole} from "../../engine/protocol";
import type {ModelPreset} from "../../models/catalogue";
import {formatFileSize} from "../../models/units";

export type PickerAction = "import" | "chooseFile" | "useChatModel";

export type PickerEntry =
    | {readonly kind: "separator"; readonly label: string}
    | {readonly kind: "installed"; readonly label: string; readonly description: string; readonly detail: string; readonly model: InstalledModelData; readonly current: boolean; readonly usable: boolean}
    | {readonly kind: "preset"; readonly label: string; readonly description: string; readonly detail: string; readonly preset: ModelPreset; readonly verdict: PresetVerdictData}
    | {readonly kind: "action"; readonly label: string; readonly description?: string; readonly action: PickerAction};

export interface PickerInput {
    readonly role: ModelRole;
    readonly overview: ModelsOverview;
    readonly presets: readonly ModelPreset[];
    /** The configured model of this role (a path), if any. */
    readonly current?: string;
}

export function buildPickerEntries({role, overview, presets, current}: PickerInput): PickerEntry[] {
    const entries: PickerEntry[] = [];
    const byId = new Map(presets.map((preset) => [preset.id, preset]));

    const installed = overview.installed.filter((model) => model.problems.length > 0 || model.roles.includes(role));
    const installedPresets = new Set(overview.installed.filter((model) => model.problems.length === 0 && model.presetId != null).map((model) => model.presetId));
    if (installed.length > 0) {
        entries.push({kind: "separator", label: "Installed"});
        for (const model of installed) entries.push(installedEntry(model, byId, current, role));
    }

    const verdicts = overview.presets.filter((verdict) => byId.get(verdict.id)?.role === role && !installedPresets.has(verdict.id));
    const recommendedId = overview.recommended[role];
    const recommended = verdicts.filter((verdict) => verdict.id === recommendedId);
    if (recommended.length > 0) {
        entries.push({kind: "separator", label: "Recommended for this machine"});
        for (const verdict of recommended) entries.push(presetEntry(verdict, byId, true));
    }
    const others = verdicts.filter((verdict) => verdict.id !== recommendedId);
    if (others.length > 0) {
        entries.push({kind: "separator", label: "All presets"});
        for (const verdict of others) entries.push(presetEntry(verdict, byId, false));
    }

    entries.push({kind: "separator", label: "Other"});
    entries.push({kind: "action", action: "import", label: "$(folder-opened) Import GGUF File…", description: "copy or link a model file into the models folder"});
    entries.push({kind: "action", action: "chooseFile", label: "$(file) Use a GGUF File Where It Is…"});
    if (role === "completion")
        entries.push({kind: "action", action: "useChatModel", label: `${current === undefined ? "$(check)" : "$(circle-outline)"} No Separate Completion Model`, description: "completions use the chat model"});
    return entries;
}

/** The file name and what loading it now would do (the worker's plan from its header and the free memory). */
function installedDetail(model: InstalledModelData, role: ModelRole): string {
    const plan = model.plans?.[role];
    if (plan == null) return model.fileName;
    return plan.fits ? `${model.fileName} · ${plan.reason}` : `${model.fileName} · Does not fit now: ${plan.reason}`;
}

function installedEntry(model: InstalledModelData, byId: ReadonlyMap<string, ModelPreset>, current: string | undefined, role: ModelRole): PickerEntry {
    const isCurrent = current !== undefined && samePath(current, model.entryPath);
    const usable = model.problems.length === 0;
    const name = (model.presetId == null ? undefined : byId.get(model.presetId)?.label) ?? model.name ?? model.fileName;
    const facts = [formatFileSize(model.sizeBytes), model.quantization, model.linked ? "linked" : undefined].filter((fact) => fact != null);
    return {
        kind: "installed",
        label: `${!usable ? "$(warning)" : isCurrent ? "$(check)" : model.plans?.[role]?.fits === false ? "$(circle-slash)" : "$(file)"} ${name}`,
        description: isCurrent ? `${facts.join(" · ")} · in use` : facts.join(" · "),
        detail: usable ? installedDetail(model, role) : `Cannot be used: ${model.problems.map((problem) => problem.message).join(" ")}`,
        model,
        current: isCurrent,
        usable
    };
}

function presetEntry(verdict: PresetVerdictData, byId: ReadonlyMap<string, ModelPreset>, recommended: boolean): PickerEntry {
    const preset = byId.get(verdict.id) as ModelPreset;
    const icon = !verdict.fits ? "$(circle-slash)" : recommended ? "$(star-full)" : "$(cloud-download)";
    const parts = preset.files.length > 1 ? ` in ${preset.files.length} parts` : "";
    return {
        kind: "preset",
        label: `${icon} ${preset.label}`,
        description: `${formatFileSize(preset.sizeBytes)} download${parts} · ${preset.quantization}`,
        detail: verdict.fits ? [verdict.reason, verdict.note].filter((text) => text != null).join(" ") : `Does not fit: ${verdict.reason}`,
        preset,
        verdict
    };
}

function samePath(a: string, b: string): boolean {
    return a.replace(/[\\/]+$/, "") === b.replace(/[\\/]+$/, "");
}
