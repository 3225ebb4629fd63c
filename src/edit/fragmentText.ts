/**
 * The line-level facts fragment placement works with: a file's lines and their offsets, its line
 * ending, its indentation unit, and the re-indentation of a fragment to a target level. Plain
 * TypeScript, no `vscode`.
 */

/** A tab counts as this many columns when indentation widths are compared. */
const tabWidth = 4;

export interface LinedText {
    readonly lines: readonly string[];
    /** Offset of each line's first character; `lineEnds[i]` is the offset just before its line ending. */
    readonly lineStarts: readonly number[];
    readonly lineEnds: readonly number[];
    readonly eol: "\n" | "\r\n";
    /** The text ends with a line ending (its last "line" is empty). */
    readonly endsWithEol: boolean;
}

/** Splits on \n and \r\n; the file's line ending is the one most of its lines use. */
export function linedText(text: string): LinedText {
    const lines: string[] = [];
    const lineStarts: number[] = [];
    const lineEnds: number[] = [];
    let crlf = 0;
    let lf = 0;
    let start = 0;
    for (;;) {
        const newline = text.indexOf("\n", start);
        if (newline < 0) break;
        const cr = newline > start && text[newline - 1] === "\r";
        if (cr) crlf++;
        else lf++;
        const end = cr ? newline - 1 : newline;
        lines.push(text.slice(start, end));
        lineStarts.push(start);
        lineEnds.push(end);
        start = newline + 1;
    }
    const endsWithEol = start === text.length && text.length > 0;
    if (!endsWithEol) {
        lines.push(text.slice(start));
        lineStarts.push(start);
        lineEnds.push(text.length);
    }
    return {lines, lineStarts, lineEnds, eol: crlf > lf ? "\r\n" : "\n", endsWithEol};
}

/** A fragment's lines without the blank lines around it; \r\n and \n alike. */
export function fragmentLines(fragment: string): string[] {
    const lines = fragment.split(/\r?\n/);
    while (lines.length > 0 && lines[0]?.trim() === "") lines.shift();
    while (lines.length > 0 && lines.at(-1)?.trim() === "") lines.pop();
    return lines;
}

export const isBlank = (line: string): boolean => line.trim() === "";

export function leadingWhitespace(line: string): string {
    return /^[ \t]*/.exec(line)?.[0] ?? "";
}

/** Columns of a line's indentation, a tab counting `tabWidth`. */
export function indentWidth(line: string): number {
    let width = 0;
    for (const char of leadingWhitespace(line)) width += char === "\t" ? tabWidth : 1;
    return width;
}

/** How a text indents one level: a tab, or the space count most of its indentation steps use. */
export function indentUnit(lines: readonly string[], fallback = "    "): string {
    let tabs = 0;
    let spaces = 0;
    const steps = new Map<number, number>();
    let previous = 0;
    for (const line of lines) {
        if (isBlank(line)) continue;
        const lead = leadingWhitespace(line);
        if (lead.startsWith("\t")) tabs++;
        else if (lead.startsWith(" ")) spaces++;
        const width = indentWidth(line);
        const step = width - previous;
        if (step > 0 && step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
        previous = width;
    }
    if (tabs > spaces) return "\t";
    if (spaces === 0) return fallback;
    const [best] = [...steps.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return best ? " ".repeat(best[0]) : fallback;
}

function unitWidth(unit: string): number {
    return unit === "\t" ? tabWidth : unit.length;
}

/** Indentation of `width` columns written in `unit` (spaces for any remainder). */
export function indentString(width: number, unit: string): string {
    const size = unitWidth(unit);
    return unit.repeat(Math.floor(Math.max(0, width) / size)) + " ".repeat(Math.max(0, width) % size);
}

/**
 * Moves `lines` so that their least indented line starts at `targetWidth` columns, converting each
 * level of the fragment's own unit to one level of the file's; blank lines become empty.
 */
export function reindent(lines: readonly string[], targetWidth: number, fileUnit: string): string[] {
    const content = lines.filter((line) => !isBlank(line));
    if (content.length === 0) return lines.map(() => "");
    const base = Math.min(...content.map(indentWidth));
    const fragmentUnit = indentUnit(content, fileUnit);
    const fromSize = unitWidth(fragmentUnit);
    const toSize = unitWidth(fileUnit);
    return lines.map((line) => {
        if (isBlank(line)) return "";
        const relative = indentWidth(line) - base;
        const levels = Math.floor(relative / fromSize);
        const rest = relative % fromSize;
        return indentString(targetWidth + levels * toSize + rest, fileUnit) + line.trimStart();
    });
}

/** The fragment's least indentation, in columns. */
export function baseIndent(lines: readonly string[]): number {
    const content = lines.filter((line) => !isBlank(line));
    return content.length === 0 ? 0 : Math.min(...content.map(indentWidth));
}

/** The lines a selection (offsets) covers, 0-based and inclusive; undefined for an empty one. */
export function selectedLines(file: LinedText, selection: {readonly start: number; readonly end: number} | undefined): {start: number; end: number} | undefined {
    if (!selection || selection.end <= selection.start) return undefined;
    const start = lineOf(file, selection.start);
    let end = lineOf(file, selection.end);
    // A selection that ends at the start of a line does not take that line.
    if (end > start && file.lineStarts[end] === selection.end) end--;
    return {start, end};
}

/** The 0-based line holding `offset`. */
export function lineOf(file: LinedText, offset: number): number {
    let low = 0;
    let high = file.lineStarts.length - 1;
    while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if ((file.lineStarts[middle] ?? 0) <= offset) low = middle;
        else high = middle - 1;
    }
    return low;
}
