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
const state = join(root, ".cache", "code-server-dev");
for (const dir of ["user-data", "extensions"]) mkdirSync(join(state, dir), {recursive: true});
const port = process.env.PORT ?? "8080";

const watcher = spawn(process.execPath, ["esbuild.mjs", "--watch"], {cwd: root, stdio: "inherit"});
const server = await startCodeServer({
    node: installed.node,
    entry: installed.codeServer,
    bindAddr: `127.0.0.1:${port}`,
    userDataDir: join(state, "user-data"),
    extensionsDir: join(state, "extensions"),
    // Its own config file, so code-server writes nothing into ~/.config.
    extraArgs: ["--config", join(state, "config.yaml")],
    env: process.env
}).catch((error) => {
    watcher.kill();
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
});

console.log(`\nEnclave development host (code-server ${server.origin}). Open:\n\n  ${workbenchUrl(server.origin, {folder: root, extensionDevelopmentPath: [root]})}\n`);
console.log("Rebuilds on change; use \"Developer: Reload Window\" to load them. Ctrl-C to stop.");

let stopping = false;
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        watcher.kill();
        void server.stop().then(() => process.exit(0));
    });
}
