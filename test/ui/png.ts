/**
 * What a screenshot shows, decoded by Chromium itself (a PNG that does not decode fails here):
 * its size and its most common colour, which for a view is the background its theme painted.
 */
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import type {Browser} from "playwright-core";
import {installPngDecoder} from "../support/pngDecoder.mjs";
import {darkTheme, lightTheme} from "./theme";

export interface PngSummary {
    width: number;
    height: number;
    /** The most common pixel colour, "#rrggbb". */
    dominant: string;
    /** The share of pixels that have the dominant colour, 0..1. */
    dominantShare: number;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function pngSummary(browser: Browser, file: string): Promise<PngSummary> {
    const bytes = readFileSync(file);
    if (!bytes.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${file} is not a PNG (no PNG signature)`);
    // A page of its own (about:blank): the webview pages block every request that is not to their server.
    const page = await browser.newPage();
    try {
        await installPngDecoder(page);
        return await page.evaluate(async (base64) => {
            const bitmap = await enclaveDecodePng(base64);
            const pixels = bitmap.pixels;
            const counts = new Map<number, number>();
            for (let i = 0; i < pixels.length; i += 4) {
                const rgb = ((pixels[i] ?? 0) << 16) | ((pixels[i + 1] ?? 0) << 8) | (pixels[i + 2] ?? 0);
                counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
            }
            let [best, bestCount] = [0, 0];
            for (const [rgb, count] of counts) if (count > bestCount) [best, bestCount] = [rgb, count];
            return {
                width: bitmap.width,
                height: bitmap.height,
                dominant: `#${best.toString(16).padStart(6, "0")}`,
                dominantShare: bestCount / (bitmap.width * bitmap.height)
            };
        }, bytes.toString("base64"));
    } finally {
        await page.close();
    }
}

/**
 * The light and dark screenshots (`files`: theme name → PNG) are real pictures of a themed view:
 * the viewport's size, and mostly the theme's own background, which differs between the two.
 */
export async function assertThemedScreenshots(browser: Browser, files: ReadonlyMap<string, string>, size: {width: number; height: number}): Promise<void> {
    const summaries = new Map<string, PngSummary>();
    for (const [themeName, file] of files) summaries.set(themeName, await pngSummary(browser, file));
    const light = summaries.get("light");
    const dark = summaries.get("dark");
    assert.ok(light && dark, `a light and a dark screenshot (${[...files.keys()].join(", ")})`);
    for (const [theme, summary, background] of [["light", light, lightTheme.background], ["dark", dark, darkTheme.background]] as const) {
        assert.deepEqual({width: summary.width, height: summary.height}, size, `${theme}: the viewport's size`);
        assert.equal(summary.dominant, background, `${theme}: the theme's background is the most common colour`);
        assert.ok(summary.dominantShare > 0.3 && summary.dominantShare < 0.99, `${theme}: background and content (${summary.dominantShare} background)`);
    }
}
