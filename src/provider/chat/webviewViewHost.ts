import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
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

/**
 * A registered webview view whose page talks through a WebviewChannel: the chat and the trace
 * panels differ only in their bundle, their title and what they do with the page's messages.
 */
export abstract class WebviewViewHost<ToView> extends Disposable implements vscode.WebviewViewProvider {
    private channel: WebviewChannel<ToView> | undefined;

    protected constructor(
        viewId: string,
        private readonly extensionUri: vscode.Uri,
        private readonly bundle: "chat" | "trace",
        private readonly title: string
    ) {
        super();
        this.register(vscode.window.registerWebviewViewProvider(viewId, this));
    }

    resolveWebviewView(view: vscode.WebviewView): void {
        this.channel?.dispose();
        this.channel = new WebviewChannel<ToView>(view, this.extensionUri, this.bundle, this.title, (raw) => this.onMessage(raw), () => this.onReady());
    }

    post(message: ToView): void {
        this.channel?.post(message);
    }

    get isReady(): boolean {
        return this.channel?.isReady ?? false;
    }

    override dispose(): void {
        this.channel?.dispose();
        super.dispose();
    }

    /** The page (re)loaded and wants its full state. */
    protected abstract onReady(): void;

    /** Any other message from the page: untrusted, validate before use. */
    protected abstract onMessage(raw: unknown): void;
}
