/**
 * Where a code fragment from a chat answer goes in a file: the block with the same signature (a
 * declaration with the same kind and name), else the region most like it line by line, else the
 * user's selection. Two equally good places, or only a weak likeness, is "no place" with a reason —
 * never a guess — and a region is refused when replacing it would delete a declaration the fragment
 * does not have (a partial class, say). Only a fragment that is most of the file replaces the file.
 * The replacement keeps the target's indentation and the file's line endings. Plain TypeScript.
 */
import {diffArrays} from "diff";
import {blocksOf, syntaxOf, type Block, type Syntax} from "./fragmentBlocks";
import {fragmentLines, indentUnit, indentWidth, isBlank, linedText, reindent, selectedLines, type LinedText} from "./fragmentText";

export interface PlacementRequest {
    /** The target file's text as it is now. */
    readonly text: string;
    readonly fragment: string;
    /** The target's VS Code language id; without a known one only line likeness and the selection are used. */
    readonly languageId?: string;
    /** Offsets into `text`; an empty selection counts as none. */
    readonly selection?: {readonly start: number; readonly end: number};
}

export type PlacementMethod = "signature" | "similar" | "selection" | "file";

export type Placement =
    | {
          readonly none: false;
          /** Offsets into the text: replace [start, end) with `replacement`. */
          readonly range: {readonly start: number; readonly end: number};
          readonly replacement: string;
          readonly method: PlacementMethod;
          /** The target's lines the range covers, 0-based and inclusive (for titles and revealing). */
          readonly lines: {readonly start: number; readonly end: number};
      }
    | {readonly none: true; readonly reason: string};

/** A region as good as the best by this much is just as good: the place is ambiguous. */
const ambiguityMargin = 0.1;
/** Below this share of matching lines, a region is only a weak likeness. */
const minimumSimilarity = 0.5;
/** A fragment this large and this much like the file is the whole file. */
const wholeFileShare = 0.8;
/** Lines that occur more often than this in the file are no anchor for a region. */
const maxAnchorOccurrences = 20;
const maxCandidates = 12;

interface Region {
    /** File lines, inclusive. */
    readonly start: number;
    readonly end: number;
    /** The fragment lines that replace them. */
    readonly fragment: readonly string[];
    /** A file line and the fragment line that corresponds to it, which set the indentation. */
    readonly anchor: {readonly file: number; readonly fragment: number};
}

type Search = {found: Region} | {reason: string} | undefined;

export function placeFragment(request: PlacementRequest): Placement {
    const file = linedText(request.text);
    const fragment = fragmentLines(request.fragment);
    if (fragment.length === 0) return {none: true, reason: "the code block is empty"};
    const selection = selectedLines(file, request.selection);
    if (isWholeFile(file.lines, fragment)) {
        const lines = fragment.join(file.eol) + (file.endsWithEol ? file.eol : "");
        return {none: false, range: {start: 0, end: request.text.length}, replacement: lines, method: "file", lines: {start: 0, end: Math.max(0, file.lines.length - 1)}};
    }
    const syntax = syntaxOf(request.languageId);
    const bySignature = syntax ? signatureRegion(file.lines, fragment, syntax, selection, {start: 0, end: file.lines.length - 1}) : undefined;
    if (bySignature && "found" in bySignature) return regionPlacement(file, bySignature.found, "signature");
    let reason = bySignature?.reason;
    if (!reason) {
        const bySimilarity = similarRegion(file.lines, fragment, selection);
        if (bySimilarity && "found" in bySimilarity) {
            const drops = syntax ? dropsDeclarations(file.lines, bySimilarity.found, syntax) : undefined;
            if (!drops) return regionPlacement(file, bySimilarity.found, "similar");
            reason = drops;
        } else reason = bySimilarity?.reason;
    }
    if (request.selection && request.selection.end > request.selection.start) return selectionPlacement(request.text, file, fragment, request.selection);
    return {none: true, reason: reason ?? "no part of the file looks like the code block"};
}

const normalize = (line: string): string => line.trim().replace(/\s+/g, " ");
/** Closing brackets, `else`, `end`: they say nothing about where a fragment belongs. */
const isTrivial = (normalized: string): boolean => normalized.length < 4 || /^[\s{}()[\];,:]*$/.test(normalized);

