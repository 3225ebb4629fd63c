// A second VS Code window on request from a test running in the first one: a second browser page
// on the same code-server, which VS Code serves with an extension host of its own — what a user gets
// with two windows open. The second window runs a test bundle of its own (its mocha results and exit
// code come back through the page's own codeAutomation functions). File protocol, like screenshots.mjs:
//   the test writes   <dir>/second-window.open   JSON {folder, extensionTestsPath}
//   the launcher      opens the page, deletes the request; when the second window's tests end it
//                     closes the page and writes <dir>/second-window.done containing the exit code
//                     (or "error: <message>").
// The ".open" suffix keeps these files apart from screenshot requests.
import {existsSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {workbenchUrl} from "./code-server.mjs";

const POLL_MS = 200;

/**
 * @param {{context: import("playwright-core").BrowserContext, origin: string, dir: string,
 *   extensionDevelopmentPath: string[], disableExtensions: boolean,
 *   relay: {automation(level: unknown, message: unknown): void}, log: (message: string) => void}} options
 * @returns {{stop: () => Promise<void>}}
 */
export function serveSecondWindowRequests(options) {
    const request = join(options.dir, "second-window.open");
    const done = join(options.dir, "second-window.done");
    /** @type {import("playwright-core").Page | undefined} */
    let page;
    let busy = false;

    const open = async () => {
        const {folder, extensionTestsPath} = JSON.parse(readFileSync(request, "utf8"));
        rmSync(request, {force: true});
        const second = await options.context.newPage();
        page = second;
        const finish = async (/** @type {string} */ result) => {
            writeFileSync(done, result);
            options.log(`second window: ${result}`);
            page = undefined;
            await second.close().catch(() => undefined);
        };
        await second.exposeFunction("codeAutomationLog", (/** @type {unknown} */ level, /** @type {unknown} */ message) => options.relay.automation(level, message));
        await second.exposeFunction("codeAutomationExit", (/** @type {unknown} */ code) => void finish(String(Number(code))));
        second.on("crash", () => void finish("error: the second window's page crashed"));
        options.log(`second window: opening ${folder}`);
        await second.goto(workbenchUrl(options.origin, {
            folder,
            extensionDevelopmentPath: options.extensionDevelopmentPath,
            extensionTestsPath,
            disableExtensions: options.disableExtensions
        }), {waitUntil: "domcontentloaded", timeout: 120_000});
    };

    const timer = setInterval(() => {
        if (busy || page || !existsSync(request)) return;
        busy = true;
        open().catch((error) => writeFileSync(done, `error: ${error instanceof Error ? error.message : String(error)}`)).finally(() => {
            busy = false;
        });
    }, POLL_MS);

    return {
        stop: async () => {
            clearInterval(timer);
            await page?.close().catch(() => undefined);
        }
    };
}
