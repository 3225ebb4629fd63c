/**
 * Declarations and the blocks they open, found line by line: a declaration line (function, class,
 * method, type, const …) gives a key such as "callable:greet", and its block runs to the matching
 * closing bracket (brace languages) or to the end of the deeper-indented lines (Python). Strings and
 * comments are skipped while counting brackets. The same rules read the target file and the
 * fragment, so a fragment's declaration finds its counterpart by key.
 */
import {indentWidth, isBlank} from "./fragmentText";

/** Rust is a brace language whose apostrophes also start lifetimes (`'a`), not only char literals. */
export type Syntax = "brace" | "rust" | "python";
export type DeclarationKind = "callable" | "type" | "variable";

export interface Declaration {
    /** e.g. "callable:greet", "callable:Server.Handle", "type:Invoice". */
    readonly key: string;
    readonly kind: DeclarationKind;
    readonly name: string;
    readonly line: number;
    readonly indent: number;
    /** Looks like a declaration but may be a call spread over lines: matched, never counted as lost. */
    readonly weak?: boolean;
}

export interface Block extends Declaration {
    /** First line of the block: the declaration, or the comments and decorators right above it. */
    readonly start: number;
    /** Last line of the block, inclusive. */
    readonly end: number;
}

const braceLanguages = new Set([
    "typescript", "typescriptreact", "javascript", "javascriptreact", "go", "java", "c", "cpp", "csharp",
    "kotlin", "swift", "scala", "php", "dart", "groovy"
]);

/** The syntax a VS Code language id is read with, or undefined when blocks cannot be found for it. */
export function syntaxOf(languageId: string | undefined): Syntax | undefined {
    if (languageId === "python") return "python";
    if (languageId === "rust") return "rust";
    return languageId !== undefined && braceLanguages.has(languageId) ? "brace" : undefined;
}

const keywords = new Set(["if", "for", "while", "switch", "catch", "return", "function", "new", "await", "typeof", "super", "this", "else", "do", "try", "with", "yield", "throw", "delete", "void", "in", "of", "case", "sizeof", "foreach", "using", "lock", "elif", "except"]);

const ident = String.raw`[A-Za-z_$][\w$]*`;
const tsModifiers = String.raw`(?:(?:export|default|declare|abstract|async|public|private|protected|static|readonly|override|final|internal|open|inline|pub(?:\([^)]*\))?|unsafe|extern(?:\s+"[^"]*")?|const(?=\s+fn\b)|virtual|sealed|partial|synchronized)\s+)*`;

/** Patterns tried in order on a brace-language line without its indentation; group 1 is the name (group 2 for Go methods). */
const methodHead = String.raw`${tsModifiers}(?:[\w$<>\[\],.?*&:~]+\s+)*?\*?(~?#?${ident})\s*(?:<[^>]*>)?\s*\(`;

const bracePatterns: readonly {kind: DeclarationKind; pattern: RegExp; receiver?: true; weak?: true}[] = [
    // Go methods: func (s *Server) Handle(…)
    {kind: "callable", pattern: new RegExp(String.raw`^func\s*\(\s*(?:\w+\s+)?\*?\s*([\w.]+)(?:\[[^\]]*\])?\s*\)\s*(${ident})\s*[(\[]`), receiver: true},
    {kind: "callable", pattern: new RegExp(String.raw`^${tsModifiers}(?:function\s*\*?|func|fn|fun|def|sub)\s+(${ident})`)},
    {kind: "type", pattern: new RegExp(String.raw`^${tsModifiers}(?:class|interface|struct|enum|trait|union|record|object|namespace|module|protocol|extension|impl(?:<[^>]*>)?)\s+(${ident})`)},
    {kind: "type", pattern: new RegExp(String.raw`^${tsModifiers}type\s+(${ident})`)},
    {kind: "callable", pattern: new RegExp(String.raw`^${tsModifiers}(?:const|let|var|val)\s+(${ident})\s*(?::[^=]+)?=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|${ident}\s*=>)`)},
    {kind: "variable", pattern: new RegExp(String.raw`^${tsModifiers}(?:const|let|var|val)\s+(${ident})\b`)},
    // Class fields holding functions: handle = (x) => { … }
    {kind: "callable", pattern: new RegExp(String.raw`^${tsModifiers}(#?${ident})\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|${ident})\s*(?::[^=]+)?=>`)},
    // Methods, and C-like functions with a return type: name(…) {
    {kind: "callable", pattern: new RegExp(String.raw`^${methodHead}[^;]*\)\s*(?::\s*[^;{=]+|->\s*[^;{=]+|throws\s+[\w.,\s]+|const|noexcept)?\s*\{\s*(?:\}\s*)?$`)},
    // …or one whose parameter list goes on on the next lines; a call looks the same, hence weak.
    {kind: "callable", pattern: new RegExp(String.raw`^${methodHead}[^)]*$`), weak: true}
];

