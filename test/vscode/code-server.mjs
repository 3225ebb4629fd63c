// Starts and stops code-server (VS Code 1.139 in a browser) for the test launcher and `npm run dev`.
// Measured facts behind the flags are in shared/notes/vscode-offline.md.
import {spawn} from "node:child_process";
import {once} from "node:events";

const LISTENING = /HTTP server listening on (http:\/\/\S+?)\/?(\s|$)/;

/**
 * @typedef {object} CodeServerOptions
 * @property {string} node           Node 24 binary
 * @property {string} entry          code-server's out/node/entry.js
 * @property {string} bindAddr       e.g. "127.0.0.1:0" (port 0: the OS picks a free one)
 * @property {string} userDataDir
 * @property {string} extensionsDir
 * @property {NodeJS.ProcessEnv} env
 * @property {string[]} [extraArgs]
 * @property {number} [startTimeoutMs]
 * @property {(line: string) => void} [onLine]  every output line (stdout and stderr)
 */

/**
 * @typedef {object} CodeServer
 * @property {string} origin       e.g. "http://127.0.0.1:41234"
 * @property {string[]} output     the last output lines, for failure reports
 * @property {Promise<number | string | null>} exited  resolves with the exit code or signal
 * @property {() => Promise<void>} stop
 */

/**
 * Kills the whole process group: code-server's extension host ignores SIGTERM for a long time,
 * so after a short grace period everything left gets SIGKILL.
 * @param {import("node:child_process").ChildProcess} child
 */
async function killGroup(child) {
    const pid = child.pid;
    if (pid === undefined) return;
    /** @param {NodeJS.Signals} signal */
    const signalGroup = (signal) => {
        try {
            process.kill(-pid, signal);
        } catch {
            // ESRCH: the group is already gone.
        }
    };
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : once(child, "exit");
    signalGroup("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    signalGroup("SIGKILL");
}

/**
 * @param {CodeServerOptions} options
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer(options) {
    const args = [
        options.entry,
        "--bind-addr", options.bindAddr,
        "--auth", "none",
        "--user-data-dir", options.userDataDir,
        "--extensions-dir", options.extensionsDir,
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        "--ignore-last-opened",
        // Without this a built VS Code ignores the extensionDevelopmentPath/extensionTestsPath payload.
        "--vscode-option", "enable-smoke-test-driver",
        ...(options.extraArgs ?? [])
    ];
    // detached: its own process group, so stop() can reach the extension host and watchers too.
    const child = spawn(options.node, args, {env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"]});
    // Last resort if this process exits without stop() (an uncaught error): never leave a server behind.
    const killOnExit = () => {
        try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
            // already gone
        }
    };
    process.once("exit", killOnExit);
    child.once("exit", () => process.removeListener("exit", killOnExit));
    /** @type {string[]} */
    const output = [];
    /** @type {(origin: string) => void} */
    let onListening = () => {};
    const listening = new Promise((resolve) => {
        onListening = resolve;
    });
    /** @param {Buffer} chunk */
    const collect = (chunk) => {
        for (const line of chunk.toString("utf8").split("\n")) {
            if (line.trim() === "") continue;
            output.push(line);
            if (output.length > 200) output.shift();
            options.onLine?.(line);
            const match = LISTENING.exec(line);
            if (match?.[1]) onListening(match[1]);
        }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const stop = () => killGroup(child);
    const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal)));

    const timeoutMs = options.startTimeoutMs ?? 60_000;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const failed = new Promise((_, reject) => {
        child.once("error", reject);
        child.once("exit", (code, signal) => reject(new Error(`code-server exited (${code ?? signal}) before listening`)));
        timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
        const origin = /** @type {string} */ (await Promise.race([listening, failed]));
        return {origin, output, stop, exited};
    } catch (error) {
        await stop();
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`${message}\n--- code-server output ---\n${output.join("\n")}`);
    } finally {
        clearTimeout(timer);
    }
}

/**
 * The workbench URL that opens `target` with the extension under development (and its tests).
 * Paths become vscode-remote URIs on the same host:port the browser uses.
 * @param {string} origin
 * @param {{folder?: string, workspace?: string, file?: string, extensionDevelopmentPath: string[],
 *   extensionTestsPath?: string, disableExtensions?: boolean}} target
 */
export function workbenchUrl(origin, target) {
    const remote = (/** @type {string} */ path) => `vscode-remote://${new URL(origin).host}${path.split("/").map(encodeURIComponent).join("/")}`;
    /** @type {Array<[string, string]>} */
    const payload = target.extensionDevelopmentPath.map((path) => ["extensionDevelopmentPath", remote(path)]);
    if (target.extensionTestsPath) payload.push(["extensionTestsPath", remote(target.extensionTestsPath)]);
    if (target.file) payload.push(["openFile", remote(target.file)]);
    if (target.disableExtensions) payload.push(["disableExtensions", "true"]);
    payload.push(["skipWelcome", "true"], ["skipReleaseNotes", "true"]);
    const url = new URL(origin);
    if (target.folder) url.searchParams.set("folder", target.folder);
    if (target.workspace) url.searchParams.set("workspace", target.workspace);
    url.searchParams.set("payload", JSON.stringify(payload));
    return url.toString();
}
