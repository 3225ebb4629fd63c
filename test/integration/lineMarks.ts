// What a screenshot shows along an editor's lines (screenshot.ts's editorLineColours), reduced to
// what the inline-diff theme tests assert: a line's background and the mark a decoration draws on
// it, a fill or an outline, in colours a plain line of the same editor does not have.
import type {EditorLineColours} from "./screenshot";

/** The one line showing `text` (trimmed), or a message saying how many there were. */
export function lineShowing(lines: readonly EditorLineColours[], text: string): EditorLineColours | string {
    const found = lines.filter((line) => line.text === text);
    return found.length === 1 && found[0] ? found[0] : `${found.length} editor lines show "${text}"`;
}

/** The line's most common colour: its background. */
export function background(line: EditorLineColours): string {
    return Object.keys(line.colours)[0] ?? "none";
}

/**
 * The colour a decoration marks `line` with: the most common one that `plain` (an undecorated line
 * of the same editor) does not have and that has more than a pixel row and a half's worth of pixels
 * across the text area — a fill covers the whole strip, an outline its top and bottom rows; the
 * neighbour's fill in the one pixel row below the line (which the strip includes), or text (a few
 * scattered, anti-aliased pixels per colour), does not.
 */
export function mark(line: EditorLineColours, plain: EditorLineColours): string | undefined {
    return Object.entries(line.colours).find(([colour, pixels]) => !(colour in plain.colours) && pixels > 1.5 * line.width)?.[0];
}

/** The largest difference of one channel between two "#rrggbb" colours, 0..255. */
export function channelDistance(a: string, b: string): number {
    const [x, y] = [rgb(a), rgb(b)];
    return Math.max(...x.map((value, i) => Math.abs(value - (y[i] ?? 0))));
}

/** The WCAG contrast ratio of two "#rrggbb" colours, 1..21. */
export function contrast(a: string, b: string): number {
    const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
    return (lighter + 0.05) / (darker + 0.05);
}

function luminance(colour: string): number {
    const [r, g, b] = rgb(colour).map((value) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function rgb(colour: string): number[] {
    const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    if (!match) throw new Error(`not a #rrggbb colour: ${colour}`);
    return match.slice(1).map((hex) => parseInt(hex, 16));
}
