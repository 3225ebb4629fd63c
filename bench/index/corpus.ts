/**
 * The corpus of bench:index: the sources of 40 package folders under node_modules (the 40 with the
 * most indexable text when the benchmark was written, under the index's default rules: 512 KB per
 * file, no minified, generated or binary files). `npm ci` installs them at the versions of
 * package-lock.json on every machine, and nobody here wrote them. They are copied into a temporary
 * folder, because the incremental phase edits files.
 */
import {cp, readFile} from "node:fs/promises";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {crawlFolder} from "../../src/workspaceIndex/crawl";
import {skipByContent} from "../../src/workspaceIndex/fileRules";

export const corpusPackages = [
    "zod", "typescript", "highlight.js", "@azure/msal-browser", "eslint", "@azure/msal-node", "node-llama-cpp", "@azure/msal-common",
    "@types/node", "azure-devops-node-api", "@typescript-eslint/eslint-plugin", "undici", "@azure/identity", "mocha", "path-scurry",
    "@typespec/ts-http-runtime", "markdown-it", "@vscode/vsce", "parse5", "@eslint/eslintrc", "lodash", "ajv", "cheerio",
    "@typescript-eslint/typescript-estree", "pako", "@sqlite.org/sqlite-wasm", "jszip", "underscore", "@azure/core-client", "@microsoft/jest-sarif",
    "diff", "@azure/core-rest-pipeline", "tar", "esquery", "dompurify", "type-fest", "htmlparser2", "simple-git", "node-addon-api",
    "@eslint/config-array"
] as const;

/** The index's default settings (enclave.workspaceIndex.maxFileKB 512, maxFiles 25,000), nothing excluded. */
export const corpusRules = {excludeGlobs: [] as string[], useGitignore: false, maxFileBytes: 512 * 1024, maxFiles: 25_000};

/** Copies every corpus package into `target` (symbolic links stay links: the index never follows them); returns name → version. */
export async function copyCorpus(nodeModules: string, target: string): Promise<Record<string, string>> {
    const versions: Record<string, string> = {};
    for (const name of corpusPackages) {
        const source = join(nodeModules, name);
        if (!existsSync(join(source, "package.json"))) throw new Error(`The corpus package ${name} is not in ${nodeModules}: run \`npm ci\` first.`);
        const manifest = JSON.parse(await readFile(join(source, "package.json"), "utf8")) as {version?: string};
        versions[name] = manifest.version ?? "unknown";
        await cp(source, join(target, name), {recursive: true, verbatimSymlinks: true});
    }
    return versions;
}

export interface CorpusFile {
    path: string;
    bytes: number;
}

/** The files the index will hold: the crawl's list under `corpusRules`, less what the content rules leave out. */
export async function indexableFiles(rootPath: string): Promise<CorpusFile[]> {
    const crawl = await crawlFolder(rootPath, corpusRules, new AbortController().signal);
    const files: CorpusFile[] = [];
    for (const file of crawl.files) {
        const bytes = await readFile(join(rootPath, file.path));
        if (skipByContent(bytes) === undefined) files.push({path: file.path, bytes: bytes.length});
    }
    return files;
}
