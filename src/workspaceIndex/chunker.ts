/**
 * Splits a file into the pieces the index ranks and the chat attaches: with a grammar, pieces follow
 * the code's structure — each function, class or method of real size is one piece with the comment
 * above it, small neighbouring statements are grouped, and whatever is too big is split into its
 * parts (a class into its methods) and, at the bottom, into line windows; without a grammar, line
 * windows that prefer to end at a blank line.
 */
import type {SyntaxNode} from "./grammars";

export interface ChunkSpan {
    /** 1-based, inclusive. */
    startLine: number;
    endLine: number;
    /** The function, class or method the piece is, when known. */
    symbol?: string;
}

interface Parser {
    parse(text: string): {rootNode: SyntaxNode; delete(): void} | null;
}

export const chunkLimits = {
    /** A piece longer than this is split. */
    maxLines: 80,
    maxChars: 4_000,
    /** Line windows: their length, and how far back from the end a blank line may end one early. */
    windowLines: 50,
    windowSlack: 15,
    /** A declaration shorter than this is grouped with its neighbours instead of standing alone. */
    minDeclarationLines: 3
};

/** The pieces of `text`; `parser` is the file's tree-sitter parser, or undefined for line windows. */
export function chunkFile(text: string, parser: Parser | undefined): ChunkSpan[] {
    const lines = text.split("\n");
    if (text.trim() === "") return [];
    if (parser) {
        let tree: ReturnType<Parser["parse"]> = null;
        try {
            tree = parser.parse(text);
            if (tree) return structuralChunks(tree.rootNode, lines);
        } catch {
            // A grammar that chokes on this file: line windows still index it.
        } finally {
            tree?.delete();
        }
    }
    return lineWindows(lines, 0, lines.length - 1);
}

/** 0-based inclusive rows of a node, without a trailing empty row. */
interface Span {
    start: number;
    end: number;
    symbol?: string;
    isDeclaration: boolean;
    isComment: boolean;
}

/** Nodes that wrap a declaration: `export function f`, `@decorator def f`. */
const wrapperType = /export|decorated/;
const declarationType = /function|method|class|interface|struct|enum|impl|trait|module|namespace|type_alias|type_declaration|declaration|definition|constructor/;

function structuralChunks(root: SyntaxNode, lines: readonly string[]): ChunkSpan[] {
    const spans = spansOf(root, lines);
    return group(spans, lines).filter((chunk) => chunk.endLine >= chunk.startLine);
}

function rowsOf(node: SyntaxNode): {start: number; end: number} {
    const start = node.startPosition.row;
    const end = node.endPosition.column === 0 && node.endPosition.row > start ? node.endPosition.row - 1 : node.endPosition.row;
    return {start, end};
}

function charsOf(lines: readonly string[], start: number, end: number): number {
    let chars = 0;
    for (let row = start; row <= end; row++) chars += (lines[row]?.length ?? 0) + 1;
    return chars;
}

function fits(lines: readonly string[], start: number, end: number): boolean {
    return end - start + 1 <= chunkLimits.maxLines && charsOf(lines, start, end) <= chunkLimits.maxChars;
}

/** The node as one span when it fits, else its children's spans (its first lines go with the first child). */
function spansOf(node: SyntaxNode, lines: readonly string[]): Span[] {
    const spans: Span[] = [];
    for (const child of node.namedChildren) {
        if (!child) continue;
        const {start, end} = rowsOf(child);
        const isComment = child.type.includes("comment");
        // A node on one line cannot be split by lines, however long the line (minified code, a table).
        if (start === end || fits(lines, start, end)) {
            const symbol = isComment ? undefined : symbolOf(child);
            addSpan(spans, {start, end, isComment, isDeclaration: symbol !== undefined && (declarationType.test(child.type) || wrapperType.test(child.type)), ...(symbol ? {symbol} : {})});
            continue;
        }
        const inner = spansOf(child, lines);
        if (inner.length === 0) {
            for (const window of lineWindows(lines, start, end)) addSpan(spans, plainSpan(window));
            continue;
        }
        // The header of a split declaration ("class Parser {", its name, the doc comment of its first
        // member) joins its first member, so that no piece is a bare header.
        const symbol = symbolOf(child);
        const firstDeclaration = inner.findIndex((span) => span.isDeclaration);
        const joined = firstDeclaration === -1 ? undefined : (inner[firstDeclaration] as Span);
        const first = inner[0] as Span;
        if (joined && fits(lines, start, joined.end)) inner.splice(0, firstDeclaration + 1, {...joined, start});
        else if (first.start > start && fits(lines, start, first.end)) inner[0] = {...first, start, ...(symbol && !first.symbol ? {symbol} : {})};
        else if (first.start > start) inner.unshift(...lineWindows(lines, start, first.start - 1).map(plainSpan));
        for (const span of inner) addSpan(spans, symbol && span.symbol && span.symbol !== symbol && !span.symbol.startsWith(`${symbol}.`) ? {...span, symbol: `${symbol}.${span.symbol}`} : span);
    }
    return spans;
}

