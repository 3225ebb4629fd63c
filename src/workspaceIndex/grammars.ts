/**
 * Tree-sitter parsers for the languages whose grammar Enclave ships (from the VS Code team's
 * @vscode/tree-sitter-wasm): loaded on first use from a folder of .wasm files — dist/grammars in
 * the extension, the package's own folder in tests and benchmarks. A grammar that fails to load
 * leaves that language to line windows; it never stops the index.
 */
import {join} from "node:path";
import * as treeSitterModule from "@vscode/tree-sitter-wasm";
import shipped from "./grammars.json";

// The package is a UMD bundle: CommonJS callers get it as the module, ESM callers (tsx) as its default.
const treeSitter = (treeSitterModule as unknown as {default?: typeof treeSitterModule}).default ?? treeSitterModule;
export type SyntaxNode = treeSitterModule.Node;

/**
 * VS Code language id → grammar file, in grammars.json because the build copies the same files into
 * dist/grammars. The larger grammars (C++, C#: 5 MB each) are not shipped.
 */
export const grammarFiles: Readonly<Record<string, string>> = shipped.languages;

export class Grammars {
    private initialized: Promise<void> | undefined;
    private readonly parsers = new Map<string, Promise<treeSitterModule.Parser | undefined>>();

    constructor(private readonly folder: string, private readonly onProblem: (message: string) => void = () => undefined) {}

    /** A parser for `languageId`, or undefined when there is no grammar for it (or it failed to load). */
    parserFor(languageId: string): Promise<treeSitterModule.Parser | undefined> {
        const file = grammarFiles[languageId];
        if (file === undefined) return Promise.resolve(undefined);
        let parser = this.parsers.get(file);
        if (!parser) {
            parser = this.load(file);
            this.parsers.set(file, parser);
        }
        return parser;
    }

    dispose(): void {
        for (const parser of this.parsers.values()) void parser.then((loaded) => loaded?.delete());
        this.parsers.clear();
    }

    private async load(file: string): Promise<treeSitterModule.Parser | undefined> {
        try {
            this.initialized ??= treeSitter.Parser.init({locateFile: (name: string) => join(this.folder, name)});
            await this.initialized;
            const language = await treeSitter.Language.load(join(this.folder, file));
            const parser = new treeSitter.Parser();
            parser.setLanguage(language);
            return parser;
        } catch (error) {
            this.onProblem(`The ${file} grammar could not be loaded (${error instanceof Error ? error.message : String(error)}); files in that language are split into line windows.`);
            return undefined;
        }
    }
}
