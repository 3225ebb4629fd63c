// Where generated test models live, and how they get there safely.
//
// Models are written once and reused across runs: the file name is a hash of the generator's
// parameters plus a generator version, so a changed parameter (or generator) gives a new file and
// a stale one is never reused. Each file is written under a temporary name in the same folder and
// renamed into place, which is atomic: concurrent or aborted runs never leave a half file under
// the final name.
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";

/**
 * Bump when the bytes a generator writes change in a way the parameters don't capture.
 * The digest of this folder's sources is mixed in as well, so editing a generator also
 * invalidates its cached files without anyone having to remember the bump.
 */
export const GENERATOR_VERSION = 1;

// `import.meta.dirname` exists under tsx (ESM or CommonJS output) and Node ≥ 20.11; a bundle that
// drops it (esbuild's CommonJS output) falls back to looking from the working directory.
const modelsSourceDir: string | undefined = import.meta.dirname;
const repoRoot = findRepoRoot(modelsSourceDir ?? process.cwd());

function findRepoRoot(start: string): string {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        try {
            const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown };
            if (manifest.name === "enclave")
                return dir;
        } catch {
            // no package.json here
        }
        if (path.dirname(dir) === dir)
            return process.cwd();
    }
}

const sourceDigest = (() => {
    const hash = createHash("sha256");
    try {
        const dir = modelsSourceDir ?? path.join(repoRoot, "test", "models");
        for (const name of readdirSync(dir).filter((file) => file.endsWith(".ts")).sort()) {
            hash.update(name);
            hash.update(readFileSync(path.join(dir, name)));
        }
    } catch {
        hash.update("sources unavailable"); // bundled: GENERATOR_VERSION alone names the generator
    }
    return hash.digest("hex").slice(0, 12);
})();

/** `ENCLAVE_MODEL_CACHE`, or `<repo>/.cache/models` (git-ignored). */
export function modelCacheDir(): string {
    const fromEnv = process.env.ENCLAVE_MODEL_CACHE;
    return fromEnv != null && fromEnv !== ""
        ? path.resolve(fromEnv)
        : path.join(repoRoot, ".cache", "models");
}

/** Stable across runs: JSON with sorted object keys. */
function stableJson(value: unknown): string {
    return JSON.stringify(value, (_key, item: unknown) => {
        if (item == null || typeof item !== "object" || Array.isArray(item))
            return item;
        return Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));
    });
}

/** Names the generator that wrote a file; files of the same kind from another generator are stale. */
const generatorTag = `g${GENERATOR_VERSION}${sourceDigest.slice(0, 7)}`;

/** `<kind>-<generator>-<hash of params>` */
export function cacheFileStem(kind: string, params: unknown): string {
    const paramsHash = createHash("sha256").update(stableJson({ kind, params })).digest("hex").slice(0, 16);
    return `${kind}-${generatorTag}-${paramsHash}`;
}

// Concurrent callers in one process share the same pending write.
const pending = new Map<string, Promise<string>>();

/**
 * The path of the cached file for `kind` + `params`, calling `write(tempPath)` to create it
 * when it doesn't exist yet. `write` must create the file at exactly `tempPath`.
 */
export async function cachedFile(
    kind: string,
    params: unknown,
    write: (tempPath: string) => Promise<void>,
    extension = ".gguf"
): Promise<string> {
    const dir = modelCacheDir();
    const finalPath = path.join(dir, cacheFileStem(kind, params) + extension);
    const existing = pending.get(finalPath);
    if (existing != null)
        return existing;

    const promise = (async () => {
        if (await isFile(finalPath))
            return finalPath;
        await mkdir(dir, { recursive: true });
        await removeStaleFiles(dir, kind);
        const tempPath = `${finalPath}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
        try {
            await write(tempPath);
            await rename(tempPath, finalPath);
        } catch (err) {
            await rm(tempPath, { force: true });
            throw err;
        }
        return finalPath;
    })();
    pending.set(finalPath, promise);
    try {
        return await promise;
    } finally {
        pending.delete(finalPath);
    }
}

async function isFile(filePath: string): Promise<boolean> {
    try {
        return (await stat(filePath)).isFile();
    } catch {
        return false;
    }
}

/**
 * Before writing a new file: drop files of this kind made by another generator (a random model is
 * 1.3 GB, so stale ones add up), and temp files of killed runs, old enough that no live writer owns them.
 * So don't point ENCLAVE_MODEL_CACHE of checkouts with different generator sources at one folder:
 * they would keep replacing each other's files.
 */
async function removeStaleFiles(dir: string, kind: string): Promise<void> {
    const oneHourAgo = Date.now() - 60 * 60 * 1000;
    const kindPattern = new RegExp(`^${kind.replace(/[^a-z0-9]/gi, "\\$&")}-g[0-9a-f]+-[0-9a-f]{16}\\.`);
    for (const name of await readdir(dir)) {
        const filePath = path.join(dir, name);
        try {
            const abandonedTemp = name.endsWith(".tmp") && (await stat(filePath)).mtimeMs < oneHourAgo;
            const olderGenerator = kindPattern.test(name) && !name.includes(`-${generatorTag}-`);
            if (abandonedTemp || olderGenerator)
                await rm(filePath, { force: true });
        } catch {
            // another process removed it first
        }
    }
}
