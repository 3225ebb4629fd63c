/**
 * `npm run bench:chat`: worker token → text on screen. The real chain runs: the worker generates
 * (a scripted model: a 300-token thought, then an answer that goes on until maxTokens), the
 * EngineClient receives, the ChatController routes the answer to the chat view and the thought to
 * the trace view, and both views render in real headless Chromium (the built bundles, the real
 * CSP). Posts are timestamped when the host receives the token and forwards it; the pages
 * timestamp every DOM change (MutationObserver) on the same wall clock. A token's latency is the
 * time until the first DOM change that shows all text up to it. droppedChars must be 0.
 * The last line is one JSON object.
 */
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import type {Page} from "playwright-core";
import {ChatController} from "../src/chat/chatController";
import {ChatHistoryStore} from "../src/chat/historyStore";
import {EngineClient} from "../src/engine/client";
import {scriptedModel} from "../test/models/scripted";
import {launchBrowser, WebviewPage, WebviewServer} from "../test/ui/harness";
import {lightTheme} from "../test/ui/theme";
import {latencyStats, type Sample} from "../test/ui/tokenLatency";
import {ChatPresenter} from "../src/webview/chatPresenter";
import {TraceBook} from "../src/webview/traceBook";

const workerPath = fileURLToPath(new URL("../dist/worker.mjs", import.meta.url));
const log = (message: string) => console.error(`[bench] ${message}`);
const nonWhitespace = (text: string) => text.replace(/\s+/g, "").length;
const now = () => performance.timeOrigin + performance.now();

/** Records, in the page, the text length of the current turn's answer or thought at every DOM change. */
const observer = `(part) => {
    const count = (text) => text.replace(/\\s+/g, "").length;
    window.__samples = [];
    window.__selector = null;
    new MutationObserver(() => {
        const target = window.__selector && document.querySelector(window.__selector);
        if (target) window.__samples.push({t: performance.timeOrigin + performance.now(), chars: count(target.textContent || "")});
    }).observe(document.body, {childList: true, subtree: true, characterData: true});
}`;

/**
 * Stands in for webview.postMessage: messages reach the page in order, in batches (one CDP call
 * carries whatever queued up while the previous one was in flight, as VS Code's IPC batches).
 * Text chunks are timestamped when the host forwards them.
 */
class ViewTap {
    readonly posts: Sample[] = [];
    private chars = 0;
    private readonly queue: unknown[] = [];
    private flushing: Promise<void> | undefined;

    constructor(
        readonly page: Page,
        private readonly part: "answer" | "thought"
    ) {}

    forward(message: {type: string; turnId?: string; text?: string}): void {
        if (message.type === "turnStarted") this.queue.push({type: "__select", selector: `[data-turn-id="${message.turnId}"] .${this.part}`});
        // The chat view also gets thought chunks (for its "Thinking…" line); only its part counts here.
        if (message.text != null && message.type === (this.part === "answer" ? "answerChunk" : "thoughtChunk")) {
            this.chars += nonWhitespace(message.text);
            this.posts.push({t: now(), chars: this.chars});
        }
        this.queue.push(message);
        this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    }

    async settle(): Promise<void> {
        while (this.flushing) await this.flushing;
        await this.page.waitForTimeout(300);
    }

    async result() {
        const {samples, text} = await this.page.evaluate(() => {
            const win = window as unknown as {__samples: Sample[]; __selector: string};
            return {samples: win.__samples, text: document.querySelector(win.__selector)?.textContent ?? ""};
        });
        const {latencies, undelivered} = latencyStats(this.posts, samples);
        return {latencies, undelivered, postedChars: this.chars, renderedChars: nonWhitespace(text)};
    }

    private async flush(): Promise<void> {
        while (this.queue.length > 0) {
            const batch = this.queue.splice(0);
            await this.page.evaluate((messages) => {
                for (const message of messages as Array<{type: string; selector?: string}>) {
                    if (message.type === "__select") (window as unknown as {__selector: string}).__selector = message.selector ?? "";
                    else window.postMessage(message, "*");
                }
            }, batch);
        }
    }
}

