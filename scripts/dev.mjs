// `npm run dev`: build the extension, then open it in a VS Code "Extension Development Host".
//   - With a desktop `code` CLI on PATH: code --extensionDevelopmentPath=<repo> <repo>.
//   - Otherwise (Linux): code-server on 127.0.0.1:$PORT (default 8080), no auth, a persistent profile
//     under .cache/code-server-dev/, and the URL to open is printed. esbuild keeps rebuilding on
//     change; run "Developer: Reload Window" in the browser to load a new build. Ctrl-C stops all.
import {spawn, spawnSync} from "node:child_process";
import {accessSync, constants, mkdirSync} from "node:fs";
import {delimiter, join, resolve} from "node:path";
import {startCodeServer, workbenchUrl} from "../test/vscode/code-server.mjs";
import {ensureCodeServer} from "../test/vscode/install.mjs";

const root = resolve(import.meta.dirname, "..");

/** The desktop VS Code CLI on PATH, if any. @returns {string | undefined} */
function findCode() {
    const names = process.platform === "win32" ? ["code.cmd", "code.exe"] : ["code"];
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
        for (const name of names) {
            try {
                accessSync(join(dir, name), constants.X_OK);
                return join(dir, name);
            } catch {
                // not in this folder
            }
        }
    }
    return undefined;
}

// Every child is stopped on Ctrl-C and on the signals a process manager or an IDE task sends
// (SIGTERM, SIGHUP), however far the start has come: a code-server left running would keep the port.
// `npm run dev` runs this through `sh -c`, and SIGTERM to npm ends only that shell (dash passes
// nothing on): so the parent going away counts as a stop too.
/** @type {Array<() => Promise<void>>} */
const stops = [];
let stopping = false;
/** @param {string} why */
function stopAll(why) {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the development host…`);
    // A code-server still starting is killed by its own exit hook (code-server.mjs) when we exit.
    void Promise.all(stops.map((stop) => stop())).finally(() => process.exit(0));
}
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) process.on(signal, () => stopAll(signal));
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stopAll("the parent process ended"), 500).unref();

/** Signals a child's whole process group (on Windows: the child). @param {import("node:child_process").ChildProcess} child @param {NodeJS.Signals} signal */
function signalGroup(child, signal) {
    try {
        if (child.pid !== undefined) process.kill(process.platform === "win32" ? child.pid : -child.pid, signal);
    } catch {
        // already gone
    }
}

/** Ends a child and everything it started: SIGTERM, then SIGKILL after 2 s. @param {import("node:child_process").ChildProcess} child */
async function stopGroup(child) {
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once("exit", done));
    signalGroup(child, "SIGTERM");
    await Promise.race([exited, new Promise((done) => setTimeout(done, 2000))]);
    signalGroup(child, "SIGKILL");
}

if (spawnSync(process.execPath, ["esbuild.mjs"], {cwd: root, stdio: "inherit"}).status !== 0) process.exit(1);

const code = findCode();
if (code) {
    const result = spawnSync(code, [`--extensionDevelopmentPath=${root}`, root], {stdio: "inherit", shell: process.platform === "win32"});
    process.exit(result.status ?? 1);
}

const installed = ensureCodeServer();
if (!installed) {
    console.error("No `code` CLI on PATH and code-server runs on Linux only: install VS Code and its `code` command.");
    process.exit(1);
}
// ENCLAVE_DEV_STATE: another profile folder (the dev-loop test uses a temporary one).
const state = process.env.ENCLAVE_DEV_STATE ?? join(root, ".cache", "code-server-dev");
for (const dir of ["user-data", "extensions"]) mkdirSync(join(state, dir), {recursive: true});
const port = process.env.PORT ?? "8080";

// Its own process group, so that stopping it also ends esbuild's service process.
const watcher = spawn(process.execPath, ["esbuild.mjs", "--watch"], {cwd: root, stdio: "inherit", detached: process.platform !== "win32"});
stops.push(() => stopGroup(watcher));
process.once("exit", () => signalGroup(watcher, "SIGKILL"));
const server = await startCodeServer({
    node: installed.node,
    entry: installed.codeServer,
    bindAddr: `127.0.0.1:${port}`,
    userDataDir: join(state, "user-data"),
    extensionsDir: join(state, "extensions"),
    // Its own config file, so code-server writes nothing into ~/.config.
    extraArgs: ["--config", join(state, "config.yaml")],
    env: process.env
}).catch(async (error) => {
    await stopGroup(watcher);
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});
stops.push(() => server.stop());
if (stopping) await server.stop().then(() => process.exit(0));

console.log(`\nEnclave development host (code-server ${server.origin}). Open:\n\n  ${workbenchUrl(server.origin, {folder: root, extensionDevelopmentPath: [root]})}\n`);
console.log("Rebuilds on change; use \"Developer: Reload Window\" to load them. Ctrl-C (or SIGTERM, SIGHUP) stops everything.");
