/**
 * A short, stable path for a document URI, as prompts name files. Only the last segments: the model
 * gains nothing from the user's home folder, and a shorter header costs fewer tokens.
 */

const keptSegments = 3;

export function displayPath(uri: string): string {
    let path = uri.replace(/^[a-z][a-z0-9+.-]*:(\/\/[^/]*)?/i, "");
    try {
        path = decodeURIComponent(path);
    } catch {
        // A malformed escape: the raw path still names the file well enough.
    }
    const segments = path.split(/[\\/]/).filter((segment) => segment !== "");
    return segments.slice(-keptSegments).join("/") || uri;
}
