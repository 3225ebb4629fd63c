// Screenshots on request from tests running inside the extension host, which has no access to the
// browser showing the workbench. A file protocol keeps both sides trivial and needs no port:
//   the test writes   <dir>/<name>.request   (content ignored)
//   the launcher      saves <dir>/<name>.png and the visible text of every frame (the workbench and
//                     each webview) to <dir>/<name>.txt, deletes the request, then writes
//                     <dir>/<name>.done containing "ok" or "error: <message>".
// <name> is limited to letters, digits, "_", "-" and "." so it cannot leave <dir>.
// test/integration/screenshot.ts is the test-side helper.
import {existsSync, mkdirSync, readdirSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";

const REQUEST = /^([\w.-]+)\.request$/;
const POLL_MS = 200;

/**
 * @param {import("playwright-core").Page} page
 * @param {string} dir
 * @param {(message: string) => void} log
 * @returns {{stop: () => Promise<void>}}
 */
export function serveScreenshotRequests(page, dir, log) {
    mkdirSync(dir, {recursive: true});
    let stopped = false;
    /** @type {Promise<void>} */
    let current = Promise.resolve();

    const handle = async (/** @type {string} */ name) => {
        const png = join(dir, `${name}.png`);
        let result = "ok";
        try {
            await page.screenshot({path: png, timeout: 15_000});
            writeFileSync(join(dir, `${name}.txt`), await framesText(page));
            log(`screenshot ${png}`);
        } catch (error) {
            result = `error: ${error instanceof Error ? error.message : String(error)}`;
            log(`screenshot ${name} failed: ${result}`);
        }
        rmSync(join(dir, `${name}.request`), {force: true});
        writeFileSync(join(dir, `${name}.done`), result);
    };

    const poll = async () => {
        if (stopped || !existsSync(dir)) return;
        for (const file of readdirSync(dir).sort()) {
            const name = REQUEST.exec(file)?.[1];
            if (name !== undefined && !stopped) await handle(name);
        }
    };

    // One poll at a time: a slow screenshot must not be taken twice for the same request.
    const timer = setInterval(() => {
        current = current.then(poll).catch((error) => log(`screenshot polling failed: ${String(error)}`));
    }, POLL_MS);

    return {
        stop: async () => {
            stopped = true;
            clearInterval(timer);
            await current;
        }
    };
}

/**
 * The text a user sees in every frame, webviews included (they are nested iframes the extension
 * host cannot look into), separated by form feeds.
 * @param {import("playwright-core").Page} page
 */
async function framesText(page) {
    const texts = [];
    for (const frame of page.frames()) {
        try {
            texts.push(await frame.evaluate(() => document.body?.innerText ?? ""));
        } catch {
            // A frame that navigated away meanwhile has nothing to read.
        }
    }
    return texts.join("\n\f\n");
}
