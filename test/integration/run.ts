// Runs the integration tests inside a real VS Code: `npx tsx test/integration/run.ts`.
// Expects dist/ to be built already (`npm test` builds first). Steps: bundle the test entry and
// suites, make a throwaway workspace and profile, then @vscode/test-electron's runTests — twice
// when the first session handed over its chats: the second session (suites in reopened/) opens
// the same profile again, as a reloaded window would — with
//   - our launcher (code-server + headless Chromium, installed by test/vscode/install.mjs) on Linux,
//   - desktop VS Code, downloaded by test-electron, with ENCLAVE_VSCODE=desktop or off Linux.
// Env: ENCLAVE_VSCODE=desktop, ENCLAVE_VSCODE_TIMEOUT_SECONDS (launcher, default 600),
// ENCLAVE_VSCODE_VERBOSE=1, ENCLAVE_TEST_GREP=<regexp> (only matching tests),
// (the model process's prompt log, ENCLAVE_TEST_PROMPT_LOG, is set here for the tests),
// ENCLAVE_NETWORK_GUARD_LOG (default test-artifacts/network-violations.log).
// Exit code: the tests'; 1 also when the network guard recorded a new violation.
import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from "node:fs";
import {createServer} from "node:net";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {runTests, TestRunFailedError} from "@vscode/test-electron";
import * as esbuild from "esbuild";
import {stopModelProcesses} from "../support/modelProcesses";
import {testUserSettings} from "./settings";
import {writeWorkspaceFiles} from "./workspaceFixture";

const root = resolve(import.meta.dirname, "..", "..");
const artifacts = join(root, "test-artifacts");
const outdir = join(root, "dist", "test", "integration");
const guardLog = process.env.ENCLAVE_NETWORK_GUARD_LOG ?? join(artifacts, "network-violations.log");
const desktop = process.env.ENCLAVE_VSCODE === "desktop" || process.platform !== "linux";

const SAMPLE = `// A small file for the integration tests to open and edit.
export function greet(name: string): string {
    return \`Hello, \${name}!\`;
}
`;

async function bundleTests(): Promise<string> {
    rmSync(outdir, {recursive: true, force: true});
    const suites = ["suite", "reopened", "second-window"].flatMap((folder) => {
        const dir = join(root, "test", "integration", folder);
        return readdirSync(dir).filter((name) => name.endsWith(".test.ts")).map((name) => join(dir, name));
    });
    await esbuild.build({
        entryPoints: [join(root, "test", "integration", "index.ts"), join(root, "test", "integration", "secondWindow.ts"), ...suites],
        outbase: join(root, "test", "integration"),
        outdir,
        outExtension: {".js": ".cjs"},
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        sourcemap: "inline",
        // vscode is provided by the extension host; mocha is found in the repo's node_modules.
        external: ["vscode", "mocha"],
        logLevel: "warning"
    });
    // test/vscode/secondWindow.mjs opens the second window with this entry (named as suite/windows.test.ts expects).
    renameSync(join(outdir, "secondWindow.cjs"), join(outdir, "second-window.cjs"));
    return join(outdir, "index.cjs");
}

/** A throwaway workspace with a sample file and a small project to index (workspaceFixture.ts), a user-data dir with settings, an extensions dir. */
async function makeProfile(): Promise<{dir: string; workspace: string; userDataDir: string; extensionsDir: string}> {
    const dir = mkdtempSync(join(tmpdir(), "enclave-it-"));
    const workspace = join(dir, "workspace");
    const userDataDir = join(dir, "user-data");
    const extensionsDir = join(dir, "extensions");
    for (const path of [workspace, join(userDataDir, "User"), join(userDataDir, "Machine"), extensionsDir]) mkdirSync(path, {recursive: true});
    writeFileSync(join(workspace, "sample.ts"), SAMPLE);
    writeWorkspaceFiles(workspace);
    const settings = await testUserSettings(root);
    writeFileSync(join(userDataDir, "User", "settings.json"), JSON.stringify(settings, null, 2));
    // Model paths are machine-overridable: a code-server window (a remote one) ignores them in the
    // User file and reads them from the Machine file; desktop VS Code reads the User file.
    const machine = Object.fromEntries(Object.entries(settings).filter(([key]) => machineScopedKeys().has(key)));
    writeFileSync(join(userDataDir, "Machine", "settings.json"), JSON.stringify(machine, null, 2));
    return {dir, workspace, userDataDir, extensionsDir};
}

/** The settings package.json scopes to the machine (machine, machine-overridable). */
function machineScopedKeys(): Set<string> {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {contributes: {configuration: {properties: Record<string, {scope?: string}>}}};
    return new Set(
        Object.entries(manifest.contributes.configuration.properties)
            .filter(([, property]) => property.scope === "machine" || property.scope === "machine-overridable")
            .map(([key]) => key)
    );
}

/** The launcher path after installing code-server, or undefined for desktop VS Code. */
async function vscodeExecutable(): Promise<string | undefined> {
    if (desktop) {
        // Downloading VS Code is the harness's own traffic, not the extension's: lift the guard here.
        const guard = await import("../support/network-guard.cjs");
        guard.uninstall();
        return undefined;
    }
    const install = spawnSync(process.execPath, [join(root, "test", "vscode", "install.mjs")], {stdio: "inherit"});
    if (install.status !== 0) throw new Error("test/vscode/install.mjs failed");
    return join(root, "test", "vscode", "launcher");
}

/** A loopback port free now, for code-server to listen on in both sessions. */
async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
    const address = server.address();
    await new Promise((resolveClose) => server.close(resolveClose));
    if (address === null || typeof address === "string") throw new Error("no loopback port");
    return address.port;
}

