// Screenshots on request from tests running inside the extension host, which has no access to the
// browser showing the workbench. A file protocol keeps both sides trivial and needs no port:
//   the test writes   <dir>/<name>.request   (empty, "editor-lines", or "click-link:<text>": first
//                     click the link with that text in whichever frame shows it, e.g. a webview)
//   the launcher      saves <dir>/<name>.png and the visible text of every frame (the workbench and
//                     each webview) to <dir>/<name>.txt; for "editor-lines" also <dir>/<name>.lines.json,
//                     the colours the picture shows along each visible editor line (editorLineColours);
//                     deletes the request, then writes <dir>/<name>.done containing "ok" or "error: <message>".
// <name> is limited to letters, digits, "_", "-" and "." so it cannot leave <dir>.
// test/integration/screenshot.ts is the test-side helper.
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {installPngDecoder} from "../support/pngDecoder.mjs";

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
            const request = readFileSync(join(dir, `${name}.request`), "utf8").trim();
            if (request.startsWith("click-link:")) await clickLink(page, request.slice("click-link:".length));
            const picture = await page.screenshot({path: png, timeout: 15_000});
            writeFileSync(join(dir, `${name}.txt`), await framesText(page));
            if (request === "editor-lines") writeFileSync(join(dir, `${name}.lines.json`), JSON.stringify(await editorLineColours(page, picture)));
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
 * Clicks, as a user would, the first link named `text` in any frame (webviews are nested iframes).
 * @param {import("playwright-core").Page} page
 * @param {string} text
 */
async function clickLink(page, text) {
    for (const frame of page.frames()) {
        const link = frame.getByRole("link", {name: text, exact: true}).first();
        if ((await link.count().catch(() => 0)) === 0) continue;
        await link.click({timeout: 5_000});
        return;
    }
    throw new Error(`no frame shows a link named ${JSON.stringify(text)}`);
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

/**
 * For each line the workbench's editors show: its text and the colours the screenshot `picture` (a
 * PNG of `page` as it is now) has along it — every pixel of the line's row across the text area (no
 * gutter, minimap or overview ruler), one pixel row above and below included so that an outline
 * drawn around the line counts — as {"#rrggbb": pixels}, most common first, plus the strip's width.
 * Decoded by the page's own Chromium (test/support/pngDecoder.mjs).
 * @param {import("playwright-core").Page} page
 * @param {Buffer} picture
 * @returns {Promise<Array<{text: string, width: number, colours: Record<string, number>}>>}
 */
async function editorLineColours(page, picture) {
    await installPngDecoder(page);
    return page.evaluate(async (base64) => {
        const bitmap = await enclaveDecodePng(base64);
        const scale = bitmap.width / window.innerWidth;
        const lines = [];
        for (const editor of document.querySelectorAll(".monaco-editor")) {
            const area = editor.querySelector(".editor-scrollable")?.getBoundingClientRect();
            if (!area || area.width === 0) continue;
            const minimap = editor.querySelector(".minimap")?.getBoundingClientRect();
            const ruler = editor.querySelector(".decorationsOverviewRuler")?.getBoundingClientRect();
            const right = Math.min(area.right, minimap && minimap.width > 0 ? minimap.left : area.right, ruler && ruler.width > 0 ? ruler.left : area.right);
            for (const line of editor.querySelectorAll(".view-lines .view-line")) {
                const box = line.getBoundingClientRect();
                if (box.height === 0 || box.bottom <= area.top || box.top >= area.bottom) continue;
                const x = Math.round(area.left * scale);
                const width = Math.round((right - area.left) * scale) - 1;
                const y = Math.max(0, Math.round(box.top * scale) - 1);
                const height = Math.min(bitmap.height - y, Math.round(box.height * scale) + 2);
                if (width <= 0 || height <= 0) continue;
                /** @type {Map<string, number>} */
                const counts = new Map();
                for (let row = y; row < y + height; row++)
                    for (let column = x; column < x + width; column++) {
                        const i = (row * bitmap.width + column) * 4;
                        const rgb = `#${[bitmap.pixels[i], bitmap.pixels[i + 1], bitmap.pixels[i + 2]].map((value) => (value ?? 0).toString(16).padStart(2, "0")).join("")}`;
                        counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
                    }
                const colours = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 12));
                lines.push({text: (line.textContent ?? "").replace(/\u00a0/g, " ").trim(), width, colours});
            }
        }
        return lines;
    }, picture.toString("base64"));
}
