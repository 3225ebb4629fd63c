import * as vscode from "vscode";
import type {CrawlRules} from "../../workspaceIndex/crawl";
import {fullSettingKey} from "../settingKeys";
import {readSetting} from "../settings";

/** Settings that change what the workspace index holds (a change rebuilds it; the embedding model only re-ranks, so it does not). */
export const indexSettingSections = [fullSettingKey("workspace.maxFileKB"), fullSettingKey("workspace.maxFiles"), "files.exclude", "search.exclude"] as const;

/**
 * The index rules of one folder, from its settings: the size and count limits, and the
 * `files.exclude` / `search.exclude` patterns that are on (a `{when: …}` pattern depends on sibling
 * files, which the index does not evaluate: it is left out rather than guessed).
 */
export function readIndexRules(folder: vscode.WorkspaceFolder): CrawlRules {
    const patterns = (section: "files" | "search"): string[] =>
        Object.entries(vscode.workspace.getConfiguration(section, folder.uri).get<Record<string, unknown>>("exclude", {}))
            .filter(([, on]) => on === true)
            .map(([pattern]) => pattern);
    return {
        excludeGlobs: [...new Set([...patterns("files"), ...patterns("search")])].sort(),
        useGitignore: true,
        maxFileBytes: Math.max(1, readSetting("workspace.maxFileKB", folder.uri)) * 1024,
        maxFiles: Math.max(1, readSetting("workspace.maxFiles", folder.uri))
    };
}
