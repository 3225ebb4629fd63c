// Installs what the real-VS-Code tests need on Linux: Node 24 (code-server 4.139.1 requires exactly
// Node 24; the extension itself builds with Node 20) and code-server in test/vscode/server.
// Idempotent: when both are present and match the pinned versions it returns at once.
// Elsewhere (macOS, Windows) or with ENCLAVE_VSCODE=desktop it does nothing: @vscode/test-electron
// downloads desktop VS Code there. It never needs root; the apt packages `chromium` and
// `libkrb5-dev` are installed by .ci/run, and this script says clearly when they are missing.
//
// Run: node test/vscode/install.mjs        Import: ensureCodeServer()
import {spawnSync} from "node:child_process";
import {createHash} from "node:crypto";
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {delimiter, join, resolve} from "node:path";
import {pathToFileURL} from "node:url";

export const NODE_VERSION = "24.21.0";
export const CHROMIUM = "/usr/bin/chromium";
const GSSAPI_HEADER = "/usr/include/gssapi/gssapi.h";

const root = resolve(import.meta.dirname, "../..");
const serverDir = join(root, "test", "vscode", "server");
const nodePrefix = join(root, ".cache", "node24");
const nodePackage = `node-linux-${process.arch}`;
const nodeDir = join(nodePrefix, "node_modules", nodePackage);
const marker = join(serverDir, "node_modules", ".enclave-install.json");

/** Where everything lives once installed. */
export const paths = {
    root,
    nodeDir,
    node: join(nodeDir, "bin", "node"),
    codeServer: join(serverDir, "node_modules", "code-server", "out", "node", "entry.js")
};

/** True when this machine runs VS Code as code-server + Chromium (not desktop VS Code). */
export function usesCodeServer() {
    return process.platform === "linux" && ["x64", "arm64"].includes(process.arch) && process.env.ENCLAVE_VSCODE !== "desktop";
}

/** @param {string} message */
function log(message) {
    console.log(`[vscode-install] ${message}`);
}

/** Missing apt packages, each with the command that fixes it (.ci/run runs these as root). */
export function missingSystemPackages() {
    /** @type {string[]} */
    const missing = [];
    if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} not found: apt-get install -y chromium`);
    if (!existsSync(GSSAPI_HEADER)) missing.push(`${GSSAPI_HEADER} not found (code-server's kerberos module needs it): apt-get install -y libkrb5-dev`);
    return missing;
}

/**
 * @param {string[]} args @param {string} cwd @param {NodeJS.ProcessEnv} env
 * @param {string} [nodePath] run npm's CLI (`npmCli`) with this Node instead of the `npm` on PATH
 * @param {string} [npmCli]
 */
function npm(args, cwd, env = process.env, nodePath, npmCli) {
    const started = Date.now();
    // Installing from the registry is the harness's own traffic: npm must not run under the test
    // network guard that `npm test` puts in NODE_OPTIONS.
    const options = (env.NODE_OPTIONS ?? "").replace(/(--require[= ]|-r )\S*network-guard\.cjs/g, "").trim();
    const [command, commandArgs] = nodePath && npmCli ? [nodePath, [npmCli, ...args]] : ["npm", args];
    const result = spawnSync(command, commandArgs, {cwd, env: {...env, NODE_OPTIONS: options}, stdio: "inherit"});
    if (result.status !== 0) {
        throw new Error(`npm ${args.join(" ")} failed (exit ${result.status ?? result.signal}) in ${cwd}`);
    }
    return Math.round((Date.now() - started) / 1000);
}

function installedNodeVersion() {
    const manifest = join(nodeDir, "package.json");
    if (!existsSync(manifest) || !existsSync(paths.node)) return undefined;
    return /** @type {{version?: string}} */ (JSON.parse(readFileSync(manifest, "utf8"))).version;
}

function ensureNode() {
    if (installedNodeVersion() === NODE_VERSION) return;
    log(`installing Node ${NODE_VERSION} from npm (${nodePackage}) into ${nodePrefix}…`);
    // --prefix with no package.json there: npm installs into .cache/node24/node_modules and writes
    // no manifest or lock file into the repository.
    const seconds = npm(["install", "--prefix", nodePrefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
        `${nodePackage}@${NODE_VERSION}`], root);
    log(`Node ${NODE_VERSION} installed in ${seconds} s`);
}

/** Identifies an install: a changed lock file or Node version means install again. */
function fingerprint() {
    const hash = createHash("sha256");
    hash.update(readFileSync(join(serverDir, "package.json")));
    hash.update(readFileSync(join(serverDir, "package-lock.json")));
    return JSON.stringify({node: NODE_VERSION, arch: process.arch, hash: hash.digest("hex")});
}

function ensureServer() {
    const wanted = fingerprint();
    if (existsSync(paths.codeServer) && existsSync(marker) && readFileSync(marker, "utf8") === wanted) return;
    if (!existsSync(GSSAPI_HEADER)) {
        throw new Error(`cannot build code-server: ${GSSAPI_HEADER} is missing. Run as root: apt-get install -y libkrb5-dev`);
    }
    log("installing code-server with Node 24 (npm ci, builds ~9 native modules; about 2 minutes)…");
    // Node 24 first on PATH: code-server's postinstall checks the Node that runs npm and builds
    // native modules for it. npm_config_nodedir points node-gyp at that package's headers instead of
    // downloading them (and overrides a user-level `nodedir`).
    // Under `npm test` the environment says which Node ran the outer npm (npm_node_execpath and
    // friends, node_modules/.bin on PATH); left in, code-server's postinstall finds Node 20 again.
    // So: none of the outer npm's variables, and npm itself run by Node 24.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_")));
    const path = (process.env.PATH ?? "").split(delimiter).filter((dir) => !/node_modules[\\/]\.bin|node-gyp-bin/.test(dir));
    env.PATH = [join(nodeDir, "bin"), ...path].join(delimiter);
    env.npm_config_nodedir = nodeDir;
    const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
    const seconds = npm(["ci", "--no-audit", "--no-fund"], serverDir, env, npmCli ? paths.node : undefined, npmCli);
    writeFileSync(marker, wanted);
    log(`code-server installed in ${seconds} s`);
}

/**
 * Installs Node 24 and code-server when needed.
 * @returns {typeof paths | undefined} the paths, or undefined where code-server is not used
 */
export function ensureCodeServer() {
    if (!usesCodeServer()) return undefined;
    ensureNode();
    ensureServer();
    return paths;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
    if (!usesCodeServer()) {
        log("nothing to do: desktop VS Code is used here (@vscode/test-electron downloads it)");
        process.exit(0);
    }
    const missing = missingSystemPackages();
    for (const line of missing) log(`MISSING: ${line}`);
    try {
        const started = Date.now();
        ensureCodeServer();
        log(`ready (${Math.round((Date.now() - started) / 1000)} s): ${paths.codeServer}`);
    } catch (error) {
        log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
    }
    // A missing browser does not stop the install, but tests cannot run without it.
    process.exit(missing.some((line) => line.startsWith(CHROMIUM)) ? 1 : 0);
}