/** Pairs of (file line, fragment line) that the line diff of the two keeps equal, blank lines left out. */
function matchedPairs(fileLines: readonly string[], offset: number, fragment: readonly string[]): [number, number][] {
    const pairs: [number, number][] = [];
    let fileIndex = 0;
    let fragmentIndex = 0;
    for (const change of diffArrays(fileLines.map(normalize), fragment.map(normalize))) {
        const count = change.count;
        if (change.added) fragmentIndex += count;
        else if (change.removed) fileIndex += count;
        else {
            for (let i = 0; i < count; i++) if (!isBlank(fragment[fragmentIndex + i] ?? "")) pairs.push([offset + fileIndex + i, fragmentIndex + i]);
            fileIndex += count;
            fragmentIndex += count;
        }
    }
    return pairs;
}

function isWholeFile(fileLines: readonly string[], fragment: readonly string[]): boolean {
    const fileSize = fileLines.filter((line) => !isBlank(line)).length;
    const fragmentSize = fragment.filter((line) => !isBlank(line)).length;
    if (fileSize === 0) return true;
    if (fragmentSize < wholeFileShare * fileSize) return false;
    return matchedPairs(fileLines, 0, fragment).length >= wholeFileShare * fileSize;
}

// ── by signature ────────────────────────────────────────────────────────────────────────────────

/** Blocks not inside an earlier block of the list. */
function outermost(blocks: readonly Block[]): Block[] {
    const result: Block[] = [];
    for (const block of blocks) if (!result.some((outer) => block.line > outer.line && block.end <= outer.end)) result.push(block);
    return result;
}

