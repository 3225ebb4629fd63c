/**
 * Lists the files of one workspace folder that the index may read: it applies the ignore rules
 * and the name/size rules, enters no symbolic link (so it never leaves the folder and never loops),
 * counts what it left out and why, and stops at the file limit. Unreadable directories are
 * reported, not fatal.
 */
import type {Dirent} from "node:fs";
import {readdir, stat} from "node:fs/promises";
import {join} from "node:path";
import {isIndexedLanguage, skipBeforeReading, type SkipReason} from "./fileRules";
import {ExcludeGlobs, GitignoreStack, isAlwaysSkippedDirectory} from "./ignoreRules";

export interface CrawlRules {
    /** files.exclude and search.exclude patterns that are on. */
    excludeGlobs: readonly string[];
    useGitignore: boolean;
    maxFileBytes: number;
    maxFiles: number;
}

export interface FoundFile {
    /** Folder-relative, "/" separators. */
    path: string;
    sizeBytes: number;
    mtimeMs: number;
}

export interface CrawlReport {
    files: FoundFile[];
    /** Files left out by the name/size rules, by reason (content rules are counted by the indexer). */
    skipped: Partial<Record<SkipReason | "excluded" | "symlink" | "otherLanguage", number>>;
    /** Folder-relative directories that could not be read (permissions), at most a few named. */
    unreadableDirectories: string[];
    unreadableCount: number;
    /** True when `maxFiles` stopped the listing. */
    truncated: boolean;
}

const statBatch = 64;
const namedUnreadable = 5;

export async function crawlFolder(rootPath: string, rules: CrawlRules, signal: AbortSignal): Promise<CrawlReport> {
    const excluded = new ExcludeGlobs(rules.excludeGlobs);
    const report: CrawlReport = {files: [], skipped: {}, unreadableDirectories: [], unreadableCount: 0, truncated: false};
    const count = (reason: keyof CrawlReport["skipped"]) => (report.skipped[reason] = (report.skipped[reason] ?? 0) + 1);
    // Depth first, in name order, so that the same tree always gives the same list (and the same cut at the limit).
    const pending: Array<{directory: string; gitignore: GitignoreStack}> = [{directory: "", gitignore: GitignoreStack.root()}];
    while (pending.length > 0) {
        signal.throwIfAborted();
        const {directory, gitignore: parentRules} = pending.pop() as {directory: string; gitignore: GitignoreStack};
        let entries: Dirent[];
        try {
            entries = await readdir(join(rootPath, directory), {withFileTypes: true});
        } catch {
            report.unreadableCount++;
            if (report.unreadableDirectories.length < namedUnreadable) report.unreadableDirectories.push(directory === "" ? "." : directory);
            continue;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        const gitignore = rules.useGitignore ? await parentRules.enter(rootPath, directory, new Set(entries.map((entry) => entry.name))) : parentRules;
        const subdirectories: string[] = [];
        const files: string[] = [];
        for (const entry of entries) {
            const path = directory === "" ? entry.name : `${directory}/${entry.name}`;
            if (entry.isSymbolicLink()) count("symlink");
            else if (entry.isDirectory()) {
                if (isAlwaysSkippedDirectory(entry.name)) continue;
                if (excluded.matches(path) || gitignore.ignores(path, true)) count("excluded");
                else subdirectories.push(path);
            } else if (entry.isFile()) {
                if (excluded.matches(path) || gitignore.ignores(path, false)) count("excluded");
                else if (!isIndexedLanguage(path)) count("otherLanguage");
                else files.push(path);
            }
        }
        for (let start = 0; start < files.length; start += statBatch) {
            const stats = await Promise.all(files.slice(start, start + statBatch).map(async (path) => ({path, stats: await stat(join(rootPath, path)).catch(() => undefined)})));
            for (const {path, stats: fileStats} of stats) {
                if (!fileStats) continue;
                const reason = skipBeforeReading(path, fileStats.size, rules.maxFileBytes);
                if (reason) count(reason);
                else if (report.files.length >= rules.maxFiles) {
                    report.truncated = true;
                    return report;
                } else report.files.push({path, sizeBytes: fileStats.size, mtimeMs: fileStats.mtimeMs});
            }
        }
        // Reversed onto the stack, so the first name is entered first.
        for (const subdirectory of subdirectories.reverse()) pending.push({directory: subdirectory, gitignore});
    }
    return report;
}
