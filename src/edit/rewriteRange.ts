/**
 * Which lines "Edit with Enclave" rewrites: the selection (whole lines), else the innermost function
 * or method around the cursor from the document's symbols, else the innermost other block (a class,
 * an object) that is not too long, else the paragraph around the cursor (the non-blank lines next to
 * it). Symbols come in as plain data, so this is plain TypeScript, tested without VS Code.
 */
import {isBlank, lineOf, linedText, selectedLines} from "./fragmentText";

/** A document symbol as VS Code's outline gives it, lines 0-based and inclusive. */
export interface SymbolLines {
    readonly name: string;
    /** VS Code's SymbolKind name in lower case: "function", "method", "class", "constructor", … */
    readonly kind: string;
    readonly startLine: number;
    readonly endLine: number;
    readonly children?: readonly SymbolLines[];
}

export interface RangeRequest {
    readonly text: string;
    /** Offsets into `text`; an empty selection counts as none. */
    readonly selection?: {readonly start: number; readonly end: number};
    /** Offset of the cursor. */
    readonly cursor: number;
    readonly symbols?: readonly SymbolLines[];
}

export interface RewriteTarget {
    /** 0-based, inclusive. */
    readonly lines: {readonly start: number; readonly end: number};
    readonly how: "selection" | "function" | "block" | "paragraph";
    /** The symbol's name when a symbol was chosen. */
    readonly name?: string;
}

const functionKinds = new Set(["function", "method", "constructor", "operator"]);
/** A class or namespace longer than this is more than the user means by "this block". */
const maxBlockLines = 200;

export function chooseRewriteTarget(request: RangeRequest): RewriteTarget {
    const file = linedText(request.text);
    const selected = selectedLines(file, request.selection);
    if (selected) return {lines: selected, how: "selection"};
    const line = lineOf(file, Math.min(Math.max(0, request.cursor), request.text.length));
    const around = enclosing(request.symbols ?? [], line);
    const fn = around.findLast((symbol) => functionKinds.has(symbol.kind));
    if (fn) return {lines: {start: fn.startLine, end: fn.endLine}, how: "function", name: fn.name};
    const block = around.findLast((symbol) => symbol.endLine > symbol.startLine && symbol.endLine - symbol.startLine < maxBlockLines);
    if (block) return {lines: {start: block.startLine, end: block.endLine}, how: "block", name: block.name};
    return {lines: paragraph(file.lines, line), how: "paragraph"};
}

/** The symbols containing `line`, outermost first. */
function enclosing(symbols: readonly SymbolLines[], line: number): SymbolLines[] {
    const path: SymbolLines[] = [];
    let level: readonly SymbolLines[] = symbols;
    for (;;) {
        const inside = level.filter((symbol) => symbol.startLine <= line && symbol.endLine >= line);
        // Of overlapping siblings, the tightest.
        const tightest = inside.sort((a, b) => a.endLine - a.startLine - (b.endLine - b.startLine))[0];
        if (!tightest) return path;
        path.push(tightest);
        level = tightest.children ?? [];
    }
}

/** The non-blank lines around `line`; a blank line is a paragraph of its own (the rewrite writes new code there). */
function paragraph(lines: readonly string[], line: number): {start: number; end: number} {
    if (isBlank(lines[line] ?? "")) return {start: line, end: line};
    let start = line;
    let end = line;
    while (start > 0 && !isBlank(lines[start - 1] ?? "")) start--;
    while (end < lines.length - 1 && !isBlank(lines[end + 1] ?? "")) end++;
    return {start, end};
}
