/**
 * The words and choices of the first-run offer, from the worker's overview: the pair recommended
 * for this machine — an R1 distill for chat and review, and a small FIM coder for inline
 * completions — with each one's size and use, the total, and the speed to expect; a part already
 * in the models folder is used as it is. The first choice sets up both, the second ("Chat Model
 * Only") only the chat model (the coder is skippable; the chat model then serves completions too). When nothing fits,
 * only the choices to pick or import remain. Plain logic, unit-tested.
 */
import type {ModelsOverview} from "../../engine/modelManagerProtocol";
import type {ModelRole} from "../../engine/protocol";
import {presetById, type ModelPreset} from "../../models/catalogue";
import {formatFileSize} from "../../models/units";

export interface OfferPart {
    readonly role: ModelRole;
    readonly preset: ModelPreset;
    /** The preset is already in the models folder, intact: it is used as it is, not downloaded. */
    readonly entryPath?: string;
}

export interface OfferChoice {
    /** The notification's button. */
    readonly label: string;
    /** Chat first. */
    readonly parts: readonly OfferPart[];
}

export type FirstRunOffer =
    | {readonly kind: "setUp"; readonly message: string; readonly parts: readonly OfferPart[]; readonly choices: readonly OfferChoice[]}
    | {readonly kind: "none"; readonly message: string};

export interface OfferOptions {
    /** A completion model is configured already: the offer leaves it alone. */
    readonly completionConfigured?: boolean;
    readonly presets?: readonly ModelPreset[];
}

export const onlyChat = "Chat Model Only";

export function firstRunOffer(overview: ModelsOverview, options: OfferOptions = {}): FirstRunOffer {
    const part = (role: ModelRole, id: string | undefined): OfferPart | undefined => {
        const preset = id === undefined ? undefined : presetById(id, options.presets);
        if (preset === undefined) return undefined;
        const installed = overview.installed.find((model) => model.presetId === preset.id && model.problems.length === 0);
        return {role, preset, entryPath: installed?.entryPath};
    };
    const chat = part("chat", overview.recommended.chat);
    if (chat === undefined) return {kind: "none", message: `Enclave needs a model. ${overview.summary}`};
    const coder = options.completionConfigured === true ? undefined : part("completion", overview.recommended.completion);
    const parts = coder === undefined ? [chat] : [chat, coder];

    const uses = coder === undefined && options.completionConfigured !== true ? "chat, review and completions" : "chat and review";
    const useOf = (entry: OfferPart): string => (entry.role === "chat" ? uses : "inline completions");
    const toDownload = parts.filter((entry) => entry.entryPath === undefined);
    const total = downloadBytes(parts);
    const what = toDownload.length === parts.length
        ? `download ${parts.map((entry) => `${entry.preset.label} (${sizeOf(entry.preset)}) for ${useOf(entry)}`).join(" and ")}${parts.length > 1 ? `, ${formatFileSize(total)} in all` : ""}`
        : parts.map((entry) => entry.entryPath === undefined
            ? `download ${entry.preset.label} (${sizeOf(entry.preset)}) for ${useOf(entry)}`
            : `use ${entry.preset.label}, already in the models folder, for ${useOf(entry)}`).join(", and ");
    const speed = overview.speed === undefined ? "" : ` ${overview.speed}`;
    const message = `Set up Enclave: ${what}? Recommended for this machine: ${overview.machine.description}.${speed}`;

    const choices: OfferChoice[] = [{label: setUpLabel(parts), parts}];
    if (coder !== undefined) choices.push({label: onlyChat, parts: [chat]});
    return {kind: "setUp", message, parts, choices};
}

/** Short: a notification shows four buttons side by side and cuts long labels; the sizes are in the message. */
function setUpLabel(parts: readonly OfferPart[]): string {
    const toDownload = parts.filter((entry) => entry.entryPath === undefined);
    if (parts.length === 1) return toDownload.length === 0 ? "Use It" : "Download";
    return toDownload.length === 0 ? "Use Both" : toDownload.length === parts.length ? "Download Both" : "Set Up Both";
}

const downloadBytes = (parts: readonly OfferPart[]): number =>
    parts.filter((entry) => entry.entryPath === undefined).reduce((sum, entry) => sum + entry.preset.sizeBytes, 0);

function sizeOf(preset: ModelPreset): string {
    const parts = preset.files.length > 1 ? ` in ${preset.files.length} parts` : "";
    return `${formatFileSize(preset.sizeBytes)}${parts}`;
}
