/**
 * The recall query set of bench:index, made mechanically from the corpus: every function or method
 * with a JSDoc comment (`/** … *\/` ending on the line just above it) in the corpus's JavaScript and
 * TypeScript files, found with the tree-sitter grammars the index itself uses (through Grammars).
 * The query is the comment's text with the function's own name and that name's identifier parts
 * removed (case-insensitive; tags such as `@param value` stay); the answer is the file that defines
 * it. Packages ship one function several times (src/*.ts, dist/*.js, *.cjs, *.d.ts), with the same
 * comment: every file where the same name carries the same comment counts as the answer.
 * Queries come only from definitions with a body; comments of fewer than 5 words after the removal
 * are too trivial to be a question. A seeded shuffle picks the sample.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {Grammars, type SyntaxNode} from "../../src/workspaceIndex/grammars";
import {identifierParts} from "../../src/workspaceIndex/identifiers";
import {languageOf} from "../../src/workspaceIndex/fileRules";

export interface RecallQuery {
    query: string;
    name: string;
    /** Where the sampled definition is (file:line). */
    definedAt: string;
    /** Every file holding this name with this comment. */
    answers: string[];
}

interface Documented {
    name: string;
    doc: string;
    hasBody: boolean;
    line: number;
}

const functionValue = new Set(["arrow_function", "function_expression", "function", "generator_function"]);
const minWords = 5;

/** Where a JSDoc comment of a declaration sits: the statement that wraps it (export, declare, const …). */
function anchorOf(node: SyntaxNode): SyntaxNode {
    let anchor = node;
    for (;;) {
        const parent = anchor.parent;
        if (!parent) return anchor;
        if (parent.type === "export_statement" || parent.type === "ambient_declaration" || parent.type === "expression_statement") anchor = parent;
        else if ((parent.type === "lexical_declaration" || parent.type === "variable_declaration") && parent.namedChildren.filter((child) => child?.type === "variable_declarator").length === 1) anchor = parent;
        else return anchor;
    }
}

/** The declared function's name and whether it has a body, or undefined for any other node. */
function declared(node: SyntaxNode): {name: string; hasBody: boolean} | undefined {
    switch (node.type) {
        case "function_declaration":
        case "generator_function_declaration":
        case "method_definition":
            return named(node.childForFieldName("name"), true);
        case "function_signature":
        case "method_signature":
        case "abstract_method_signature":
            return named(node.childForFieldName("name"), false);
        case "variable_declarator":
        case "public_field_definition":
        case "field_definition": {
            const value = node.childForFieldName("value");
            return value && functionValue.has(value.type) ? named(node.childForFieldName("name") ?? node.childForFieldName("property"), true) : undefined;
        }
        case "pair": {
            const value = node.childForFieldName("value");
            return value && functionValue.has(value.type) ? named(node.childForFieldName("key"), true) : undefined;
        }
        case "assignment_expression": {
            const right = node.childForFieldName("right");
            if (!right || !functionValue.has(right.type)) return undefined;
            const left = node.childForFieldName("left");
            return named(left?.type === "member_expression" ? left.childForFieldName("property") : left, true);
        }
        default:
            return undefined;
    }
}

