// Screenshots of the workbench from inside the extension host. The test cannot reach the browser,
// so it asks the launcher through files (protocol in test/vscode/screenshots.mjs): it writes
// <name>.request into ENCLAVE_SCREENSHOT_DIR and waits for <name>.done. With desktop VS Code there
// is no launcher (the variable is unset) and this resolves to undefined: callers skip, not fail.
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";

const POLL_MS = 100;

/**
 * Takes a screenshot of the whole workbench as it is now.
 * @param name letters, digits, "_", "-", "." — the file is <ENCLAVE_SCREENSHOT_DIR>/<name>.png
 * @returns the PNG path, or undefined where screenshots are not available
 */
export async function screenshot(name: string, timeoutMs = 30_000): Promise<string | undefined> {
    const dir = process.env.ENCLAVE_SCREENSHOT_DIR;
    if (!dir) return undefined;
    if (!/^[\w.-]+$/.test(name)) throw new Error(`screenshot name must match [\\w.-]+: ${name}`);
    mkdirSync(dir, {recursive: true});
    const done = join(dir, `${name}.done`);
    rmSync(done, {force: true});
    writeFileSync(join(dir, `${name}.request`), "");
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
