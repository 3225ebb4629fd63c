/**
 * The inline diff of a rewrite in the document: the target's original lines stay where they are
 * (marked as removed) and the proposed lines sit right below them (marked as added), the rest of
 * the file untouched. As the proposal grows, `nextEdit` says which of the shown proposed lines to
 * replace — usually none: new lines are appended — so the editor does the least work per chunk.
 * Plain TypeScript: the VS Code side applies these edits, the benchmark applies them to an array.
 */

/** Replace `removed` proposed lines from the `start`-th one (0-based, within the proposal) with `inserted`. */
export interface ProposalEdit {
    readonly start: number;
    readonly removed: number;
    readonly inserted: readonly string[];
}

/** The edit that turns the shown proposal into the wanted one; undefined when they are the same. */
export function nextEdit(shown: readonly string[], wanted: readonly string[]): ProposalEdit | undefined {
    let prefix = 0;
    while (prefix < shown.length && prefix < wanted.length && shown[prefix] === wanted[prefix]) prefix++;
    if (prefix === shown.length && prefix === wanted.length) return undefined;
    let suffix = 0;
    while (suffix < shown.length - prefix && suffix < wanted.length - prefix && shown[shown.length - 1 - suffix] === wanted[wanted.length - 1 - suffix]) suffix++;
    return {start: prefix, removed: shown.length - prefix - suffix, inserted: wanted.slice(prefix, wanted.length - suffix)};
}

/** `lines` with the edit applied (the shown proposal after it). */
export function applyEdit(lines: readonly string[], edit: ProposalEdit): string[] {
    return [...lines.slice(0, edit.start), ...edit.inserted, ...lines.slice(edit.start + edit.removed)];
}

/** Where the diff is in the document, 0-based lines, inclusive; `added` is undefined while nothing is proposed yet. */
export interface DiffLines {
    readonly removed: {readonly start: number; readonly end: number};
    readonly added: {readonly start: number; readonly end: number} | undefined;
}

export function diffLines(targetStart: number, originalCount: number, proposedCount: number): DiffLines {
    const end = targetStart + originalCount - 1;
    return {removed: {start: targetStart, end}, added: proposedCount === 0 ? undefined : {start: end + 1, end: end + proposedCount}};
}
