// A stand-in for the VS Code executable, for @vscode/test-electron's runTests({vscodeExecutablePath})
// on machines where desktop VS Code cannot be downloaded: it runs the same extension tests in
// code-server (a real VS Code) shown by headless Chromium, and exits with the tests' exit code.
//
// Reads --extensionDevelopmentPath=, --extensionTestsPath=, --user-data-dir=, --extensions-dir=,
// --disable-extensions and one folder / .code-workspace / file argument; other VS Code flags are
// ignored. Environment:
//   ENCLAVE_VSCODE_TIMEOUT_SECONDS  whole run, default 600; a hang fails instead of hanging CI
//   ENCLAVE_SCREENSHOT_DIR          serve screenshot and second-window requests there (screenshots.mjs, secondWindow.mjs)
//   ENCLAVE_VSCODE_LOG_DIR          workbench.log and code-server.log, default <repo>/test-artifacts/vscode-logs
//   ENCLAVE_VSCODE_BIND_ADDR        where code-server listens, default 127.0.0.1:0 (a free port); the
//                                   workspace's storage is keyed by its URI, host:port included, so
//                                   two sessions that should see one storage use one address
//   ENCLAVE_VSCODE_VERBOSE=1        also print those logs and the browser console (stderr)
// Only the test entry's marked output reaches stdout (see output.mjs).
// Everything it creates (HOME, TMPDIR, XDG dirs, browser profile) is removed at exit; code-server
// runs in its own process group, which is killed.
import {existsSync, mkdirSync, mkdtempSync, rmSync, statSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {chromium} from "playwright-core";
import {startCodeServer, workbenchUrl} from "./code-server.mjs";
import {CHROMIUM, ensureCodeServer, missingSystemPackages, paths} from "./install.mjs";
import {OUTPUT_MARK, OutputRelay} from "./output.mjs";
import {serveScreenshotRequests} from "./screenshots.mjs";
import {serveSecondWindowRequests} from "./secondWindow.mjs";

const verbose = process.env.ENCLAVE_VSCODE_VERBOSE === "1";
const timeoutSeconds = Number(process.env.ENCLAVE_VSCODE_TIMEOUT_SECONDS ?? "600");
const started = Date.now();
/** VS Code flags whose value may follow as a separate argument; skipped so it is not taken for the folder. */
const FLAGS_WITH_VALUE = new Set(["locale", "log", "disable-extension", "profile", "sync", "category",
    "install-extension", "uninstall-extension", "enable-proposed-api", "folder-uri", "file-uri", "remote"]);
const BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** @param {string} message */
const log = (message) => console.log(`[launcher +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

/** @param {string[]} argv */
function parseArgs(argv) {
    /** @type {{extensionDevelopmentPath: string[], extensionTestsPath?: string, userDataDir?: string,
     *   extensionsDir?: string, disableExtensions: boolean, target?: string}} */
    const parsed = {extensionDevelopmentPath: [], disableExtensions: false};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] ?? "";
        if (!arg.startsWith("-")) {
            parsed.target ??= resolve(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const name = arg.replace(/^--?/, "").slice(0, eq === -1 ? undefined : eq - (arg.startsWith("--") ? 2 : 1));
        const takes = ["extensionDevelopmentPath", "extensionTestsPath", "user-data-dir", "extensions-dir"].includes(name);
        const value = eq !== -1 ? arg.slice(eq + 1) : takes || FLAGS_WITH_VALUE.has(name) ? argv[++i] ?? "" : "";
        if (name === "extensionDevelopmentPath") parsed.extensionDevelopmentPath.push(resolve(value));
        else if (name === "extensionTestsPath") parsed.extensionTestsPath = resolve(value);
        else if (name === "user-data-dir") parsed.userDataDir = resolve(value);
        else if (name === "extensions-dir") parsed.extensionsDir = resolve(value);
        else if (name === "disable-extensions") parsed.disableExtensions = true;
    }
    return parsed;
}

/** code-server must not run under the test network guard: its own offline lookups (extension
 * gallery, telemetry) are VS Code's, not ours. The guard is installed inside the extension host by
 * the test entry instead. @param {string | undefined} options */
function withoutNetworkGuard(options) {
    return (options ?? "").replace(/(--require[= ]|-r )\S*network-guard\.cjs/g, "").trim();
}

/** @param {string} target */
function openTarget(target) {
    if (!existsSync(target)) throw new Error(`no such folder or file: ${target}`);
    if (statSync(target).isDirectory()) return {folder: target};
    return target.endsWith(".code-workspace") ? {workspace: target} : {file: target};
}

/** Throwaway HOME, TMPDIR and XDG dirs so neither code-server nor Chromium writes to the real home. */
function makeSandbox() {
    const dir = mkdtempSync(join(tmpdir(), "enclave-vscode-"));
    const sub = (/** @type {string} */ name) => {
        const path = join(dir, name);
        mkdirSync(path, {recursive: true});
        return path;
    };
    const env = {HOME: sub("home"), TMPDIR: sub("tmp"), XDG_CONFIG_HOME: sub("config"), XDG_DATA_HOME: sub("data"),
        XDG_CACHE_HOME: sub("cache"), XDG_RUNTIME_DIR: sub("runtime")};
    return {dir, env, sub};
}

/** @type {Array<() => Promise<void>>} */
const cleanups = [];
let cleaning = false;
/** What the timeout handler needs to report, once it exists. */
const live = {
    /** @type {import("playwright-core").Page | undefined} */ page: undefined,
    /** @type {OutputRelay | undefined} */ relay: undefined
};

/** Runs the cleanups in reverse order, each bounded, and exits. @param {number} code */
async function finish(code) {
    if (cleaning) return;
    cleaning = true;
    clearTimeout(watchdog);
    for (const cleanup of cleanups.reverse()) {
        await Promise.race([cleanup().catch((error) => log(`cleanup: ${String(error)}`)), new Promise((r) => setTimeout(r, 10_000))]);
    }
    log(`exit ${code} after ${Math.round((Date.now() - started) / 1000)} s`);
    process.exit(code);
}

async function main() {
    const options = parseArgs(process.argv.slice(2));
    if (options.extensionDevelopmentPath.length === 0) throw new Error("--extensionDevelopmentPath= is required");
    const installed = ensureCodeServer();
    if (!installed) throw new Error("this launcher runs code-server on Linux only; set ENCLAVE_VSCODE=desktop elsewhere");
    const missing = missingSystemPackages().filter((line) => line.startsWith(CHROMIUM));
    if (missing.length > 0) throw new Error(missing.join("\n"));

    const sandbox = makeSandbox();
    cleanups.push(async () => rmSync(sandbox.dir, {recursive: true, force: true, maxRetries: 3}));
    const relay = new OutputRelay(process.env.ENCLAVE_VSCODE_LOG_DIR ?? join(paths.root, "test-artifacts", "vscode-logs"), verbose);
    live.relay = relay;
    cleanups.push(() => relay.close());
    const env = {...process.env, ...sandbox.env, NODE_OPTIONS: withoutNetworkGuard(process.env.NODE_OPTIONS),
        ENCLAVE_TEST_OUTPUT_MARK: OUTPUT_MARK};

    const server = await startCodeServer({
        node: installed.node,
        entry: installed.codeServer,
        bindAddr: process.env.ENCLAVE_VSCODE_BIND_ADDR ?? "127.0.0.1:0",
        userDataDir: options.userDataDir ?? sandbox.sub("user-data"),
        extensionsDir: options.extensionsDir ?? sandbox.sub("extensions"),
        env,
        onLine: (line) => relay.codeServer(line)
    });
    cleanups.push(server.stop);
    log(`code-server at ${server.origin}`);
    /** @type {(code: number) => void} */
    let exitWith = () => {};
    const exited = new Promise((resolveExit) => {
        exitWith = resolveExit;
    });
    void server.exited.then((code) => {
        if (cleaning) return;
        log(`code-server exited unexpectedly (${code})`);
        exitWith(1);
    });

    const context = await chromium.launchPersistentContext(sandbox.sub("browser-profile"), {
        executablePath: CHROMIUM,
        headless: true,
        args: BROWSER_FLAGS,
        env: {...env, ...sandbox.env},
        viewport: {width: 1440, height: 900},
        // Playwright's own signal handlers would exit the process before our cleanup runs.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false
    });
    cleanups.push(() => context.close());
    context.on("close", () => {
        if (cleaning) return;
        log("the browser closed unexpectedly");
        exitWith(1);
    });
    const page = context.pages()[0] ?? (await context.newPage());
    live.page = page;
    // Test output and the exit code come from the workbench through these two functions, which a
    // VS Code started with enable-smoke-test-driver calls when they exist on window.
    await page.exposeFunction("codeAutomationLog", (/** @type {unknown} */ level, /** @type {unknown} */ message) =>
        relay.automation(level, message));
    await page.exposeFunction("codeAutomationExit", (/** @type {unknown} */ code) => exitWith(Number(code)));
    page.on("crash", () => {
        log("the browser page crashed");
        exitWith(1);
    });
    if (verbose) page.on("console", (message) => console.error(`[browser ${message.type()}] ${message.text()}`));

    const screenshotDir = process.env.ENCLAVE_SCREENSHOT_DIR;
    if (screenshotDir) {
        const screenshots = serveScreenshotRequests(page, screenshotDir, log);
        cleanups.push(screenshots.stop);
        const second = serveSecondWindowRequests({context, origin: server.origin, dir: screenshotDir, relay,
            extensionDevelopmentPath: options.extensionDevelopmentPath, disableExtensions: options.disableExtensions, log});
        cleanups.push(second.stop);
    }

    const url = workbenchUrl(server.origin, {
        ...(options.target ? openTarget(options.target) : {}),
        extensionDevelopmentPath: options.extensionDevelopmentPath,
        extensionTestsPath: options.extensionTestsPath,
        disableExtensions: options.disableExtensions
    });
    // The workbench keeps loading after DOMContentLoaded; the tests' exit signal is what counts.
    await page.goto(url, {waitUntil: "domcontentloaded", timeout: 120_000});
    log("workbench loading");
    const result = await exited;
    if (result !== 0) log(relay.summary());
    return Number.isInteger(result) ? result : 1;
}

/** The whole run is bounded: a hang anywhere (install, start, tests) fails instead of hanging CI. */
async function onTimeout() {
    log(`TIMEOUT: no exit signal from VS Code within ${timeoutSeconds} s (ENCLAVE_VSCODE_TIMEOUT_SECONDS)`);
    if (live.page) {
        const shot = join(process.env.ENCLAVE_SCREENSHOT_DIR ?? join(paths.root, "test-artifacts"), "launcher-timeout.png");
        await live.page.screenshot({path: shot, timeout: 10_000}).then(() => log(`screenshot ${shot}`), () => undefined);
    }
    if (live.relay) log(live.relay.summary());
    await finish(1);
}
const watchdog = setTimeout(() => void onTimeout(), timeoutSeconds * 1000);

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
    process.on(signal, () => {
        log(`${signal}: stopping`);
        void finish(signal === "SIGINT" ? 130 : 143);
    });
}
main().then(
    (code) => finish(code),
    (error) => {
        log(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
        return finish(1);
    }
);
