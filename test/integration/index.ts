// Mocha entry that runs inside the VS Code extension host (VS Code calls run()).
//
// Adding a suite: create test/integration/suite/<name>.test.ts with describe/it (BDD) and
// `import * as vscode from "vscode"`. test/integration/run.ts bundles every suite/*.test.ts into
// dist/test/integration/suite/<name>.test.cjs and this entry loads all of them, sorted by name.
// Helpers shared by suites live next to this file (e.g. screenshot.ts) and are bundled into each
// suite that imports them. The extension's API: `await vscode.extensions.getExtension(
// "enclave.enclave")!.activate()` returns what activate() returned. User settings the tests need
// (and files they name) come from settings.ts; the workspace is a throwaway folder holding
// sample.ts (env ENCLAVE_TEST_WORKSPACE). Screenshots: `await screenshot("name")` from
// ./screenshot (PNG in test-artifacts/screenshots; undefined with desktop VS Code).
//
// It also installs the network guard in this process and, through NODE_OPTIONS, in the processes
// the extension starts (the model worker); and it writes {passed, failed, pending, durationMs} to
// <repo>/test-artifacts/integration-results.json so the caller can print totals.
//
// ENCLAVE_TEST_SESSION=reopened (run.ts's second VS Code session on the same profile, as after a
// reload) runs the suites in reopened/ instead, and writes integration-results-reopened.json.
import {mkdirSync, readdirSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {format} from "node:util";
import Mocha from "mocha";
import * as networkGuard from "../support/network-guard.cjs";

/** This bundle is dist/test/integration/index.cjs. */
const repo = resolve(__dirname, "..", "..", "..");
const guardFile = join(repo, "test", "support", "network-guard.cjs");

function guardChildProcesses(): void {
    const options = process.env.NODE_OPTIONS ?? "";
    if (!options.includes("network-guard.cjs")) {
        process.env.NODE_OPTIONS = `${options} --require ${JSON.stringify(guardFile)}`.trim();
    }
    process.env.ENCLAVE_NETWORK_GUARD_LOG ??= join(repo, "test-artifacts", "network-violations.log");
}

/** The launcher shows only output that starts with this mark, hiding the workbench's own log. */
function markConsole(mark: string): void {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
        const original = console[method].bind(console);
        // VS Code's extension host defines console methods as accessors whose setter ignores
        // plain assignment, so redefine the property.
        Object.defineProperty(console, method, {
            value: (...args: unknown[]) => original(mark + format(...args)),
            writable: true,
            configurable: true
        });
    }
}

function writeResults(stats: Mocha.Stats | undefined, session: string | undefined): void {
    const file = join(process.env.ENCLAVE_TEST_ARTIFACTS ?? join(repo, "test-artifacts"), `integration-results${session ? `-${session}` : ""}.json`);
    mkdirSync(dirname(file), {recursive: true});
    writeFileSync(file, JSON.stringify({
        passed: stats?.passes ?? 0,
        failed: stats?.failures ?? 0,
        pending: stats?.pending ?? 0,
        durationMs: stats?.duration ?? 0
    }));
}

export function run(): Promise<void> {
    const session = process.env.ENCLAVE_TEST_SESSION;
    return runSuites(session === "reopened" ? "reopened" : "suite", session || undefined, process.env.ENCLAVE_TEST_GREP);
}

/**
 * Runs the suites of one folder (beside this bundle) and writes their results as
 * integration-results[-<session>].json. The second window's entry (secondWindow.ts) runs its own folder.
 */
export async function runSuites(folder: string, session: string | undefined, grep: string | undefined): Promise<void> {
    networkGuard.install();
    guardChildProcesses();
    const mark = process.env.ENCLAVE_TEST_OUTPUT_MARK;
    if (mark) markConsole(mark);
    // Mocha captured console.log when it loaded; format here so "%s" placeholders are filled
    // (the extension host forwards console arguments unformatted).
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));

    const mocha = new Mocha({ui: "bdd", color: false, timeout: 120_000, slow: 10_000});
    // ENCLAVE_TEST_GREP=<regexp> runs only the matching tests (as mocha --grep).
    if (grep) mocha.grep(grep);
    const suites = join(__dirname, folder);
    for (const file of readdirSync(suites).filter((name) => name.endsWith(".test.cjs")).sort()) {
        mocha.addFile(join(suites, file));
    }
    const failures = await new Promise<number>((resolveRun, rejectRun) => {
        try {
            const runner = mocha.run((count) => {
                writeResults(runner.stats, session);
                resolveRun(count);
            });
        } catch (error) {
            writeResults(undefined, session);
            rejectRun(error instanceof Error ? error : new Error(String(error)));
        }
    });
    if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