function named(node: SyntaxNode | null | undefined, hasBody: boolean): {name: string; hasBody: boolean} | undefined {
    const name = node?.text.replace(/^["']|["']$/g, "");
    return name && /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name) ? {name, hasBody} : undefined;
}

/** The comment's words, without the delimiters and the leading `*` of each line. */
export function docText(comment: string): string {
    return comment
        .replace(/^\/\*\*+/, "")
        .replace(/\*+\/$/, "")
        .split("\n")
        .map((line) => line.replace(/^\s*\*+ ?/, "").trimEnd())
        .join("\n")
        .trim();
}

const wordPattern = /[\p{L}\p{N}_$]+/gu;
const bare = (word: string): string => word.toLowerCase().replace(/^[_$]+|[_$]+$/g, "");

/** `doc` without `name` and its identifier parts, as whole words in any case. */
export function withoutName(doc: string, name: string): string {
    const removed = new Set([bare(name), ...identifierParts(name)]);
    return doc
        .replace(wordPattern, (word) => (removed.has(bare(word)) ? "" : word))
        .replace(/[ \t]+/g, " ")
        .replace(/\s*\n\s*/g, "\n")
        .trim();
}

export const wordCount = (text: string): number => [...text.matchAll(wordPattern)].filter((match) => /\p{L}/u.test(match[0])).length;

function documentedIn(root: SyntaxNode): Documented[] {
    const found: Documented[] = [];
    const cursor = root.walk();
    try {
        for (;;) {
            const node = cursor.currentNode;
            const declaration = declared(node);
            if (declaration) {
                const anchor = anchorOf(node);
                const comment = anchor.previousNamedSibling;
                if (comment?.type === "comment" && comment.text.startsWith("/**") && comment.endPosition.row === anchor.startPosition.row - 1)
                    found.push({...declaration, doc: docText(comment.text), line: node.startPosition.row + 1});
            }
            if (cursor.gotoFirstChild()) continue;
            while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return found;
        }
    } finally {
        cursor.delete();
    }
}

const scriptLanguages = new Set(["javascript", "typescript"]);

/** Every JSDoc-documented function of `paths`, parsed with the index's own grammars. */
export async function documentedFunctions(rootPath: string, paths: readonly string[], grammarsFolder: string): Promise<Map<string, {doc: string; name: string; files: Set<string>; definitions: string[]}>> {
    const grammars = new Grammars(grammarsFolder, (message) => console.error(`[bench:index] ${message}`));
    const byKey = new Map<string, {doc: string; name: string; files: Set<string>; definitions: string[]}>();
    try {
        for (const path of paths) {
            const language = languageOf(path);
            if (!scriptLanguages.has(language)) continue;
            const parser = await grammars.parserFor(language);
            if (!parser) throw new Error(`No ${language} grammar in ${grammarsFolder}.`);
            const tree = parser.parse(await readFile(join(rootPath, path), "utf8"));
            if (!tree) continue;
            try {
                for (const entry of documentedIn(tree.rootNode)) {
                    const key = `${entry.name}\n${entry.doc}`;
                    let known = byKey.get(key);
                    if (!known) byKey.set(key, (known = {doc: entry.doc, name: entry.name, files: new Set(), definitions: []}));
                    known.files.add(path);
                    if (entry.hasBody) known.definitions.push(`${path}:${entry.line}`);
                }
            } finally {
                tree.delete();
            }
        }
    } finally {
        grammars.dispose();
    }
    return byKey;
}

/** A small seeded generator (mulberry32): the same seed, the same sample on every machine. */
function seeded(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
}

export interface QuerySet {
    queries: RecallQuery[];
    /** Documented functions with a body and a comment long enough, before sampling. */
    candidates: number;
    /** Left out: fewer than 5 words once the name was removed. */
    trivial: number;
}

export function sampleQueries(documented: Map<string, {doc: string; name: string; files: Set<string>; definitions: string[]}>, count: number, seed: number): QuerySet {
    const pool: RecallQuery[] = [];
    let trivial = 0;
    for (const entry of [...documented.values()].sort((a, b) => (a.definitions[0] ?? "").localeCompare(b.definitions[0] ?? "") || a.name.localeCompare(b.name))) {
        const definedAt = entry.definitions[0];
        if (definedAt === undefined) continue;
        const query = withoutName(entry.doc, entry.name);
        if (wordCount(query) < minWords) {
            trivial++;
            continue;
        }
        pool.push({query, name: entry.name, definedAt, answers: [...entry.files].sort()});
    }
    const random = seeded(seed);
    // Fisher–Yates over the sorted pool.
    for (let i = pool.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [pool[i], pool[j]] = [pool[j] as RecallQuery, pool[i] as RecallQuery];
    }
    return {queries: pool.slice(0, count), candidates: pool.length, trivial};
}
