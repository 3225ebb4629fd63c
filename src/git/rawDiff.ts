/**
 * `git diff --raw -z -p` output split into files. The raw records (NUL-separated, so every path is
 * exact: spaces, quotes, newlines, any Unicode) name the files; the patch that follows has one
 * `diff --git` section per record, in the same order. Paths are taken from the records, never parsed
 * back out of the patch headers, where git quotes some names and appends a tab to others.
 */

export type ChangeStatus = "added" | "modified" | "deleted" | "renamed" | "copied" | "typeChanged" | "unmerged";

export interface RawRecord {
    status: ChangeStatus;
    /** The path after the change (for a deleted file, the path it had). */
    path: string;
    /** Renames and copies: where it came from. */
    oldPath?: string;
}

const statusLetters: Readonly<Record<string, ChangeStatus>> = {A: "added", M: "modified", D: "deleted", R: "renamed", C: "copied", T: "typeChanged", U: "unmerged"};

/** The records at the start of `text` and where the patch starts. */
export function parseRawRecords(text: string): {records: RawRecord[]; patchStart: number} {
    const records: RawRecord[] = [];
    let at = 0;
    const field = (): string => {
        const end = text.indexOf("\0", at);
        if (end < 0) throw new Error(`git diff --raw -z: a record ends without its NUL (at ${at}).`);
        const value = text.slice(at, end);
        at = end + 1;
        return value;
    };
    while (text.startsWith(":", at)) {
        // ":100644 100644 abc123 def456 R087" — the status letter, then a score for R and C.
        const meta = field();
        const letter = meta.split(" ").at(-1)?.charAt(0) ?? "";
        const status = statusLetters[letter];
        if (!status) throw new Error(`git diff --raw -z: unknown status "${letter}" in "${meta}".`);
        const first = field();
        if (status === "renamed" || status === "copied") records.push({status, oldPath: first, path: field()});
        else records.push({status, path: first});
    }
    // A NUL stands for the blank line between the records and the patch.
    if (text.startsWith("\0", at)) at++;
    return {records, patchStart: at};
}

/** The patch split before each `diff --git ` line (content lines start with +, -, space or \, never with "diff"). */
export function splitPatch(patch: string): string[] {
    const sections: string[] = [];
    let start = patch.indexOf("diff --git ");
    while (start >= 0) {
        const next = patch.indexOf("\ndiff --git ", start);
        const end = next < 0 ? patch.length : next + 1;
        sections.push(patch.slice(start, end));
        start = next < 0 ? -1 : next + 1;
    }
    return sections;
}

export interface RawFile extends RawRecord {
    /** This file's unified diff, headers included ("" for an unmerged path, which has none). */
    patch: string;
}

/** Pairs each record with its patch section. */
export function parseRawPatch(text: string): RawFile[] {
    const {records, patchStart} = parseRawRecords(text);
    const sections = splitPatch(text.slice(patchStart));
    // An unmerged path gets a "* Unmerged path" line instead of a section.
    const withPatch = records.filter((record) => record.status !== "unmerged");
    if (withPatch.length !== sections.length) throw new Error(`git diff listed ${withPatch.length} changed files but wrote ${sections.length} patches.`);
    let next = 0;
    return records.map((record) => ({...record, patch: record.status === "unmerged" ? "" : (sections[next++] ?? "")}));
}
