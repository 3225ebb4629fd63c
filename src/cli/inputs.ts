/**
 * What enclave-review reviews: whole files, or a git diff. Both are read completely before the model
 * loads, so a typo in a path or a folder outside git fails in milliseconds, not after a model load.
 * Paths in findings are relative to a root — the repository's top folder inside git, else the
 * working folder — which is what SARIF's %SRCROOT% and the diff's own paths mean.
 */
import {readdirSync, readFileSync, statSync} from "node:fs";
import {isAbsolute, join, relative, resolve, sep} from "node:path";
import {readChanges} from "../git/changes";
import {filesUnder, readStaged} from "../git/files";
import {isGitError} from "../git/gitCommand";
import {isCommit, repositoryRoot} from "../git/repository";
import {changedFileDiffs, diffUnits, type FileDiff} from "../review/hunks";
import {textUnits, type ReviewUnit} from "../review/units";
import {CliError, ExitCode} from "./exitCodes";

export interface Skipped {
    file: string;
    reason: string;
}

export type ReviewInput =
    | {kind: "diff"; root: string; staged: boolean; diffs: FileDiff[]}
    | {kind: "files"; root: string; files: {file: string; text: string}[]; skipped: Skipped[]};

export async function gatherInput(cwd: string, files: readonly string[], diff: {ref?: string | undefined; staged: boolean} | undefined): Promise<ReviewInput> {
    try {
        return await gather(cwd, files, diff);
    } catch (error) {
        // git missing, or failing: exit code 4 with git's own words.
        if (isGitError(error)) throw new CliError(ExitCode.NotAGitRepository, error.kind === "missing" ? `${error.message} --diff and --staged need it.` : error.message);
        throw error;
    }
}

async function gather(cwd: string, files: readonly string[], diff: {ref?: string | undefined; staged: boolean} | undefined): Promise<ReviewInput> {
    if (diff) {
        const root = await repositoryRoot(cwd);
        if (root == null) throw new CliError(ExitCode.NotAGitRepository, `${cwd} is not in a git repository: --diff and --staged review git changes. Name files to review them whole.`);
        if (diff.ref != null && !(await isCommit(cwd, diff.ref))) throw new CliError(ExitCode.Usage, `--diff ${diff.ref}: not a commit in this repository.`);
        const changes = await readChanges(cwd, root, diff.staged ? {kind: "staged"} : {kind: "workingTree", ref: diff.ref}, {paths: files});
        return {kind: "diff", root, staged: diff.staged, diffs: changedFileDiffs(changes)};
    }
    // Outside git (or without it), files are reviewed all the same.
    const inRepository = await repositoryRoot(cwd).catch(() => undefined);
    const root = inRepository ?? cwd;
    const read: {file: string; text: string}[] = [];
    const skipped: Skipped[] = [];
    const named: string[] = [];
    for (const name of files) named.push(...(isFolder(resolve(cwd, name)) ? await folderFiles(cwd, name, inRepository !== undefined) : [name]));
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
export async function currentText(input: ReviewInput, file: string): Promise<string | undefined> {
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
async function folderFiles(cwd: string, folder: string, inRepository: boolean): Promise<string[]> {
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
