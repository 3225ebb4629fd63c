// Screenshots of the workbench from inside the extension host. The test cannot reach the browser,
// so it asks the launcher through files (protocol in test/vscode/screenshots.mjs): it writes
// <name>.request into ENCLAVE_SCREENSHOT_DIR and waits for <name>.done. With desktop VS Code there
// is no launcher (the variable is unset) and this resolves to undefined: callers skip, not fail.
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import * as vscode from "vscode";

const POLL_MS = 100;

/**
 * Takes a screenshot of the whole workbench as it is now.
 * @param name letters, digits, "_", "-", "." — the file is <ENCLAVE_SCREENSHOT_DIR>/<name>.png
 * @returns the PNG path, or undefined where screenshots are not available
 */
export async function screenshot(name: string, timeoutMs = 30_000, request: "" | "editor-lines" | `click-link:${string}` = ""): Promise<string | undefined> {
    const dir = process.env.ENCLAVE_SCREENSHOT_DIR;
    if (!dir) return undefined;
    if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must match [\\w.-]+: ${name}`);
    mkdirSync(dir, {recursive: true});
    const done = join(dir, `${name}.done`);
    rmSync(done, {force: true});
    writeFileSync(join(dir, `${name}.request`), request);
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(done)) {
        if (Date.now() > deadline) throw new Error(`screenshot ${name}: no answer from the launcher within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const result = readFileSync(done, "utf8");
    rmSync(done, {force: true});
    if (result !== "ok") throw new Error(`screenshot ${name}: ${result}`);
    return join(dir, `${name}.png`);
}

/**
 * The visible text of the workbench and every webview, as captured with the screenshot `name`
 * (call `screenshot(name)` first); undefined where screenshots are not available.
 */
export function capturedText(name: string): string | undefined {
    const dir = process.env.ENCLAVE_SCREENSHOT_DIR;
    if (!dir) return undefined;
    const file = join(dir, `${name}.txt`);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/**
 * Ends the running test as skipped, saying why, where screenshots are not available (desktop VS
 * Code has no launcher to take them). Call it first in a test that checks what is on screen, so the
 * check is never silently left out.
 */
export function skipWithoutScreenshots(test: Mocha.Context, what: string): void {
    if (process.env.ENCLAVE_SCREENSHOT_DIR) return;
    console.log(`      skipped: ${what} needs screenshots, which only the code-server launcher takes (not desktop VS Code)`);
    test.skip();
}

/**
 * Screenshots (as `name`) until the visible text satisfies `holds`, and returns that text; fails
 * after `timeoutMs` with the last text seen. Where screenshots are not available this throws:
 * call skipWithoutScreenshots first.
 */
export async function waitForScreenText(name: string, holds: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if ((await screenshot(name)) === undefined) throw new Error(`${what}: screenshots are not available here (call skipWithoutScreenshots first)`);
        const text = capturedText(name);
        if (text === undefined) throw new Error(`screenshot ${name}: the launcher saved no visible text beside the picture`);
        if (holds(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; on screen:\n${text.slice(0, 2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

/** A line an editor shows, and the colours a screenshot has along it (test/vscode/screenshots.mjs). */
export interface EditorLineColours {
    /** The line's text, trimmed. */
    readonly text: string;
    /** The width in pixels of the strip sampled: the editor's text area. */
    readonly width: number;
    /** The strip's most common colours, "#rrggbb" → pixels, most common first. */
    readonly colours: Readonly<Record<string, number>>;
}

/**
 * Screenshots the workbench (as `name`) and returns, for every line its editors show, the colours
 * the picture has along that line. Where screenshots are not available this throws: call
 * skipWithoutScreenshots first.
 */
export async function editorLineColours(name: string): Promise<EditorLineColours[]> {
    if ((await screenshot(name, undefined, "editor-lines")) === undefined) throw new Error("editor line colours: screenshots are not available here (call skipWithoutScreenshots first)");
    const file = join(process.env.ENCLAVE_SCREENSHOT_DIR ?? "", `${name}.lines.json`);
    if (!existsSync(file)) throw new Error(`screenshot ${name}: the launcher saved no line colours beside the picture`);
    return JSON.parse(readFileSync(file, "utf8")) as EditorLineColours[];
}

/**
 * Opens the notification centre (this VS Code runs with its smoke-test driver, which shows no
 * toasts) and screenshots (as `name`) until the visible text contains `expected`, and returns that
 * text; fails after `timeoutMs` with what was on screen. Call skipWithoutScreenshots first.
 */
export async function notificationText(name: string, expected: string, timeoutMs = 10_000): Promise<string> {
    await vscode.commands.executeCommand("notifications.showList");
    return waitForScreenText(name, (text) => text.includes(expected), `"${expected}" on screen`, timeoutMs);
}
