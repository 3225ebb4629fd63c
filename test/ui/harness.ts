/**
 * Runs the built webviews (dist/media) in real headless Chromium, as VS Code would host them:
 * the page comes from the real `webviewHtml()` with its real CSP, served from a loopback HTTP
 * server whose origin plays `webview.cspSource`; a stand-in for `acquireVsCodeApi` records every
 * message the view posts; host messages arrive through `window.postMessage`. Every request that
 * is not to the server is aborted and recorded, so nothing can leave the machine.
 */
import {spawnSync} from "node:child_process";
import {readFile} from "node:fs/promises";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {extname, join, normalize, resolve, sep} from "node:path";
import {chromium, type Browser, type BrowserContext, type Page} from "playwright-core";
import {nonce, webviewHtml} from "../../src/webview/html";
import type {Theme} from "./theme";

export type ViewName = "chat" | "trace";

/** How long a waiting assertion keeps trying, and how long a locator waits for its element. */
const WAIT_MS = 10_000;

/**
 * Runs `check` until it stops throwing and returns what it returned; after `timeoutMs` it throws the
 * last failure. Host messages reach a view as `message` events, and the view renders streamed text
 * on the next animation frame, so whatever a test reads after `send()` must be read through this.
 * A check that holds before the message arrived (a count that stays 1, an element that is absent)
 * proves nothing: wait first for something the message must change.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            return await check();
        } catch (error) {
            if (Date.now() > deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

const root = resolve(import.meta.dirname, "../..");
const mediaDir = join(root, "dist", "media");
const CHROMIUM = process.env.ENCLAVE_CHROMIUM ?? "/usr/bin/chromium";
const BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync"
];

let built = false;

/**
 * Builds the bundles (all of esbuild.mjs), once per test run however many files ask;
 * ENCLAVE_UI_NO_BUILD=1 skips it when `npm test` has just built.
 */
export function buildMedia(): void {
    if (built || process.env.ENCLAVE_UI_NO_BUILD === "1") return;
    const result = spawnSync(process.execPath, ["esbuild.mjs"], {cwd: root, encoding: "utf8"});
    if (result.status !== 0) throw new Error(`node esbuild.mjs failed:\n${result.stderr}`);
    built = true;
}

const contentTypes: Record<string, string> = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".map": "application/json"
};

/** Serves /<view>.html (a fresh nonce each time) and /media/* from dist/media, on 127.0.0.1. */
export class WebviewServer {
    private server: Server | undefined;
    origin = "";

    async start(): Promise<void> {
        const server = createServer((request, response) => {
            void this.respond(request.url ?? "/").then(({status, type, body}) => {
                response.writeHead(status, {"content-type": type, "cache-control": "no-store"});
                response.end(body);
            });
        });
        await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
        this.server = server;
        this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    pageUrl(view: ViewName): string {
        return `${this.origin}/${view}.html`;
    }

    /** The HTML the server sends for `view`, with the nonce it used. */
    page(view: ViewName, pageNonce = nonce()): string {
        return webviewHtml({
            cspSource: this.origin,
            scriptUri: `${this.origin}/media/${view}.js`,
            styleUris: [`${this.origin}/media/${view}.css`],
            nonce: pageNonce,
            title: view === "chat" ? "Enclave Chat" : "Enclave Reasoning"
        });
    }

    private async respond(url: string): Promise<{status: number; type: string; body: string | Buffer}> {
        const path = new URL(url, "http://x").pathname;
        const view = /^\/(chat|trace)\.html$/.exec(path)?.[1];
        if (view === "chat" || view === "trace") return {status: 200, type: "text/html; charset=utf-8", body: this.page(view)};
        if (path.startsWith("/media/")) {
            const file = normalize(join(mediaDir, decodeURIComponent(path.slice("/media/".length))));
            if (file.startsWith(mediaDir + sep)) {
                try {
                    return {status: 200, type: contentTypes[extname(file)] ?? "application/octet-stream", body: await readFile(file)};
                } catch {
                    // falls through to 404
                }
            }
        }
        return {status: 404, type: "text/plain", body: "not found"};
    }

    async stop(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        if (server) await new Promise<void>((done) => server.close(() => done()));
    }
}

/** Playwright gives each launch a fresh temporary profile (--user-data-dir) and removes it on close. */
export async function launchBrowser(): Promise<Browser> {
    return chromium.launch({executablePath: CHROMIUM, headless: true, args: BROWSER_FLAGS});
}

export interface ViewOptions {
    theme: Theme;
    width?: number;
    height?: number;
    /**
     * Turns the page's CSP off. The XSS tests run with and without it: with the CSP a payload could
     * only be stopped by it; without, only the rendering (markdown-it, DOMPurify, text nodes) stops it.
     */
    bypassCSP?: boolean;
    /** What `getState()` returns at first, as VS Code restores a view's saved state. */
    state?: unknown;
}

export interface CspViolation {
    directive: string;
    blockedURI: string;
    sample: string;
}

interface PageGlobals {
    __posted: unknown[];
    __state: unknown;
    __pwned?: unknown;
    __cspViolations: CspViolation[];
}

/** The stand-in for VS Code's webview API and theme, run in the page before its own scripts. */
function installStandIn({variables, bodyClass, background, state}: {variables: Record<string, string>; bodyClass: string; background: string; state: unknown}): void {
    const globals = window as unknown as PageGlobals & {acquireVsCodeApi: () => unknown};
    const posted: unknown[] = [];
    globals.__posted = posted;
    globals.__cspViolations = [];
    globals.__state = state;
    let acquired = false;
    globals.acquireVsCodeApi = () => {
        // Like VS Code: the API may be acquired once per page.
        if (acquired) throw new Error("An instance of the VS Code API has already been acquired");
        acquired = true;
        return Object.freeze({
            // Structured-clone semantics, as VS Code's postMessage has.
            postMessage: (message: unknown) => posted.push(structuredClone(message)),
            getState: () => globals.__state,
            setState: <T>(value: T): T => {
                globals.__state = structuredClone(value);
                return value;
            }
        });
    };
    document.addEventListener("securitypolicyviolation", (event) => {
        globals.__cspViolations.push({directive: event.violatedDirective, blockedURI: event.blockedURI, sample: event.sample});
    });
    // Init scripts run before the document has elements: apply the theme as soon as <html> exists.
    const applyTheme = (): void => {
        const html = document.documentElement;
        for (const [name, value] of Object.entries(variables)) html.style.setProperty(name, value);
        html.style.background = background;
    };
    if (document.documentElement) applyTheme();
    else {
        const observer = new MutationObserver(() => {
            if (!document.documentElement) return;
            observer.disconnect();
            applyTheme();
        });
        observer.observe(document, {childList: true});
    }
    document.addEventListener("DOMContentLoaded", () => document.body.classList.add(bodyClass), {once: true});
}

export class WebviewPage {
    readonly pageErrors: string[] = [];
    readonly dialogs: string[] = [];
    readonly blockedRequests: string[] = [];