/** NODE_OPTIONS without the network guard: VS Code itself must not run guarded (the test entry
 * installs the guard inside the extension host). */
function withoutGuard(options: string | undefined): string {
    return (options ?? "").replace(/(--require[= ]|-r )\S*network-guard\.cjs/g, "").trim();
}

function size(file: string): number {
    return existsSync(file) ? statSync(file).size : 0;
}

const resultFiles = (["", "-reopened"] as const).map((suffix) => join(artifacts, `integration-results${suffix}.json`));

/** Prints the totals of both sessions and writes them to integration-results.json (npm test reads it). */
function printTotals(sessions: number): boolean {
    const found = resultFiles.slice(0, sessions).filter((file) => existsSync(file));
    if (found.length < sessions) {
        console.log("integration: no results (the tests did not run to the end)");
        return false;
    }
    const totals = {passed: 0, failed: 0, pending: 0};
    for (const file of found) {
        const session = JSON.parse(readFileSync(file, "utf8")) as typeof totals;
        totals.passed += session.passed;
        totals.failed += session.failed;
        totals.pending += session.pending;
    }
    writeFileSync(resultFiles[0] ?? "", JSON.stringify(totals));
    console.log(`integration: ${totals.passed} passed, ${totals.failed} failed, ${totals.pending} skipped${sessions > 1 ? " (two VS Code sessions on one profile)" : ""}`);
    return totals.passed + totals.failed > 0;
}

async function main(): Promise<number> {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {main: string};
    if (!existsSync(join(root, manifest.main))) throw new Error(`${manifest.main} is missing: build first (npm run build)`);
    mkdirSync(artifacts, {recursive: true});
    for (const file of resultFiles) rmSync(file, {force: true});
    const screenshots = join(artifacts, "screenshots");
    rmSync(screenshots, {recursive: true, force: true});

    const started = Date.now();
    const extensionTestsPath = await bundleTests();
    const vscodeExecutablePath = await vscodeExecutable();
    // code-server keys a workspace's storage by its URI, which holds code-server's host:port: the
    // second session listens where the first did, as a reloaded window talks to the same server.
    if (!desktop) process.env.ENCLAVE_VSCODE_BIND_ADDR ??= `127.0.0.1:${await freePort()}`;
    const profile = await makeProfile();
    const guardLogBefore = size(guardLog);
    const handoff = join(profile.dir, "session-handoff.json");
    const runtimeDir = join(profile.dir, "run");
    /** One VS Code session on the profile; resolves to its exit code. */
    const session = async (env: Record<string, string>): Promise<number> => {
        try {
            return await runTests({
                vscodeExecutablePath,
                // Desktop downloads go to the git-ignored .cache/, not <cwd>/.vscode-test.
                cachePath: join(root, ".cache", "vscode-test"),
                extensionDevelopmentPath: root,
                extensionTestsPath,
                launchArgs: [profile.workspace, "--disable-extensions", `--user-data-dir=${profile.userDataDir}`,
                    `--extensions-dir=${profile.extensionsDir}`],
                extensionTestsEnv: {
                    ENCLAVE_TEST_ARTIFACTS: artifacts,
                    ENCLAVE_TEST_WORKSPACE: profile.workspace,
                    ENCLAVE_TEST_HANDOFF: handoff,
                    ENCLAVE_NETWORK_GUARD_LOG: guardLog,
                    // Both sessions (and the second window) share one model process, in a folder this run removes.
                    ENCLAVE_RUNTIME_DIR: runtimeDir,
                    // The model process (started from the first session's extension host, so it
                    // inherits this) logs every chat prompt it renders there (src/engine/worker/promptLog.ts).
                    ENCLAVE_TEST_PROMPT_LOG: join(profile.dir, "model-prompts.jsonl"),
                    NODE_OPTIONS: withoutGuard(process.env.NODE_OPTIONS),
                    ...(desktop ? {} : {ENCLAVE_SCREENSHOT_DIR: screenshots}),
                    ...env
                }
            });
        } catch (error) {
            if (!(error instanceof TestRunFailedError)) throw error;
            return typeof error.code === "number" && error.code !== 0 ? error.code : 1;
        }
    };
    let code: number;
    let sessions = 1;
    try {
        code = await session({});
        // The history test of the first session wrote the handoff (not when ENCLAVE_TEST_GREP left it
        // out); the second session runs all of reopened/.
        if (existsSync(handoff)) {
            sessions = 2;
            console.log("integration: a second VS Code session on the same profile, as after a reload");
            code = (await session({ENCLAVE_TEST_SESSION: "reopened", ENCLAVE_TEST_GREP: ""})) || code;
        }
    } finally {
        // The model process is detached (it outlives a window): end it with the run.
        await stopModelProcesses(runtimeDir);
        rmSync(profile.dir, {recursive: true, force: true, maxRetries: 3});
    }
    const ranTests = printTotals(sessions);
    if (size(guardLog) > guardLogBefore) {
        const lines = readFileSync(guardLog).subarray(guardLogBefore).toString("utf8").trim();
        console.log(`Network guard: code tried to leave the machine during the integration tests:\n${lines}`);
        code = code || 1;
    }
    console.log(`integration tests took ${Math.round((Date.now() - started) / 1000)} s (${desktop ? "desktop VS Code" : "code-server"})`);
    return ranTests ? code : code || 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        console.error(error instanceof Error ? error.stack ?? error.message : String(error));
        process.exit(1);
    }
);
