/**
 * What enclave-review reviews: whole files, or a git diff. Both are read completely before the model
 * loads, so a typo in a path or a folder outside git fails in milliseconds, not after a model load.
 * Paths in findings are relative to a root — the repository's top folder inside git, else the
 * working folder — which is what SARIF's %SRCROOT% and the diff's own paths mean.
 */
import {readFileSync} from "node:fs";
import {isAbsolute, join, relative, resolve, sep} from "node:path";
import {diffUnits, parseUnifiedDiff, type FileDiff} from "../review/hunks";
import {textUnits, type ReviewUnit} from "../review/units";
import {CliError, ExitCode} from "./exitCodes";
import {readDiff, readStaged, repositoryRoot, requireRepositoryRoot} from "./git";

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
        const text = readDiff(cwd, {ref: diff.ref, staged: diff.staged, paths: files});
        return {kind: "diff", root, staged: diff.staged, diffs: parseUnifiedDiff(text)};
    }
    const root = repositoryRoot(cwd) ?? cwd;
    const read: {file: string; text: string}[] = [];
    const skipped: Skipped[] = [];
    for (const name of files) {
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

function readText(absolute: string, shown: string): string {
    try {
        return readFileSync(absolute, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder (name the files in it)" : code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
        throw new CliError(ExitCode.UnreadableFile, `Cannot read ${shown}: ${why}.`);
    }
}

function toRootRelative(root: string, absolute: string): string {
    const path = relative(root, absolute);
    return (isAbsolute(path) ? absolute : path).split(sep).join("/");
}
