/**
 * Review units: what one review request shows the model. A unit is always one file's lines — a
 * diff's hunks, a selection, or a piece of a whole file — rendered with their line numbers in the
 * file as it is now, and small enough for a token budget. Everything here is plain text work: the
 * estimate is conservative (it counts more tokens than a real tokenizer does), so a unit that fits
 * by the estimate fits in the context.
 */

/** Lines of the file as it is now that a unit shows, for clamping and anchoring its findings. */
export interface LineExcerpt {
    /** 1-based number of `lines[0]`. */
    startLine: number;
    lines: string[];
}

export type UnitKind = "diff" | "selection" | "file";

export interface ReviewUnit {
    /** The file's path as it is shown to the model and put in findings. */
    file: string;
    kind: UnitKind;
    /** The text between "[file content begin]" and "[file content end]". */
    content: string;
    /** The lines of the file (as it is now) that `content` shows, in order. */
    excerpts: LineExcerpt[];
    /** 1-based; a file too large for one unit is reviewed in `count` parts. */
    part: {index: number; count: number};
    estimatedTokens: number;
}

/** One line as shown to the model: context ("" for plain files, " " in diffs), added or removed. */
export interface ShownLine {
    marker: "" | " " | "+" | "-";
    /** The line's number in the file as it is now; removed lines have none. */
    newLine?: number;
    text: string;
}

/** Lines that belong together (a diff hunk, or a run of a file), with an optional heading line. */
export interface LineGroup {
    header?: string;
    lines: ShownLine[];
}

export type TokenEstimator = (text: string) => number;

/**
 * An upper-bound guess of a text's token count without a tokenizer: code averages 3.5–4 ASCII
 * characters per token in R1's (Qwen's) vocabulary, so 3 per token overcounts; outside ASCII every
 * UTF-8 byte counts as a token (the byte-level worst case).
 */
export function estimateTokens(text: string): number {
    let ascii = 0;
    let otherBytes = 0;
    for (const char of text) {
        const code = char.codePointAt(0) ?? 0;
        if (code < 0x80) ascii++;
        else otherBytes += code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    }
    return Math.ceil(ascii / 3) + otherBytes;
}

/** Splits text into lines without their line ends ("\n" or "\r\n"); a final newline adds no line. */
export function splitLines(text: string): string[] {
    if (text === "") return [];
    const lines = text.split(/\r?\n/);
    if (lines[lines.length - 1] === "") lines.pop();
    return lines;
}

/** Shortest text a line is cut to when even alone it would not fit the budget. */
const minimumLineChars = 40;

/**
 * Packs groups into units of at most `budget` estimated tokens: groups stay whole when they fit,
 * consecutive groups share a unit while they fit, and a group larger than the budget is cut into
 * pieces, preferably at a blank line.
 */
export function packUnits(file: string, kind: UnitKind, groups: readonly LineGroup[], budget: number, estimate: TokenEstimator = estimateTokens): ReviewUnit[] {
    if (!(budget > 0)) throw new RangeError(`The token budget must be positive, got ${budget}.`);
    const width = numberWidth(groups);
    const render = (line: ShownLine) => renderLine(line, width);
    const pieces = groups.flatMap((group) => cutGroup(group, budget, render, estimate));

    const packed: RenderedGroup[][] = [];
    let current: RenderedGroup[] = [];
    let used = 0;
    for (const piece of pieces) {
        // A blank line separates groups in one unit; it costs a token at most.
        const cost = piece.tokens + (current.length > 0 ? 1 : 0);
        if (current.length > 0 && used + cost > budget) {
            packed.push(current);
            current = [];
            used = 0;
        }
        used += current.length > 0 ? piece.tokens + 1 : piece.tokens;
        current.push(piece);
    }
    if (current.length > 0) packed.push(current);

    return packed.map((unitGroups, index) => {
        const content = unitGroups.map((group) => group.text).join("\n\n");
        return {
            file,
            kind,
            content,
            excerpts: excerptsOf(unitGroups.flatMap((group) => group.lines)),
            part: {index: index + 1, count: packed.length},
            estimatedTokens: estimate(content)
        };
    });
}

