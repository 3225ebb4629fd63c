/**
 * The HTML page of a webview (chat or trace), from plain strings so that it needs no `vscode`
 * import: the provider passes `webview.cspSource` and `asWebviewUri(...)` results, tests pass a
 * loopback origin. The page is an empty shell; the view's script builds the DOM.
 */
import {randomBytes} from "node:crypto";

export interface WebviewPage {
    /** `webview.cspSource`: the only origin styles, fonts and images may come from. */
    cspSource: string;
    /** The view's bundle, e.g. asWebviewUri(dist/media/chat.js). */
    scriptUri: string;
    /** Stylesheets in order, e.g. [asWebviewUri(dist/media/chat.css)]; codicons are bundled into it. */
    styleUris: readonly string[];
    /** A fresh `nonce()` for every page. */
    nonce: string;
    title: string;
}

/** A new nonce for each page: 128 random bits, base64 (a valid CSP nonce source). */
export function nonce(): string {
    return randomBytes(16).toString("base64");
}

/**
 * The page's CSP: nothing by default; styles, fonts and images only from the extension's resources
 * (plus data: images, which codicons and VS Code's own styles may use); scripts only with this
 * page's nonce. No 'unsafe-inline' and no 'unsafe-eval' anywhere.
 */
export function contentSecurityPolicy(cspSource: string, scriptNonce: string): string {
    return [
        "default-src 'none'",
        `style-src ${cspSource}`,
        `font-src ${cspSource}`,
        `img-src ${cspSource} data:`,
        `script-src 'nonce-${scriptNonce}'`
    ].join("; ");
}

export function webviewHtml(page: WebviewPage): string {
    if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(page.nonce)) throw new Error("nonce must be at least 16 base64 characters");
    const styles = page.styleUris.map((uri) => `<link rel="stylesheet" href="${escapeHtml(uri)}">`).join("\n    ");
    return `<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.cspSource, page.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    ${styles}
    <title>${escapeHtml(page.title)}</title>
</head>
<body>
    <div id="app"></div>
    <script nonce="${escapeHtml(page.nonce)}" src="${escapeHtml(page.scriptUri)}"></script>
</body>
</html>`;
}

/** For text and double-quoted attribute values (the CSP's quotes stay readable). */
function escapeHtml(text: string): string {
    return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
