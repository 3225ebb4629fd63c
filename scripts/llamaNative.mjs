#!/usr/bin/env node
// llama.cpp's own `llama-server` and `llama-bench`, built from the exact llama.cpp source that
// node-llama-cpp bundles (node_modules/node-llama-cpp/llama/gitRelease.bundle), CPU only.
//
// They are the native-speed anchor for `bench:engine` and the peer / team-server backend in tests
// and benchmarks. Building takes about 9 minutes on 2 cores, so the result is cached under
// .cache/llama-native/<key>/, keyed by a digest of the bundle and of the cmake options below: a new
// node-llama-cpp (new bundle) or a changed option builds again; anything else reuses the cache.
// The build happens in a temporary folder that is renamed into place, so an aborted build never
// leaves a half-built cache behind under the final name.
//
//   node scripts/llamaNative.mjs          build if needed, print {"server": …, "bench": …} as JSON
//   import { ensureLlamaNative } from "…/scripts/llamaNative.mjs"   the same from a test or bench
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bundle = path.join(root, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");

// GGML_NATIVE: the peer users compare us with is a llama.cpp built for their own CPU.
const cmakeOptions = [
    "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON", "-DLLAMA_CURL=OFF", "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DBUILD_SHARED_LIBS=OFF",
];
const targets = ["llama-server", "llama-bench"];

async function digestOf(file) {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file))
        hash.update(chunk);
    hash.update(JSON.stringify({ cmakeOptions, targets }));
    return hash.digest("hex").slice(0, 16);
}

/** @returns {{ server: string, bench: string }} */
function binariesIn(dir) {
    return { server: path.join(dir, "llama-server"), bench: path.join(dir, "llama-bench") };
}

/**
 * Build (once) and return the paths of llama-server and llama-bench.
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function ensureLlamaNative(options = {}) {
    const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    if (!existsSync(bundle))
        throw new Error(`node-llama-cpp's llama.cpp source is missing (${bundle}); run npm ci first`);
    const key = await digestOf(bundle);
    const finalDir = path.join(root, ".cache", "llama-native", key);
    const found = binariesIn(finalDir);
    if (existsSync(found.server) && existsSync(found.bench))
        return found;

    const work = path.join(root, ".cache", "llama-native", `.build-${key}-${process.pid}`);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    const source = path.join(work, "llama.cpp");
    const build = path.join(work, "build");
    const run = (cmd, args) => execFileSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
    try {
        log(`building llama-server and llama-bench from ${path.relative(root, bundle)} (about 9 minutes on 2 cores)`);
        run("git", ["clone", "--quiet", bundle, source]);
        run("cmake", ["-S", source, "-B", build, "-G", "Ninja", ...cmakeOptions]);
        run("cmake", ["--build", build, "-j", String(cpus().length), "--target", ...targets]);
        const out = path.join(work, "bin");
        await mkdir(out);
        for (const target of targets)
            await rename(path.join(build, "bin", target), path.join(out, target));
        await rm(finalDir, { recursive: true, force: true });
        await rename(out, finalDir);
    } finally {
        await rm(work, { recursive: true, force: true });
    }
    return binariesIn(finalDir);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    ensureLlamaNative().then(
        (paths) => process.stdout.write(`${JSON.stringify(paths)}\n`),
        (error) => {
            process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
