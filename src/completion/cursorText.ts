/**
 * The text right around the cursor, read without scanning the whole document: a minified file is one
 * line of megabytes, so every read here is capped.
 */

const defaultCap = 4096;

/** The start of the line holding `pos` (`lastIndexOf` treats a negative start as 0, hence the guard). */
export function lineStartAt(text: string, pos: number): number {
    return pos <= 0 ? 0 : text.lastIndexOf("\n", pos - 1) + 1;
}

/** From the start of the cursor's line to the cursor (at most `cap` characters, the nearest ones). */
export function linePrefix(text: string, offset: number, cap = defaultCap): string {
    const from = Math.max(0, offset - cap);
    return text.slice(Math.max(from, lineStartAt(text, offset)), offset);
}

/** From the cursor to the end of its line, without the line break (at most `cap` characters). */
export function lineSuffix(text: string, offset: number, cap = defaultCap): string {
    const to = Math.min(text.length, offset + cap);
    const lineEnd = text.indexOf("\n", offset);
    const end = lineEnd === -1 || lineEnd > to ? to : lineEnd;
    return text.slice(offset, end).replace(/\r$/, "");
}

/** The last `lines` lines before the cursor, the cursor's partial line included (at most `cap` characters). */
export function tailLines(text: string, offset: number, lines: number, cap = defaultCap): string {
    const floor = Math.max(0, offset - cap);
    let start = lineStartAt(text, offset);
    for (let i = 1; i < lines && start > floor; i++) start = lineStartAt(text, start - 1);
    return text.slice(Math.max(floor, start), offset);
}

/** The text after the cursor, at most `cap` characters (for post-processing, which needs a few lines). */
export function textAfter(text: string, offset: number, cap = defaultCap): string {
    return text.slice(offset, Math.min(text.length, offset + cap));
}

/** The leading whitespace of a line. */
export function indentOf(line: string): string {
    return /^[ \t]*/.exec(line)?.[0] ?? "";
}

/** Indentation width, a tab counting as `tabSize` columns. */
export function indentWidth(indent: string, tabSize = 4): number {
    let width = 0;
    for (const ch of indent) width += ch === "\t" ? tabSize : 1;
    return width;
}
