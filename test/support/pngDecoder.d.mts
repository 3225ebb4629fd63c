// Types for pngDecoder.mjs (plain JavaScript so that the launcher can load it untranspiled).
import type {Page} from "playwright-core";

export declare function installPngDecoder(page: Page): Promise<void>;

declare global {
    /** In a page after installPngDecoder: the PNG (base64) decoded, pixels as RGBA rows. */
    function enclaveDecodePng(base64: string): Promise<{width: number; height: number; pixels: Uint8ClampedArray}>;
}
