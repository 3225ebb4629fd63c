// Makes a platform-specific VSIX: `npm run package` (this machine's platform) or
// `npm run package -- --target darwin-arm64` (add `--cuda` for an NVIDIA build, see vsixTargets.mjs). The VSIX carries node-llama-cpp and only the target's
// prebuilt llama.cpp binaries (npm installs every platform's; CUDA alone is ~540 MB), never the
// llama.cpp source bundle (we never compile at run time). Prints {"vsix", "target", "bytes", "mb"}.
import {execFileSync} from "node:child_process";
import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {cudaTargets, vsixTarget, vsixTargets} from "./vsixTargets.mjs";

const root = resolve(import.meta.dirname, "..");
const targetIndex = process.argv.indexOf("--target");
const target = targetIndex > 0 ? process.argv[targetIndex + 1] : defaultTarget();

// --cuda: also CUDA's binaries (linux-x64, win32-x64 only), in enclave-<target>-cuda-<version>.vsix.
const cuda = process.argv.includes("--cuda");
const chosen = vsixTarget(target, cuda);
if (!chosen) {
    console.error(`Unknown target ${target}${cuda ? " for a CUDA build" : ""}. Known: ${Object.keys(cuda ? cudaTargets : vsixTargets).join(", ")}`);
    process.exit(2);
}

const keep = new Set(chosen.binaries);
const installed = readdirSync(join(root, "node_modules", "@node-llama-cpp"));
const missing = [...keep].filter((name) => !installed.includes(name));
if (missing.length > 0) console.warn(`warning: @node-llama-cpp/${missing.join(", ")} not installed here; the VSIX lacks them.`);

const ignore = [
    // Sources, tests and tooling: the VSIX needs dist/, media/ and the runtime node_modules only.
    "src/**", "test/**", "dist/test/**", "media/**", "!media/enclave.svg", "bench/**", "scripts/**", ".ci/**", ".cache/**", "test-artifacts/**", "out/**",
    "**/*.map", "**/*.ts", "tsconfig.json", "esbuild.mjs", "eslint.config.mjs", ".gitignore", "*.vsix",
    // Other platforms' llama.cpp binaries.
    ...installed.filter((name) => !keep.has(name)).map((name) => `node_modules/@node-llama-cpp/${name}/**`),
    // llama.cpp's source bundle, for building from source; Enclave only uses prebuilt binaries.
    "node_modules/node-llama-cpp/llama/gitRelease.bundle",
    "node_modules/node-llama-cpp/llama/llama.cpp/**",
    // Build-time tools that npm lists as (peer) dependencies.
    "node_modules/typescript/**", "node_modules/@types/**",
    "node_modules/**/*.d.ts", "node_modules/**/*.md", "node_modules/**/*.js.map"
];
const tmp = mkdtempSync(join(tmpdir(), "enclave-package-"));
const ignoreFile = join(tmp, ".vscodeignore");
writeFileSync(ignoreFile, ignore.join("\n") + "\n");

const run = (command, args) => execFileSync(command, args, {cwd: root, stdio: "inherit"});
run(process.execPath, [join(root, "esbuild.mjs"), "--production"]);
const version = JSON.parse(execFileSync("npm", ["pkg", "get", "version"], {cwd: root}).toString());
const vsix = join(root, `enclave-${target}${cuda ? "-cuda" : ""}-${version}.vsix`);
try {
    run(process.execPath, [join(root, "node_modules", "@vscode", "vsce", "vsce"), "package", "--target", target, "--ignoreFile", ignoreFile, "--out", vsix, "--allow-missing-repository", "--skip-license"]);
} finally {
    rmSync(tmp, {recursive: true, force: true});
}
const bytes = statSync(vsix).size;
console.log(JSON.stringify({vsix, target, bytes, mb: Math.round((bytes / 1024 / 1024) * 10) / 10}));

function defaultTarget() {
    const arch = process.arch === "arm" ? "armhf" : process.arch;
    return `${process.platform}-${arch}`;
}