const pythonPatterns: readonly {kind: DeclarationKind; pattern: RegExp; topLevel?: true}[] = [
    {kind: "callable", pattern: /^(?:async\s+)?def\s+([A-Za-z_]\w*)/},
    {kind: "type", pattern: /^class\s+([A-Za-z_]\w*)/},
    {kind: "variable", pattern: /^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)/, topLevel: true}
];

/** The declaration on `line`, if it starts one. */
export function declarationAt(lines: readonly string[], line: number, syntax: Syntax): Declaration | undefined {
    const text = lines[line] ?? "";
    const code = text.trim();
    if (code === "" || /^(?:\/\/|\/\*|\*|#)/.test(code)) return undefined;
    const indent = indentWidth(text);
    if (syntax === "python") {
        for (const {kind, pattern, topLevel} of pythonPatterns) {
            if (topLevel && indent > 0) continue;
            const name = pattern.exec(code)?.[1];
            if (name) return {key: `${kind}:${name}`, kind, name, line, indent};
        }
        return undefined;
    }
    for (const {kind, pattern, receiver, weak} of bracePatterns) {
        const match = pattern.exec(code);
        if (!match) continue;
        const name = receiver ? `${(match[1] ?? "").replace(/^.*\./, "")}.${match[2] ?? ""}` : (match[1] ?? "");
        if (name === "" || keywords.has(name)) return undefined;
        return {key: `${kind}:${name}`, kind, name, line, indent, ...(weak ? {weak} : {})};
    }
    return undefined;
}

/** Every declaration in `lines`, each with its block; a declaration whose block never closes is left out. */
export function blocksOf(lines: readonly string[], syntax: Syntax): Block[] {
    const blocks: Block[] = [];
    const skip = syntax === "python" ? pythonStringLines(lines) : braceSkipMap(lines, syntax);
    for (let line = 0; line < lines.length; line++) {
        if (skip[line]) continue;
        const declaration = declarationAt(lines, line, syntax);
        if (!declaration) continue;
        const end = syntax === "python" ? pythonBlockEnd(lines, line) : braceBlockEnd(lines, line, declaration.kind, syntax);
        if (end === undefined) continue;
        blocks.push({...declaration, start: attachedStart(lines, line, declaration.indent, syntax), end});
    }
    return blocks;
}

/** Comments, doc comments and decorators directly above `line`, at its indentation. */
function attachedStart(lines: readonly string[], line: number, indent: number, syntax: Syntax): number {
    let start = line;
    for (let above = line - 1; above >= 0; above--) {
        const text = lines[above] ?? "";
        const code = text.trim();
        const attached = syntax === "python" ? /^(?:#|@)/.test(code) : /^(?:\/\/|\/\*|\*|@|#\[)/.test(code);
        if (!attached || isBlank(text) || indentWidth(text) < indent - 1) break;
        start = above;
    }
    return start;
}

type LexState = {mode: "code"} | {mode: "block"} | {mode: "string"; quote: string};

/**
 * Brackets on one line, skipping strings and comments. `state` carries block comments and
 * multi-line (template, raw) strings from line to line.
 */
function scanLine(text: string, state: LexState, syntax: Syntax, onBracket: (delta: number, char: string) => void): LexState {
    let current = state;
    for (let i = 0; i < text.length; i++) {
        const char = text[i] ?? "";
        if (current.mode === "block") {
            if (char === "*" && text[i + 1] === "/") {
                current = {mode: "code"};
                i++;
            }
            continue;
        }
        if (current.mode === "string") {
            if (char === "\\") i++;
            else if (char === current.quote) current = {mode: "code"};
            continue;
        }
        if (char === "/" && text[i + 1] === "/") break;
        if (char === "/" && text[i + 1] === "*") {
            current = {mode: "block"};
            i++;
        } else if (char === '"' || char === "'" || char === "`") {
            // An apostrophe that never closes on its line is not a string (prose in a macro, a lifetime).
            if (char === "'" && (!text.slice(i + 1).includes("'") || (syntax === "rust" && !/^'(?:\\.|[^'\\])'/.test(text.slice(i))))) continue;
            current = {mode: "string", quote: char};
        } else if ("{([".includes(char)) onBracket(1, char);
        else if ("})]".includes(char)) onBracket(-1, char);
    }
    // Only template and raw strings span lines.
    return current.mode === "string" && current.quote !== "`" ? {mode: "code"} : current;
}

/** Lines that start inside a block comment or a multi-line string: no declaration starts there. */
function braceSkipMap(lines: readonly string[], syntax: Syntax): boolean[] {
    const skip: boolean[] = [];
    let state: LexState = {mode: "code"};
    for (const text of lines) {
        skip.push(state.mode !== "code");
        state = scanLine(text, state, syntax, () => undefined);
    }
    return skip;
}

const continues = /(?:[=,|&+\-*/?:(\[{]|=>)\s*$/;
const continuation = /^\s*(?:[.|&+\-*/?:=)\]}]|=>)/;

/** The last line of the block the declaration on `start` opens, or undefined when it never closes. */
export function braceBlockEnd(lines: readonly string[], start: number, kind: DeclarationKind, syntax: Syntax): number | undefined {
    let depth = 0;
    let sawBrace = false;
    let state: LexState = {mode: "code"};
    for (let line = start; line < lines.length; line++) {
        const text = lines[line] ?? "";
        state = scanLine(text, state, syntax, (delta, char) => {
            depth += delta;
            if (char === "{") sawBrace = true;
        });
        if (depth > 0 || state.mode !== "code") continue;
        if (depth < 0) return undefined;
        const code = text.trim();
        if (sawBrace || code.endsWith(";")) return line;
        // A callable without its body yet (Allman braces, a long signature) goes on to its `{`.
        if (kind === "callable") continue;
        if (continues.test(code)) continue;
        const next = lines.slice(line + 1).find((candidate) => !isBlank(candidate));
        if (next !== undefined && continuation.test(next)) continue;
        return line;
    }
    return undefined;
}

/** Lines that start inside a triple-quoted string. */
function pythonStringLines(lines: readonly string[]): boolean[] {
    const inside: boolean[] = [];
    let open: string | undefined;
    for (const text of lines) {
        inside.push(open !== undefined);
        for (const match of text.matchAll(/"""|'''/g)) {
            if (open === undefined) open = match[0];
            else if (open === match[0]) open = undefined;
        }
    }
    return inside;
}

/** The header (to its closing `:` outside brackets) and every deeper-indented line after it. */
export function pythonBlockEnd(lines: readonly string[], start: number): number | undefined {
    const indent = indentWidth(lines[start] ?? "");
    let depth = 0;
    let headerEnd = start;
    for (; headerEnd < lines.length; headerEnd++) {
        const code = (lines[headerEnd] ?? "").replace(/#.*$/, "");
        for (const char of code) depth += "([{".includes(char) ? 1 : ")]}".includes(char) ? -1 : 0;
        if (depth <= 0) break;
    }
    if (headerEnd >= lines.length) return undefined;
    const strings = pythonStringLines(lines);
    let end = headerEnd;
    for (let line = headerEnd + 1; line < lines.length; line++) {
        const text = lines[line] ?? "";
        if (strings[line]) {
            end = line;
            continue;
        }
        if (isBlank(text)) continue;
        if (indentWidth(text) <= indent) break;
        end = line;
    }
    return end;
}
