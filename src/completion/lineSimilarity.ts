/**
 * Line-set similarity, used to tell near-duplicate chunks apart (a chunk re-picked after a small
 * edit) and to keep text that the prompt already shows out of the context chunks. Lines are
 * compared trimmed, and blank lines are ignored: indentation and spacing changes are not new content.
 */

/** The trimmed, non-blank lines of `text`. */
export function significantLines(text: string): string[] {
    const lines: string[] = [];
    for (const line of text.split("\n")) {
        const trimmed = line.trim();
        if (trimmed !== "") lines.push(trimmed);
    }
    return lines;
}

/** |A ∩ B| / |A ∪ B| over distinct lines; 1 for two empty sets. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
    const setA = new Set(a);
    const setB = new Set(b);
    if (setA.size === 0 && setB.size === 0) return 1;
    let common = 0;
    for (const line of setA) if (setB.has(line)) common++;
    return common / (setA.size + setB.size - common);
}

/**
 * The share of `lines` found in `within`, over distinct lines weighted by length: code repeats short
 * lines (`}`, `let total = 0;`) everywhere, so those must not make a far chunk look like a near one.
 * 0 for no lines.
 */
export function containment(lines: readonly string[], within: ReadonlySet<string>): number {
    let found = 0;
    let total = 0;
    for (const line of new Set(lines)) {
        total += line.length;
        if (within.has(line)) found += line.length;
    }
    return total === 0 ? 0 : found / total;
}
