/**
 * What enclave-review reviews: whole files, or a git diff. Both are read completely before the model
 * loads, so a typo in a path or a folder outside git fails in milliseconds, not after a model load.
 * Paths in findings are relative to a root — the repository's top folder inside git, else the
 * working folder — which is what SARIF's %SRCROOT% and the diff's own paths mean.
 */
import {readdirSync, readFileSync, statSync} from "node:fs";
import {isAbsolute, join, relative, resolve, sep} from "node:path";
import {diffUnits, parseUnifiedDiff, type FileDiff} from "../review/hunks";
import {textUnits, type ReviewUnit} from "../review/units";
import {CliError, ExitCode} from "./exitCodes";
import {filesUnder, readDiff, readStaged, repositoryRoot, requireRepositoryRoot} from "./git";

export interface Skipped {
    file: string;
    reason: string;
}

export type ReviewInput =
    | {kind: "diff"; root: string; staged: boolean; diffs: FileDiff[]}
    | {kind: "files"; root: string; files: {file: string; text: string}[]; skipped: Skipped[]};

export function gatherInput(cwd: string, files: readonly string[], diff: {ref?: string | undefined; staged: boolean} | undefined): ReviewInput {
    if (diff) {
        const root = requireRepositoryRoot(cwd);
        const text = readDiff(cwd, root, {ref: diff.ref, staged: diff.staged, paths: files});
        return {kind: "diff", root, staged: diff.staged, diffs: parseUnifiedDiff(text)};
    }
    const inRepository = repositoryRoot(cwd);
    const root = inRepository ?? cwd;
    const read: {file: string; text: string}[] = [];
    const skipped: Skipped[] = [];
    const named = files.flatMap((name) => (isFolder(resolve(cwd, name)) ? folderFiles(cwd, name, inRepository !== undefined) : [name]));
    for (const name of named) {
        const absolute = resolve(cwd, name);
        const file = toRootRelative(root, absolute);
        const text = readText(absolute, name);
        if (text.includes("\0")) skipped.push({file, reason: "binary file"});
        else read.push({file, text});
    }
    return {kind: "files", root, files: read, skipped};
}

export function unitsOf(input: ReviewInput, budget: number): {units: ReviewUnit[]; skipped: Skipped[]} {
    if (input.kind === "diff") return diffUnits(input.diffs, budget);
    return {units: input.files.flatMap(({file, text}) => textUnits(file, text, budget)), skipped: input.skipped};
}

/** The file's text as it is now — what findings are checked against — or undefined if it is gone. */
export function currentText(input: ReviewInput, file: string): string | undefined {
    if (input.kind === "diff" && input.staged) return readStaged(input.root, file);
    try {
        return readFileSync(join(input.root, file), "utf8");
    } catch {
        return undefined;
    }
}

function isFolder(absolute: string): boolean {
    try {
        return statSync(absolute).isDirectory();
    } catch {
        return false; // reading it says why
    }
}

/**
 * The files a folder argument stands for: in a repository, what git tracks or would track there
 * (ignored files stay out); elsewhere every file below it but hidden folders and node_modules.
 */
function folderFiles(cwd: string, folder: string, inRepository: boolean): string[] {
    if (inRepository) return filesUnder(cwd, folder);
    const found: string[] = [];
    const walk = (relativeDir: string): void => {
        for (const entry of readdirSync(resolve(cwd, relativeDir), {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
            const child = join(relativeDir, entry.name);
            if (entry.isDirectory()) {
                if (!entry.name.startsWith(".") && entry.name !== "node_modules") walk(child);
            } else if (entry.isFile()) found.push(child);
        }
    };
    walk(folder);
    return found;
}

function readText(absolute: string, shown: string): string {
    try {
        return readFileSync(absolute, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
        throw new CliError(ExitCode.UnreadableFile, `Cannot read ${shown}: ${why}.`);
    }
}

function toRootRelative(root: string, absolute: string): string {
    const path = relative(root, absolute);
    return (isAbsolute(path) ? absolute : path).split(sep).join("/");
}
