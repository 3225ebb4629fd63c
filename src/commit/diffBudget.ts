/**
 * The changes shown to the model, within its context. Every file is always named with its status
 * and line counts; then the patches, each whole when it fits its share of the room and cut to that
 * share when not, so one huge file cannot push every other file out of the prompt.
 */
import type {ChangedFile} from "../git/changes";
import {estimateTokens} from "../review/units";

export interface ChangesText {
    text: string;
    /** Files whose patch was cut or left out to fit. */
    summarised: number;
}

const statusWords: Readonly<Record<ChangedFile["status"], string>> = {
    added: "added",
    modified: "modified",
    deleted: "deleted",
    renamed: "renamed",
    copied: "copied",
    typeChanged: "type changed",
    unmerged: "unmerged"
};

/** "src/a.ts (modified, +12 −3)", "new.ts (added, untracked, +40)", "logo.png (added, binary file)". */
export function fileSummary(file: ChangedFile): string {
    const name = file.oldPath != null ? `${file.oldPath} → ${file.path}` : file.path;
    const parts = [statusWords[file.status], ...(file.untracked ? ["untracked"] : [])];
    if (file.skipped != null) parts.push(file.skipped);
    else {
        const {added, removed} = lineCounts(file.patch);
        if (added > 0 || removed > 0) parts.push([added > 0 ? `+${added}` : "", removed > 0 ? `−${removed}` : ""].filter(Boolean).join(" "));
    }
    return `${name} (${parts.join(", ")})`;
}

function lineCounts(patch: string): {added: number; removed: number} {
    let added = 0;
    let removed = 0;
    let inHunk = false;
    for (const line of patch.split("\n")) {
        if (line.startsWith("@@")) inHunk = true;
        else if (line.startsWith("diff --git ")) inHunk = false;
        else if (inHunk && line.startsWith("+")) added++;
        else if (inHunk && line.startsWith("-")) removed++;
    }
    return {added, removed};
}

/** The changes as prompt text of at most about `budgetTokens` tokens (estimated, an upper bound). */
export function changesText(files: readonly ChangedFile[], budgetTokens: number, estimate: (text: string) => number = estimateTokens): ChangesText {
    const list = `Changed files:\n${files.map((file) => `- ${fileSummary(file)}`).join("\n")}\n`;
    let room = budgetTokens - estimate(list);
    // Smallest first, each taking at most an equal share of what is left: small files come whole,
    // the large ones split the rest evenly (and are shown in the diff's own order).
    const withPatch = files.filter((file) => file.patch !== "").map((file, order) => ({file, order, cost: estimate(file.patch)}));
    const bySize = [...withPatch].sort((a, b) => a.cost - b.cost);
    const shown = new Map<number, string>();
    let summarised = 0;
    for (const [index, {file, order, cost}] of bySize.entries()) {
        const share = Math.floor(room / (bySize.length - index));
        if (cost <= share) {
            shown.set(order, file.patch);
            room -= cost;
            continue;
        }
        summarised++;
        const cut = cutPatch(file.patch, share, estimate);
        if (cut !== undefined) {
            shown.set(order, cut);
            room -= estimate(cut);
        }
    }
    const patches = withPatch.flatMap(({order}) => shown.get(order) ?? []);
    return {text: patches.length > 0 ? `${list}\n${patches.join("")}` : list, summarised};
}

const cutMark = "… (the rest of this file's changes is left out)\n";

/** The patch's first lines within `budget` tokens, marked as cut; undefined when not even its header fits. */
function cutPatch(patch: string, budget: number, estimate: (text: string) => number): string | undefined {
    const lines = patch.split(/(?<=\n)/);
    let kept = "";
    let tokens = estimate(cutMark);
    for (const line of lines) {
        const cost = estimate(line);
        if (tokens + cost > budget) break;
        kept += line;
        tokens += cost;
    }
    return kept.includes("\n@@") || kept.startsWith("@@") ? kept + cutMark : undefined;
}
