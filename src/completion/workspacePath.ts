/**
 * Paths as completion prompts name files: relative to one workspace root, the same for the current
 * file and every other file of a prompt, as Qwen2.5-Coder saw repository paths in training
 * (`src/app.ts`, never `/home/me/…`). The provider tells the core which root a document belongs to
 * (its workspace folder); the core stays free of VS Code.
 */
import {posix} from "node:path";

/** The folder a document's prompt is relative to: a workspace folder's name and URI. */
export interface WorkspaceRoot {
    name: string;
    uri: string;
}

/** The repository name prompts use when a document has no workspace root (an untitled file). */
export const noRootName = "workspace";

function split(uri: string): {origin: string; path: string} {
    const match = /^([a-z][a-z0-9+.-]*:(?:\/\/[^/]*)?)(.*)$/i.exec(uri);
    const origin = match?.[1] ?? "";
    let path = match?.[2] ?? uri;
    try {
        path = decodeURIComponent(path);
    } catch {
        // A malformed escape: the raw path still names the file well enough.
    }
    return {origin: origin.toLowerCase(), path: path.replace(/\\/g, "/")};
}

/**
 * `uri` relative to `root` (`src/app.ts`); a file outside the root but on the same machine gets a
 * `../` path from it, so that every path of a prompt still shares that root. Without a root, or
 * across schemes, the file's name.
 */
export function workspacePath(uri: string, root: WorkspaceRoot | undefined): string {
    const file = split(uri);
    const name = file.path.split("/").filter((segment) => segment !== "").pop() ?? uri;
    if (!root) return name;
    const base = split(root.uri);
    if (base.origin !== file.origin) return name;
    const relative = posix.relative(base.path === "" ? "/" : base.path, file.path === "" ? "/" : file.path);
    return relative === "" ? name : relative;
}