const importLine = /^\s*(?:import\b|from\s+\S+\s+import\b|use\s|using\s|#include\b|package\s|(?:const|let|var)\s+.*=\s*require\()/;

/**
 * The file blocks the fragment's top-level declarations replace, as one region; undefined when
 * the fragment is not made of declarations the file has.
 */
function signatureRegion(fileLines: readonly string[], fragment: readonly string[], syntax: Syntax, selection: {start: number; end: number} | undefined, within: {start: number; end: number}): Search {
    const fragmentBlocks = blocksOf(fragment, syntax);
    const top = outermost(fragmentBlocks);
    if (top.length === 0) return undefined;
    // Lines outside the fragment's declarations: imports the file already has can go; anything else
    // means the fragment is not a set of whole declarations.
    const covered = new Set(top.flatMap((block) => range(block.start, block.end)));
    const fileText = new Set(fileLines.map(normalize));
    const kept: number[] = [];
    for (let line = 0; line < fragment.length; line++) {
        const text = fragment[line] ?? "";
        if (covered.has(line)) kept.push(line);
        else if (isBlank(text)) {
            if (line > (top[0]?.start ?? 0) && line < (top.at(-1)?.end ?? 0)) kept.push(line);
        } else if (!(importLine.test(text) && fileText.has(normalize(text)))) return undefined;
    }
    const fileBlocks = blocksOf(fileLines, syntax).filter((block) => block.line >= within.start && block.end <= within.end);
    const matches: {fragment: Block; file: Block}[] = [];
    for (const block of top) {
        const candidates = fileBlocks.filter((candidate) => candidate.key === block.key);
        if (candidates.length === 0) continue; // new in the fragment: it lands beside the others
        const chosen = chooseBlock(fileLines, fragment, block, candidates, selection);
        if ("reason" in chosen) return chosen;
        matches.push({fragment: block, file: chosen.block});
    }
    const [first] = matches;
    const last = matches.at(-1);
    if (!first || !last) return undefined;
    for (let i = 1; i < matches.length; i++)
        if ((matches[i]?.file.line ?? 0) <= (matches[i - 1]?.file.end ?? 0))
            return {reason: `the code block's declarations are in another order in the file (${matches.map((match) => match.fragment.name).join(", ")})`};
    const start = first.fragment.start < first.fragment.line ? first.file.start : first.file.line;
    const region: Region = {start, end: last.file.end, fragment: kept.map((line) => fragment[line] ?? ""), anchor: {file: first.file.line, fragment: kept.indexOf(first.fragment.line)}};
    const drops = dropsDeclarations(fileLines, region, syntax);
    if (!drops) return {found: region};
    // A class shown with only the members that change: place those members inside the file's class.
    const only = top.length === 1 && matches.length === 1 ? first : undefined;
    if (only && only.fragment.kind === "type") {
        const members = fragmentBlocks.filter((block) => block.line > only.fragment.line && block.end < only.fragment.end);
        const inner = outermost(members);
        const innerFirst = inner[0];
        const innerLast = inner.at(-1);
        if (innerFirst && innerLast) {
            const body = fragment.slice(innerFirst.start, innerLast.end + 1);
            const placed = signatureRegion(fileLines, body, syntax, selection, {start: only.file.line + 1, end: only.file.end - 1});
            if (placed) return placed;
        }
    }
    return {reason: drops};
}

function range(start: number, end: number): number[] {
    return Array.from({length: end - start + 1}, (_, i) => start + i);
}

/** Of several file blocks with the fragment's signature: the one selected, else a clearly more similar one. */
function chooseBlock(fileLines: readonly string[], fragment: readonly string[], block: Block, candidates: readonly Block[], selection: {start: number; end: number} | undefined): {block: Block} | {reason: string} {
    const [only] = candidates;
    if (candidates.length === 1 && only) return {block: only};
    const selected = selection ? candidates.filter((candidate) => candidate.start <= selection.end && candidate.end >= selection.start) : [];
    const [picked] = selected;
    if (selected.length === 1 && picked) return {block: picked};
    const body = fragment.slice(block.start, block.end + 1);
    const scored = candidates
        .map((candidate) => ({candidate, score: similarity(fileLines.slice(candidate.start, candidate.end + 1), body)}))
        .sort((a, b) => b.score - a.score);
    const [best, second] = scored;
    if (best && second && best.score - second.score >= 0.15 && best.score >= minimumSimilarity) return {block: best.candidate};
    return {reason: `${block.name} is declared ${candidates.length} times in the file (lines ${candidates.map((candidate) => candidate.line + 1).join(", ")}): select the one to replace and apply again`};
}

/** Share of the two texts' meaningful lines that the line diff keeps, 0…1. */
function similarity(fileLines: readonly string[], fragment: readonly string[]): number {
    const meaningful = (lines: readonly string[]): number => lines.filter((line) => !isTrivial(normalize(line))).length;
    const common = matchedPairs(fileLines, 0, fragment).filter(([, line]) => !isTrivial(normalize(fragment[line] ?? ""))).length;
    const total = meaningful(fileLines) + meaningful(fragment);
    return total === 0 ? 0 : (2 * common) / total;
}

/**
 * Why replacing the region would lose code: a declaration in it that the fragment does not have.
 * Undefined when it loses none.
 */
function dropsDeclarations(fileLines: readonly string[], region: Region, syntax: Syntax): string | undefined {
    const kept = new Set(blocksOf(region.fragment, syntax).map((block) => block.key));
    const lost = blocksOf(fileLines.slice(region.start, region.end + 1), syntax).filter((block) => !block.weak && block.kind !== "variable" && !kept.has(block.key));
    if (lost.length === 0) return undefined;
    const names = lost.slice(0, 3).map((block) => `${block.name} (line ${region.start + block.line + 1})`).join(", ");
    return `replacing lines ${region.start + 1}–${region.end + 1} would delete ${names}, which the code block does not have`;
}

// ── by likeness ─────────────────────────────────────────────────────────────────────────────────

interface Scored extends Region {
    readonly score: number;
}

/** The region whose lines the fragment's are most like; anchored on lines the two share. */
function similarRegion(fileLines: readonly string[], fragment: readonly string[], selection: {start: number; end: number} | undefined): Search {
    const where = new Map<string, number[]>();
    fileLines.forEach((line, index) => {
        const key = normalize(line);
        if (isTrivial(key)) return;
        const list = where.get(key) ?? [];
        list.push(index);
        where.set(key, list);
    });
    const votes = new Map<number, number>();
    fragment.forEach((line, index) => {
        const found = where.get(normalize(line));
        if (!found || found.length > maxAnchorOccurrences) return;
        for (const fileLine of found) votes.set(fileLine - index, (votes.get(fileLine - index) ?? 0) + 1);
    });
    if (votes.size === 0) return undefined;
    const offsets = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxCandidates).map(([offset]) => offset);
    const slack = Math.max(3, Math.ceil(fragment.length / 4));
    const scored: Scored[] = [];
    for (const offset of offsets) {
        const windowStart = Math.max(0, offset - slack);
        const windowEnd = Math.min(fileLines.length - 1, offset + fragment.length - 1 + slack);
        const pairs = matchedPairs(fileLines.slice(windowStart, windowEnd + 1), windowStart, fragment);
        const meaningful = pairs.filter(([, line]) => !isTrivial(normalize(fragment[line] ?? "")));
        const [firstPair] = meaningful;
        const lastPair = meaningful.at(-1);
        if (!firstPair || !lastPair) continue;
        // Fragment lines before the first match and after the last stand for as many file lines.
        const start = Math.max(windowStart, firstPair[0] - firstPair[1]);
        const end = Math.min(windowEnd, lastPair[0] + (fragment.length - 1 - lastPair[1]));
        if (scored.some((other) => other.start === start && other.end === end)) continue;
        scored.push({start, end, fragment, anchor: {file: firstPair[0], fragment: firstPair[1]}, score: similarity(fileLines.slice(start, end + 1), fragment)});
    }
    scored.sort((a, b) => b.score - a.score || a.start - b.start);
    const [best] = scored;
    if (!best || best.score < minimumSimilarity) return {reason: "no part of the file is like the code block closely enough"};
    const rivals = scored.filter((other) => other !== best && (other.end < best.start || other.start > best.end) && other.score >= best.score - ambiguityMargin);
    if (rivals.length === 0) return {found: best};
    const all = [best, ...rivals];
    const selected = selection ? all.filter((region) => region.start <= selection.end && region.end >= selection.start) : [];
    const [picked] = selected;
    if (selected.length === 1 && picked) return {found: picked};
    return {reason: `the code block is as much like lines ${all.slice(0, 3).map((region) => `${region.start + 1}–${region.end + 1}`).join(" as ")}: select the one to replace and apply again`};
}

