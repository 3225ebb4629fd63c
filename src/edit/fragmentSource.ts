/**
 * Which file a code block of an answer is about, as far as the answer says: a path in the fence's
 * info string (```ts src/a.ts, ```ts title="src/a.ts", ```src/a.ts) or on the line before the
 * fence ("In `src/a.ts`:", "**src/a.ts**"). The block is found in the answer's markdown with the
 * same parser the chat view renders it with, so "the n-th block" means the same on both sides.
 */
import MarkdownIt from "markdown-it";

export interface AnswerCodeBlock {
    readonly code: string;
    /** The fence's whole info string ("" for an indented block). */
    readonly info: string;
    /** The nearest non-blank line above the block when it is prose, else "". */
    readonly lineBefore: string;
}

const parser = new MarkdownIt({html: false});

/** The `index`-th code block (fenced or indented, in document order) of `markdown`. */
export function codeBlockAt(markdown: string, index: number): AnswerCodeBlock | undefined {
    const blocks = parser.parse(markdown, {}).filter((token) => token.type === "fence" || token.type === "code_block");
    const token = blocks[index];
    if (!token) return undefined;
    const lines = markdown.split(/\r?\n/);
    const firstLine = token.map?.[0] ?? 0;
    const above = lines.slice(0, firstLine).findLastIndex((line) => line.trim() !== "");
    // Prose only: the last line of an earlier code block names nothing about this one.
    const inCode = blocks.some((other) => other.map !== null && above >= other.map[0] && above < other.map[1]);
    const lineBefore = above < 0 || inCode ? "" : (lines[above] ?? "");
    const code = token.content.endsWith("\n") ? token.content.slice(0, -1) : token.content;
    return {code, info: token.info.trim(), lineBefore: lineBefore.trim()};
}

/** A relative or absolute file path with an extension, optionally followed by :line or :line-line. */
const pathPattern = /^(?:[A-Za-z]:[\\/]|[~.]{0,2}[\\/])?(?:[\w@$+\-.]+[\\/])*[\w@$+\-.]*\w\.[A-Za-z][\w]{0,9}$/;

/** `word` as a path, without quotes, a trailing :line(s) or punctuation; undefined when it is none. */
function asPath(word: string): string | undefined {
    const bare = word
        .replace(/^[`'"*_([{<]+|[`'"*_)\]}>]+$/g, "")
        .replace(/[:,;.!?]+$/, "")
        .replace(/:\d+(?:[-–]\d+)?$/, "")
        .replace(/^(?:file|path|title|filename|name)=/i, "")
        .replace(/^[`'"]+|[`'"]+$/g, "");
    if (bare.length > 500 || /^[a-z]+:\/\//i.test(bare) || /^\d+(?:\.\d+)+$/.test(bare)) return undefined;
    return pathPattern.test(bare) ? bare : undefined;
}

/**
 * Paths the block names, the likeliest first: from the info string after the language, the info
 * string's first word itself when it is a path, then the line before (backticked spans first).
 */
export function namedPaths(block: Pick<AnswerCodeBlock, "info" | "lineBefore">): string[] {
    const found: string[] = [];
    const add = (candidate: string | undefined): void => {
        if (candidate !== undefined && !found.includes(candidate)) found.push(candidate);
    };
    // "ts:src/a.ts" names the language and the file.
    const info = block.info.replace(/^([\w+#-]+):(?=\S)/, "$1 ");
    const words = info.split(/[\s{}]+/).filter(Boolean);
    for (const word of words.slice(1)) add(asPath(word));
    add(words[0] === undefined ? undefined : asPath(words[0]));
    const line = block.lineBefore;
    for (const span of line.matchAll(/`([^`]+)`/g)) add(asPath(span[1] ?? ""));
    for (const word of line.replace(/`[^`]*`/g, " ").split(/\s+/)) add(asPath(word));
    return found;
}