    private constructor(
        readonly context: BrowserContext,
        readonly page: Page
    ) {}

    static async open(browser: Browser, server: WebviewServer, view: ViewName, options: ViewOptions): Promise<WebviewPage> {
        const context = await browser.newContext({
            viewport: {width: options.width ?? 300, height: options.height ?? 640},
            bypassCSP: options.bypassCSP ?? false,
            colorScheme: options.theme.name,
            serviceWorkers: "block"
        });
        // A locator read inside eventually() must fail within the waiting assertion's bound.
        context.setDefaultTimeout(WAIT_MS);
        const page = await context.newPage();
        const opened = new WebviewPage(context, page);
        await context.route("**/*", async (route) => {
            const url = route.request().url();
            if (url.startsWith(`${server.origin}/`)) await route.continue();
            else {
                opened.blockedRequests.push(url);
                await route.abort("blockedbyclient");
            }
        });
        page.on("pageerror", (error) => opened.pageErrors.push(error.message));
        page.on("dialog", (dialog) => {
            opened.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
            void dialog.dismiss();
        });
        // tsx compiles this file with esbuild's keepNames, which wraps named functions in calls to a
        // `__name` helper; functions serialised into the page need that helper there too.
        await context.addInitScript({content: "globalThis.__name = (fn) => fn;"});
        await context.addInitScript(installStandIn, {variables: options.theme.variables, bodyClass: options.theme.bodyClass, background: options.theme.background, state: options.state});
        await page.goto(server.pageUrl(view));
        await opened.waitForPosted("ready");
        return opened;
    }

    /** A host message, delivered like VS Code delivers them: a `message` event on the window. */
    async send(message: unknown): Promise<void> {
        await this.page.evaluate((data) => window.postMessage(data, "*"), message);
    }

    async sendAll(messages: readonly unknown[]): Promise<void> {
        await this.page.evaluate((list) => {
            for (const data of list) window.postMessage(data, "*");
        }, messages);
    }

    /** Everything the view has posted to the host so far. */
    async posted(): Promise<unknown[]> {
        return this.page.evaluate(() => (window as unknown as PageGlobals).__posted);
    }

    async clearPosted(): Promise<void> {
        await this.page.evaluate(() => {
            (window as unknown as PageGlobals).__posted.length = 0;
        });
    }

    async waitForPosted(type: string): Promise<void> {
        await this.page.waitForFunction((wanted) => (window as unknown as PageGlobals).__posted.some((message) => (message as {type?: unknown}).type === wanted), type);
    }

    /** The state the view last saved with setState. */
    async state(): Promise<unknown> {
        return this.page.evaluate(() => (window as unknown as PageGlobals).__state);
    }

    async pwned(): Promise<unknown> {
        return this.page.evaluate(() => (window as unknown as PageGlobals).__pwned);
    }

    async cspViolations(): Promise<CspViolation[]> {
        return this.page.evaluate(() => (window as unknown as PageGlobals).__cspViolations);
    }

    /** Waits two frames, so text queued for the next animation frame has been rendered. */
    async settle(): Promise<void> {
        await this.page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
    }

    async close(): Promise<void> {
        await this.context.close();
    }
}

/**
 * Mocha hooks shared by the UI suites: build the bundles, start the loopback server and Chromium
 * once for the enclosing `describe`, and close both after it. Returns live accessors.
 */
export function useBrowser(): {readonly server: WebviewServer; readonly browser: () => Browser} {
    const server = new WebviewServer();
    let browser: Browser | undefined;
    before(async function () {
        this.timeout(120_000);
        buildMedia();
        await server.start();
        browser = await launchBrowser();
    });
    after(async () => {
        await browser?.close();
        await server.stop();
    });
    return {
        server,
        browser: () => {
            if (!browser) throw new Error("the browser is not running (use inside the describe that called useBrowser)");
            return browser;
        }
    };
}