// ── the edit ────────────────────────────────────────────────────────────────────────────────────

function regionPlacement(file: LinedText, region: Region, method: PlacementMethod): Placement {
    const unit = indentUnit(file.lines);
    // Indent the fragment so that its anchor line sits where the file's anchor line does.
    const flat = reindent(region.fragment, 0, unit);
    const target = Math.max(0, indentWidth(file.lines[region.anchor.file] ?? "") - indentWidth(flat[region.anchor.fragment] ?? ""));
    const replacement = reindent(region.fragment, target, unit).join(file.eol);
    return {
        none: false,
        range: {start: file.lineStarts[region.start] ?? 0, end: file.lineEnds[region.end] ?? 0},
        replacement,
        method,
        lines: {start: region.start, end: region.end}
    };
}

/**
 * The user's selection: whole lines (it starts in the indentation) get the fragment at the
 * indentation of their first line; a part of a line gets the fragment as it is.
 */
function selectionPlacement(text: string, file: LinedText, fragment: readonly string[], selection: {start: number; end: number}): Placement {
    const lines = selectedLines(file, selection) ?? {start: 0, end: 0};
    const lineStart = file.lineStarts[lines.start] ?? 0;
    const wholeLines = text.slice(lineStart, selection.start).trim() === "" && (selection.end >= (file.lineEnds[lines.end] ?? 0) || file.lineStarts.includes(selection.end));
    if (!wholeLines) return {none: false, range: selection, replacement: fragment.join(file.eol), method: "selection", lines};
    const first = file.lines.slice(lines.start, lines.end + 1).find((line) => !isBlank(line)) ?? "";
    const replacement = reindent(fragment, indentWidth(first), indentUnit(file.lines)).join(file.eol);
    return {none: false, range: {start: lineStart, end: file.lineEnds[lines.end] ?? selection.end}, replacement, method: "selection", lines};
}
