/** The layout of the models folder: model files at the top, partial downloads in a hidden folder beside them. */
import path from "node:path";

/** Inside the models folder (same disk), so moving a finished file into place is a rename. */
export const partialDownloadsFolder = ".downloads";

/** Where the partial files of download `id` live until they are complete and checked. */
export function stagingDir(modelsDir: string, id: string): string {
    return path.join(modelsDir, partialDownloadsFolder, id.replace(/[^A-Za-z0-9._-]/g, "_"));
}
