/**
 * Unified diffs (`git diff` output) split into files and hunks, and turned into review units whose
 * line numbers are those of the NEW file — the file as it is now, where findings will be shown.
 * Parsing is parse-diff's; this adds what a review needs: the "\ No newline at end of file" marker
 * dropped (parse-diff reports it as an added line), CR line ends trimmed, and files with nothing
 * to review (deleted, binary, pure renames) set aside with the reason.
 */
import parseDiff from "parse-diff";
import type {ChangedFile} from "../git/changes";
import {estimateTokens, packUnits, type LineGroup, type ReviewUnit, type ShownLine, type TokenEstimator} from "./units";

export interface DiffHunk {
    /** The "@@ -a,b +c,d @@ context" line. */
    header: string;
    newStart: number;
    newLines: number;
    lines: ShownLine[];
}

export type FileDiffStatus = "added" | "modified" | "renamed" | "deleted";

export interface FileDiff {
    /** The new path (the old one for a deleted file). */
    file: string;
    oldFile?: string;
    status: FileDiffStatus;
    /** Git reported a binary change: there are no lines to review. */
    binary: boolean;
    hunks: DiffHunk[];
    /** Why there is nothing to review, when git gave no patch (binary, too large, a nested repository). */
    skipped?: string;
}

export function parseUnifiedDiff(text: string): FileDiff[] {
    return parseDiff(text).map((parsed) => {
        const from = parsed.from === "/dev/null" ? undefined : parsed.from;
        const to = parsed.to === "/dev/null" ? undefined : parsed.to;
        const status: FileDiffStatus = parsed.deleted ? "deleted" : parsed.new ? "added" : from != null && to != null && from !== to ? "renamed" : "modified";
        const hunks = parsed.chunks.map((chunk): DiffHunk => ({
            header: chunk.content.replace(/\r$/, ""),
            newStart: chunk.newStart,
            newLines: chunk.newLines,
            lines: chunk.changes.flatMap((change): ShownLine[] => {
                // "\ No newline at end of file" is not a line of either file.
                if (change.content.startsWith("\\")) return [];
                const text = change.content.slice(1).replace(/\r$/, "");
                switch (change.type) {
                    case "add":
                        return [{marker: "+", newLine: change.ln, text}];
                    case "del":
                        return [{marker: "-", text}];
                    case "normal":
                        return [{marker: " ", newLine: change.ln2, text}];
                }
            })
        }));
        const binary = hunks.length === 0 && (parsed.index?.length ?? 0) > 0 && status !== "renamed" && !parsed.new && !parsed.deleted;
        return {
            file: to ?? from ?? "",
            ...(from != null && from !== to ? {oldFile: from} : {}),
            status,
            binary,
            hunks
        };
    });
}

/**
 * Git's changed files (src/git) as review diffs. The names are git's exact ones (its NUL-separated
 * records), not parsed back out of patch headers; files git gave no patch for keep the reason.
 */
export function changedFileDiffs(files: readonly ChangedFile[]): FileDiff[] {
    return files.map((changed): FileDiff => {
        const parsed = changed.patch === "" ? undefined : parseUnifiedDiff(changed.patch)[0];
        const status: FileDiffStatus = changed.status === "added" || changed.status === "deleted" || changed.status === "renamed" ? changed.status : changed.status === "copied" ? "added" : "modified";
        const skipped = changed.skipped ?? (changed.status === "unmerged" ? "unmerged (resolve the conflict first)" : undefined);
        return {
            file: changed.path,
            ...(changed.oldPath != null ? {oldFile: changed.oldPath} : {}),
            status,
            binary: parsed?.binary ?? false,
            hunks: parsed?.hunks ?? [],
            ...(skipped != null ? {skipped} : {})
        };
    });
}

export interface DiffUnits {
    units: ReviewUnit[];
    /** Files in the diff with nothing to review, and why. */
    skipped: {file: string; reason: string}[];
}

/**
 * One unit per file while its hunks fit `budget` (estimated tokens of the unit's content);
 * otherwise consecutive hunks are packed into several units, and a hunk larger than the budget is
 * cut between lines.
 */
export function diffUnits(files: readonly FileDiff[], budget: number, estimate: TokenEstimator = estimateTokens): DiffUnits {
    const units: ReviewUnit[] = [];
    const skipped: {file: string; reason: string}[] = [];
    for (const diff of files) {
        const reason = skipReason(diff);
        if (reason) {
            skipped.push({file: diff.file, reason});
            continue;
        }
        const groups: LineGroup[] = diff.hunks.map((hunk) => ({header: hunk.header, lines: hunk.lines}));
        units.push(...packUnits(diff.file, "diff", groups, budget, estimate));
    }
    return {units, skipped};
}

function skipReason(diff: FileDiff): string | undefined {
    if (diff.skipped != null) return diff.skipped;
    if (diff.status === "deleted") return "deleted";
    if (diff.binary) return "binary file";
    if (diff.hunks.length === 0) return diff.status === "renamed" ? "renamed without changes" : "no changed lines";
    // Removed lines can be worth a finding (a dropped check), but it must sit on a line of the new file.
    if (!diff.hunks.some((hunk) => hunk.lines.some((line) => line.newLine != null))) return "only removed lines, no context";
    return undefined;
}
