/**
 * What the user keeps out of the workspace: `.gitignore` files at every level (with git's own
 * semantics: negation, directory-only rules, rules relative to the file that holds them, through
 * the `ignore` library), `.git/info/exclude`, and VS Code's `files.exclude` / `search.exclude`
 * globs (picomatch, matched against the folder-relative path as VS Code does).
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import ignore from "ignore";
import picomatch from "picomatch";

/** Directories never entered: version-control internals. */
const alwaysSkippedDirectories = new Set([".git", ".hg", ".svn"]);

export class ExcludeGlobs {
    private readonly matchers: Array<(path: string) => boolean>;

    /** `patterns`: the keys of files.exclude / search.exclude whose value is `true`. */
    constructor(patterns: readonly string[]) {
        this.matchers = patterns.map((pattern) => picomatch(pattern.replace(/^\.\//, ""), {dot: true}));
    }

    matches(relativePath: string): boolean {
        return this.matchers.some((matcher) => matcher(relativePath));
    }
}

/** The .gitignore rules in force in one directory: its own and its ancestors'. */
export class GitignoreStack {
    private constructor(private readonly layers: ReadonlyArray<{base: string; rules: ignore.Ignore}>) {}

    static root(): GitignoreStack {
        return new GitignoreStack([]);
    }

    /** The stack for `directory` (folder-relative, "" for the root), adding its own .gitignore if it has one. */
    async enter(rootPath: string, directory: string, names: ReadonlySet<string>): Promise<GitignoreStack> {
        const sources: string[] = [];
        if (directory === "" && names.has(".git")) sources.push(await readOptional(join(rootPath, ".git", "info", "exclude")));
        if (names.has(".gitignore")) sources.push(await readOptional(join(rootPath, directory, ".gitignore")));
        const text = sources.join("\n");
        if (text.trim() === "") return this;
        return new GitignoreStack([...this.layers, {base: directory, rules: ignore().add(text)}]);
    }

    /** `relativePath` is folder-relative with "/" separators; directories are asked with `isDirectory`. */
    ignores(relativePath: string, isDirectory: boolean): boolean {
        // As git does: the rules nearest the file decide, so a deeper `!name` re-includes it.
        let ignored = false;
        for (const {base, rules} of this.layers) {
            const inner = base === "" ? relativePath : relativePath.slice(base.length + 1);
            const verdict = rules.test(isDirectory ? `${inner}/` : inner);
            if (verdict.ignored) ignored = true;
            else if (verdict.unignored) ignored = false;
        }
        return ignored;
    }
}

export function isAlwaysSkippedDirectory(name: string): boolean {
    return alwaysSkippedDirectories.has(name);
}

async function readOptional(path: string): Promise<string> {
    try {
        return await readFile(path, "utf8");
    } catch {
        return "";
    }
}

/**
 * The same rules as the crawl, for one file the editor reports: excluded when it, or any folder it
 * is in, is excluded by a glob, a .gitignore on its way, or is version-control internals.
 */
export async function isExcludedPath(rootPath: string, relativePath: string, globs: ExcludeGlobs, useGitignore: boolean): Promise<boolean> {
    const parts = relativePath.split("/");
    let stack = GitignoreStack.root();
    for (let depth = 0; depth < parts.length; depth++) {
        const path = parts.slice(0, depth + 1).join("/");
        const isDirectory = depth < parts.length - 1;
        if (isDirectory && isAlwaysSkippedDirectory(parts[depth] as string)) return true;
        if (useGitignore) {
            const directory = parts.slice(0, depth).join("/");
            stack = await stack.enter(rootPath, directory, depth === 0 ? new Set([".git", ".gitignore"]) : new Set([".gitignore"]));
            if (stack.ignores(path, isDirectory)) return true;
        }
        if (globs.matches(path)) return true;
    }
    return false;
}