/** Units for lines `startLine..endLine` (1-based, inclusive; default the whole file) of a file's text. */
export function textUnits(
    file: string,
    text: string,
    budget: number,
    options: {kind?: "selection" | "file"; startLine?: number; endLine?: number; estimate?: TokenEstimator} = {}
): ReviewUnit[] {
    const all = splitLines(text);
    const start = Math.max(1, options.startLine ?? 1);
    const end = Math.min(all.length, options.endLine ?? all.length);
    const lines: ShownLine[] = [];
    for (let number = start; number <= end; number++) lines.push({marker: "", newLine: number, text: all[number - 1] ?? ""});
    if (lines.length === 0) return [];
    return packUnits(file, options.kind ?? "file", [{lines}], budget, options.estimate);
}

interface RenderedGroup {
    text: string;
    tokens: number;
    lines: ShownLine[];
}

function cutGroup(group: LineGroup, budget: number, render: (line: ShownLine) => string, estimate: TokenEstimator): RenderedGroup[] {
    const header = group.header;
    const headerTokens = header == null ? 0 : estimate(header) + 1;
    const rendered = group.lines.map((line) => fitLine(line, budget - headerTokens, render, estimate));
    const whole = renderGroup(header, rendered.map((entry) => entry.text));
    const wholeTokens = estimate(whole);
    if (wholeTokens <= budget) return [{text: whole, tokens: wholeTokens, lines: rendered.map((entry) => entry.line)}];

    const pieces: RenderedGroup[] = [];
    let start = 0;
    while (start < rendered.length) {
        // The longest run from `start` that fits (each line costs its own tokens plus a newline).
        let used = headerTokens;
        let end = start;
        while (end < rendered.length && used + rendered[end]!.tokens + 1 <= budget) {
            used += rendered[end]!.tokens + 1;
            end++;
        }
        if (end === start) end = start + 1; // fitLine made every single line fit, so this is a safeguard
        if (end < rendered.length) end = preferBlankCut(rendered, start, end);
        const slice = rendered.slice(start, end);
        const text = renderGroup(header, slice.map((entry) => entry.text));
        pieces.push({text, tokens: estimate(text), lines: slice.map((entry) => entry.line)});
        start = end;
    }
    return pieces;
}

/** Moves a cut back to just after a blank line when one is in the last third, so pieces end between blocks. */
function preferBlankCut(rendered: readonly {line: ShownLine}[], start: number, end: number): number {
    const earliest = start + Math.ceil((2 * (end - start)) / 3);
    for (let index = end - 1; index >= earliest; index--)
        if (rendered[index]!.line.text.trim() === "") return index + 1;
    return end;
}

function fitLine(line: ShownLine, budget: number, render: (line: ShownLine) => string, estimate: TokenEstimator): {line: ShownLine; text: string; tokens: number} {
    let shown = line;
    let text = render(shown);
    let tokens = estimate(text);
    // A single line longer than the budget (minified code, data) is shown cut; the excerpt keeps its
    // full text so anchoring still compares against the real line.
    while (tokens + 1 > budget && shown.text.length > minimumLineChars) {
        const keep = Math.max(minimumLineChars, Math.floor(shown.text.length / 2));
        shown = {...shown, text: `${[...shown.text].slice(0, keep).join("")} …(line cut)`};
        text = render(shown);
        tokens = estimate(text);
    }
    return {line, text, tokens};
}

function renderGroup(header: string | undefined, lines: readonly string[]): string {
    return (header == null ? lines : [header, ...lines]).join("\n");
}

function renderLine(line: ShownLine, width: number): string {
    const number = line.newLine == null ? "" : String(line.newLine);
    return `${line.marker}${number.padStart(width)} | ${line.text}`;
}

function numberWidth(groups: readonly LineGroup[]): number {
    let max = 1;
    for (const group of groups) for (const line of group.lines) if (line.newLine != null && line.newLine > max) max = line.newLine;
    return String(max).length;
}

/** Runs of consecutive new-file line numbers (removed lines, which have none, do not break a run). */
function excerptsOf(lines: readonly ShownLine[]): LineExcerpt[] {
    const excerpts: LineExcerpt[] = [];
    let current: LineExcerpt | undefined;
    for (const line of lines) {
        if (line.newLine == null) continue;
        if (current && line.newLine === current.startLine + current.lines.length) current.lines.push(line.text);
        else {
            current = {startLine: line.newLine, lines: [line.text]};
            excerpts.push(current);
        }
    }
    return excerpts;
}
