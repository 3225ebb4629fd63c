/** What the workspace index tests share: a temporary folder tree, the grammars, default rules. */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join, resolve} from "node:path";
import type {CrawlRules} from "../../../src/workspaceIndex/crawl";
import {Grammars} from "../../../src/workspaceIndex/grammars";

export const repoRoot = resolve(import.meta.dirname, "..", "..", "..");
/** The package's own folder of .wasm files, as the tests and benchmarks use it. */
export const grammarsFolder = join(repoRoot, "node_modules", "@vscode", "tree-sitter-wasm", "wasm");

/** Mutable globs: the same rules go into the protocol's IndexedFolder too. */
type Rules = CrawlRules & {excludeGlobs: string[]};

export const defaultRules: Rules = {excludeGlobs: [], useGitignore: true, maxFileBytes: 1_000_000, maxFiles: 50_000};

export function rules(overrides: Partial<Rules> = {}): Rules {
    return {...defaultRules, ...overrides};
}

/** A fresh temporary folder (in `parent`, the temporary folder by default), removed by `cleanup`. */
export function tempFolder(prefix = "enclave-index-", parent = tmpdir()): {path: string; cleanup(): void} {
    const path = mkdtempSync(join(parent, prefix));
    return {path, cleanup: () => rmSync(path, {recursive: true, force: true})};
}

/** Writes `files` (folder-relative path → content) under `root`, making the folders. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
    for (const [path, content] of Object.entries(files)) {
        const full = join(root, path);
        mkdirSync(dirname(full), {recursive: true});
        writeFileSync(full, content);
    }
}

let shared: Grammars | undefined;
/** One set of parsers for the whole run (loading a grammar takes a moment). */
export function sharedGrammars(): Grammars {
    shared ??= new Grammars(grammarsFolder, (message) => {
        throw new Error(message);
    });
    return shared;
}

/** Waits until `check` stops throwing (or rethrows its last error after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            return await check();
        } catch (error) {
            if (Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    }
}