const percentile = (values: number[], p: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);
};
const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
    const thought = Array.from({length: 300}, (_, i) => ` step${i}`).join("");
    const modelPath = await scriptedModel({thought, answerLoop: true});
    const client = new EngineClient({workerPath, processScope: "private", log: (level, message) => level === "error" && log(message)});
    client.configure({modelPath});
    await client.ensureModel();

    const server = new WebviewServer();
    await server.start();
    const browser = await launchBrowser();
    const historyDir = await mkdtemp(join(tmpdir(), "enclave-bench-chat-"));
    try {
        const chatPage = await WebviewPage.open(browser, server, "chat", {theme: lightTheme, width: 400, height: 800});
        const tracePage = await WebviewPage.open(browser, server, "trace", {theme: lightTheme, width: 400, height: 800});
        for (const page of [chatPage.page, tracePage.page]) await page.evaluate(`(${observer})()`);
        const chatTap = new ViewTap(chatPage.page, "answer");
        const traceTap = new ViewTap(tracePage.page, "thought");
        const controller: ChatController = new ChatController({
            engine: {
                chat: (params, options) => client.chat(params, options),
                model: async () => ({name: "scripted", contextSize: (await client.ensureModel()).contextSize}),
                countTokens: (text) => client.countTokens(text)
            },
            store: new ChatHistoryStore(historyDir),
            events: new ChatPresenter({
                postToChat: (message) => chatTap.forward(message),
                trace: new TraceBook((message) => traceTap.forward(message)),
                chats: () => controller.allChats,
                current: () => controller.currentChat,
                modelStatus: () => ({name: "scripted", state: "ready"}),
                budgetLabel: () => "Thinking: unlimited"
            }),
            settings: () => ({temperature: 0, maxTokens: 2_100, thoughtBudget: -1, budgetLabel: "Thinking: unlimited"}),
            reportProblem: (message) => log(message)
        });
        await controller.initialize();
        log("streaming…");
        const started = performance.now();
        await controller.send("Think, then talk for a long time.", []);
        const streamMs = performance.now() - started;
        await Promise.all([chatTap.settle(), traceTap.settle()]);
        const turn = controller.currentChat?.turns.at(-1);
        log(`answer ${nonWhitespace(turn?.answer ?? "")} chars, thought ${nonWhitespace(turn?.thought ?? "")} chars (non-whitespace)`);
        const answer = await chatTap.result();
        const trace = await traceTap.result();
        const all = [...answer.latencies, ...trace.latencies];
        const tokens = (turn?.stats?.thoughtTokens ?? 0) + (turn?.stats?.answerTokens ?? 0);
        console.log(
            JSON.stringify({
                tokens,
                thoughtTokens: turn?.stats?.thoughtTokens,
                answerTokens: turn?.stats?.answerTokens,
                tokensPerSecond: round(tokens / (streamMs / 1000)),
                tokenToDomP50Ms: round(percentile(all, 50)),
                tokenToDomP95Ms: round(percentile(all, 95)),
                tokenToDomMaxMs: round(percentile(all, 100)),
                droppedChars: answer.postedChars - answer.renderedChars + (trace.postedChars - trace.renderedChars),
                undeliveredChunks: answer.undelivered + trace.undelivered,
                chat: {postedChars: answer.postedChars, renderedChars: answer.renderedChars, p95Ms: round(percentile(answer.latencies, 95))},
                trace: {postedChars: trace.postedChars, renderedChars: trace.renderedChars, p95Ms: round(percentile(trace.latencies, 95))}
            })
        );
    } finally {
        await browser.close();
        await server.stop();
        await client.shutdown();
        await rm(historyDir, {recursive: true, force: true});
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