function plainSpan(window: ChunkSpan): Span {
    return {start: window.startLine - 1, end: window.endLine - 1, isComment: false, isDeclaration: false};
}

/** Keeps spans in order and apart: nodes that share a line become one span, so no line is indexed twice. */
function addSpan(spans: Span[], span: Span): void {
    const last = spans.at(-1);
    if (last && span.start <= last.end) {
        last.end = Math.max(last.end, span.end);
        last.isComment &&= span.isComment;
        // A declaration that starts on the line of its header (a class's name) keeps its name.
        last.isDeclaration ||= span.isDeclaration;
        if (span.symbol !== undefined) last.symbol ??= span.symbol;
        return;
    }
    spans.push(span);
}

/** The body of a class, block or impl: it holds declarations but is not one, so it takes none of their names. */
const bodyType = /body|block|declaration_list/;

/** A declaration's name: its `name` field (a Rust impl's type), or that of a declaration it wraps (export, decorators, `const x = …`, Go's `type X struct`). */
function symbolOf(node: SyntaxNode, depth = 0): string | undefined {
    if (bodyType.test(node.type)) return undefined;
    const name = node.childForFieldName("name") ?? (node.type === "impl_item" ? node.childForFieldName("type") : null);
    if (name && name.text.length <= 100) return name.text;
    if (depth >= 2) return undefined;
    for (const child of node.namedChildren) {
        if (!child || child.type.includes("comment")) continue;
        if (declarationType.test(child.type) || child.type.includes("declarator") || child.type.endsWith("_spec") || child.type === "decorated_definition") {
            const found = symbolOf(child, depth + 1);
            if (found) return found;
        }
    }
    return undefined;
}

/** Declarations of real size stand alone with the comments just above them; the rest is grouped up to the limit. */
function group(spans: readonly Span[], lines: readonly string[]): ChunkSpan[] {
    const chunks: ChunkSpan[] = [];
    // `comments`: where the run of comments that ends the group starts (a declaration may take it as its
    // documentation), and `codeEnd` where the group's code before that run ends.
    let current: {start: number; end: number; symbol?: string; comments?: number; codeEnd?: number} | undefined;
    const push = (start: number, end: number, symbol: string | undefined) => chunks.push({startLine: start + 1, endLine: end + 1, ...(symbol ? {symbol} : {})});
    const flush = () => {
        if (current) push(current.start, current.end, current.symbol);
        current = undefined;
    };
    for (const span of spans) {
        if (span.isDeclaration && span.end - span.start + 1 >= chunkLimits.minDeclarationLines) {
            // Comments directly above it (at most one blank line between) are its documentation, even when
            // code (the imports) comes before them in the same group.
            const comments = current?.comments;
            const documented = current !== undefined && comments !== undefined && span.start - current.end <= 2 && fits(lines, comments, span.end);
            if (documented && current) {
                if (current.codeEnd !== undefined) push(current.start, current.codeEnd, current.symbol);
                current = undefined;
            } else flush();
            push(documented && comments !== undefined ? comments : span.start, span.end, span.symbol);
        } else if (current && fits(lines, current.start, span.end)) {
            if (span.isComment) current.comments ??= span.start;
            else {
                current.comments = undefined;
                current.codeEnd = span.end;
            }
            current.end = span.end;
            current.symbol ??= span.symbol;
        } else {
            flush();
            current = {start: span.start, end: span.end, ...(span.isComment ? {comments: span.start} : {codeEnd: span.end}), ...(span.symbol ? {symbol: span.symbol} : {})};
        }
    }
    flush();
    return chunks;
}

/** Rows `first`…`last` (0-based) as windows of about `windowLines`, ending early at a blank line when one is near. */
export function lineWindows(lines: readonly string[], first: number, last: number): ChunkSpan[] {
    const windows: ChunkSpan[] = [];
    let start = first;
    while (start <= last) {
        let end = Math.min(last, start + chunkLimits.windowLines - 1);
        if (end < last) {
            for (let row = end; row > end - chunkLimits.windowSlack && row > start; row--)
                if ((lines[row] ?? "").trim() === "") {
                    end = row;
                    break;
                }
        }
        // A window of very long lines is cut by characters too.
        while (end > start && charsOf(lines, start, end) > chunkLimits.maxChars) end = start + Math.floor((end - start) / 2);
        if (lines.slice(start, end + 1).some((line) => line.trim() !== "")) windows.push({startLine: start + 1, endLine: end + 1});
        start = end + 1;
    }
    return windows;
}
