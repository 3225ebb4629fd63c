// Decoding screenshots by Chromium itself, for the UI tests (test/ui/png.ts) and the integration
// launcher (test/vscode/screenshots.mjs): both read pixels in a page, where no PNG library is needed.

/**
 * Gives `page` a global `enclaveDecodePng(base64)`: the PNG's size and RGBA pixels, decoded by the
 * page's Chromium (a PNG that does not decode rejects). Call it before an evaluate that uses it.
 * @param {import("playwright-core").Page} page
 */
export async function installPngDecoder(page) {
    await page.evaluate(() => {
        globalThis.enclaveDecodePng = async (/** @type {string} */ base64) => {
            const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const bitmap = await createImageBitmap(new Blob([data], {type: "image/png"}));
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            const context = canvas.getContext("2d");
            if (!context) throw new Error("no 2d context");
            context.drawImage(bitmap, 0, 0);
            return {width: bitmap.width, height: bitmap.height, pixels: context.getImageData(0, 0, bitmap.width, bitmap.height).data};
        };
    });
}
