/**
 * Findings checked against the file as it is now. A review takes seconds to minutes and the user
 * keeps typing, so each finding carries the text of its lines at review time (`cited`):
 *   - lines unchanged where the finding says: kept as is;
 *   - the same lines elsewhere (code above was added or removed): moved to the nearest copy;
 *   - the same lines up to whitespace: moved, but the replacement is withdrawn (it would not apply
 *     cleanly — it was written for the old indentation);
 *   - not found: dropped, since whatever it said is about code that is gone.
 * A replacement is only ever offered over lines that are exactly the cited ones.
 */
import type {AnchoredFinding} from "./findings";
import {splitLines} from "./units";

export interface DroppedFinding {
    finding: AnchoredFinding;
    reason: string;
}

export interface ValidationResult {
    kept: AnchoredFinding[];
    dropped: DroppedFinding[];
}

/** Checks findings (all for one file) against that file's current text. */
export function validateFindings(findings: readonly AnchoredFinding[], currentText: string): ValidationResult {
    const lines = splitLines(currentText);
    const kept: AnchoredFinding[] = [];
    const dropped: DroppedFinding[] = [];
    for (const finding of findings) {
        const checked = relocate(finding, lines);
        if (typeof checked === "string") dropped.push({finding, reason: checked});
        else kept.push(checked);
    }
    return {kept, dropped};
}

function relocate(finding: AnchoredFinding, lines: readonly string[]): AnchoredFinding | string {
    if (lines.length === 0) return "the file is empty now";
    const cited = finding.cited;
    if (cited.length === 0) {
        // Nothing to compare with: clamp to the file and offer no fix.
        const startLine = clamp(finding.startLine, 1, lines.length);
        const endLine = clamp(finding.endLine, startLine, lines.length);
        return withoutReplacement({...finding, startLine, endLine, cited: lines.slice(startLine - 1, endLine)});
    }
    // Blank lines match anywhere; only their exact place identifies them.
    if (cited.every((line) => line.trim() === "")) {
        const here = lines.slice(finding.startLine - 1, finding.startLine - 1 + cited.length);
        return here.length === cited.length && here.every((line, index) => line === cited[index]) ? finding : "the blank lines it points at have changed";
    }
    const exact = nearestMatch(lines, cited, finding.startLine, (a, b) => a === b);
    if (exact != null) return moveTo(finding, exact);
    const loose = nearestMatch(lines, cited, finding.startLine, (a, b) => squash(a) === squash(b));
    if (loose != null) {
        const moved = moveTo(finding, loose);
        return withoutReplacement({...moved, cited: lines.slice(loose - 1, loose - 1 + cited.length)});
    }
    return "the code it points at has changed since the review";
}

/** The 1-based start of the copy of `cited` in `lines` nearest to `near`, if any. */
function nearestMatch(lines: readonly string[], cited: readonly string[], near: number, same: (a: string, b: string) => boolean): number | undefined {
    let best: number | undefined;
    for (let start = 1; start + cited.length - 1 <= lines.length; start++) {
        let matches = true;
        for (let offset = 0; offset < cited.length && matches; offset++) matches = same(lines[start - 1 + offset]!, cited[offset]!);
        if (matches && (best == null || Math.abs(start - near) < Math.abs(best - near))) best = start;
    }
    return best;
}

function moveTo(finding: AnchoredFinding, startLine: number): AnchoredFinding {
    return {...finding, startLine, endLine: startLine + finding.cited.length - 1};
}

function withoutReplacement(finding: AnchoredFinding): AnchoredFinding {
    const rest = {...finding};
    delete rest.replacement;
    return rest;
}

function squash(line: string): string {
    return line.replace(/\s+/g, " ").trim();
}

function clamp(value: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, value));
}

/**
 * The model's replacement as text for lines startLine..endLine, or undefined when it is not a
 * usable change: empty, the same as the cited lines, or wrapped in what the prompt showed around
 * code (a markdown fence, the "12 | " line-number column).
 */
export function normalizeReplacement(raw: string | null | undefined, cited: readonly string[]): string | undefined {
    if (raw == null) return undefined;
    let text = raw.replace(/\r\n/g, "\n");
    const fenced = /^\s*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\s*\1\s*$/.exec(text);
    if (fenced) text = fenced[2] ?? "";
    let lines = text.split("\n");
    while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
    const numbered = /^[ +-]?\s*\d+ \| ?/;
    const nonBlank = lines.filter((line) => line.trim() !== "");
    if (nonBlank.length > 0 && nonBlank.every((line) => numbered.test(line))) lines = lines.map((line) => line.replace(numbered, ""));
    text = lines.join("\n");
    if (text.trim() === "") return undefined;
    if (text === cited.join("\n")) return undefined;
    return text;
}
