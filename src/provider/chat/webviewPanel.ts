import * as vscode from "vscode";
import {nonce, webviewHtml} from "../../webview/html";

/**
 * Sets up a webview view the way every Enclave view needs it: scripts on, resources only from
 * dist/media, the page from `webviewHtml` (strict CSP, nonce), and a ready handshake — messages
 * posted before the page said `ready` are dropped, because the page asks for the full state then.
 */
export class WebviewChannel<ToView> implements vscode.Disposable {
    private ready = false;
    private readonly disposables: vscode.Disposable[] = [];

    constructor(
        private readonly view: vscode.WebviewView,
        extensionUri: vscode.Uri,
        bundle: "chat" | "trace",
        title: string,
        /** Validates and handles a message from the page; `ready` is handled before it. */
        onMessage: (raw: unknown) => void,
        onReady: () => void
    ) {
        const media = vscode.Uri.joinPath(extensionUri, "dist", "media");
        const webview = view.webview;
        webview.options = {enableScripts: true, localResourceRoots: [media], enableCommandUris: false};
        webview.html = webviewHtml({
            cspSource: webview.cspSource,
            scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, `${bundle}.js`)).toString(),
            styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(media, `${bundle}.css`)).toString()],
            nonce: nonce(),
            title
        });
        this.disposables.push(
            webview.onDidReceiveMessage((raw: unknown) => {
                if (typeof raw === "object" && raw !== null && (raw as {type?: unknown}).type === "ready") {
                    this.ready = true;
                    onReady();
                    return;
                }
                onMessage(raw);
            }),
            view.onDidDispose(() => this.dispose())
        );
    }

    get isReady(): boolean {
        return this.ready;
    }

    post(message: ToView): void {
        if (this.ready) void this.view.webview.postMessage(message);
    }

    dispose(): void {
        this.ready = false;
        for (const disposable of this.disposables.splice(0)) disposable.dispose();
    }
}
