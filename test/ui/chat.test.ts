/**
 * The chat webview in real headless Chromium: streaming markdown, code-block actions, stop,
 * composer, history, usage, links, accessibility, narrow widths, screenshots.
 */
import assert from "node:assert/strict";
import {mkdirSync, rmSync} from "node:fs";
import {join, resolve} from "node:path";
import {parseChatToHost} from "../../src/webview/protocol";
import {answerChunks, answerStats, initChat, sampleAnswer, sampleCode, turnStarted} from "./fixtures";
import {eventually, useBrowser, WebviewPage} from "./harness";
import {assertThemedScreenshots} from "./png";
import {darkTheme, lightTheme} from "./theme";

const screenshots = resolve(import.meta.dirname, "../../test-artifacts/ui");

/** The request id of the one message posted, which must be a valid copyCode. */
function copyRequestId(posted: readonly unknown[]): string {
    assert.equal(posted.length, 1);
    const parsed = parseChatToHost(posted[0]);
    assert.ok(parsed.ok && parsed.value.type === "copyCode", JSON.stringify(posted[0]));
    return parsed.value.requestId;
}

describe("chat webview (Chromium)", function () {
    this.timeout(60_000);
    const {server, browser: getBrowser} = useBrowser();
    let view: WebviewPage;

    beforeEach(async () => {
        view = await WebviewPage.open(getBrowser(), server, "chat", {theme: darkTheme});
        await view.send(initChat());
    });

    afterEach(async function () {
        // Whatever a test did, the page must not have thrown, hit the CSP, or tried the network.
        const violations = await view.cspViolations();
        const {pageErrors, blockedRequests, dialogs} = view;
        await view.close();
        if (this.currentTest?.state === "failed") return;
        assert.deepEqual({pageErrors, violations, blockedRequests, dialogs}, {pageErrors: [], violations: [], blockedRequests: [], dialogs: []});
    });

    const answer = (turnId: string): string => `[data-turn-id="${turnId}"] .answer`;

    /** Waits until turn `turnId` has ended on screen: its footer shows the answer's stats. */
    const ended = (page: WebviewPage, turnId: string): Promise<void> =>
        eventually(async () => assert.match(await page.page.locator(`[data-turn-id="${turnId}"] .turn-footer`).innerText(), /answer tokens|Stopped/));

    it("says ready once, and shows the model from init", async () => {
        await eventually(async () => assert.match(await view.page.locator(".model-label").innerText(), /DeepSeek-R1-Distill.*Thinking: normal/));
        assert.match(await view.page.locator(".empty-state").innerText(), /Ask about your code/);
        assert.deepEqual(await view.posted(), [{type: "ready"}]);
    });

    it("names a configured model that is not loaded yet, and the footer follows model changes", async () => {
        await view.send(initChat({model: {name: "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M", state: "notLoaded"}}));
        await eventually(async () => assert.equal(await view.page.locator(".model-label").innerText(), "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M · loads on first use · Thinking: normal"));
        const empty = await view.page.locator(".empty-state").innerText();
        assert.match(empty, /Ask about your code/);
        assert.match(empty, /DeepSeek-R1-Distill-Qwen-7B-Q4_K_M loads with your first question/);
        assert.doesNotMatch(empty, /No model/);
        await view.send({type: "model", model: {name: "Qwen-14B", state: "ready", contextSize: 8192}, thinkingBudget: "Thinking: deep"});
        await eventually(async () => assert.equal(await view.page.locator(".model-label").innerText(), "Qwen-14B · Thinking: deep"));
        await eventually(async () => assert.match(await view.page.locator(".empty-state").innerText(), /Qwen-14B is ready/));
        await view.send({type: "model", model: null, thinkingBudget: "Thinking: deep"});
        await eventually(async () => assert.match(await view.page.locator(".empty-state").innerText(), /No model is set up/));
    });

    it("streams markdown as it arrives: heading, lists, table, highlighted code", async () => {
        await view.send(turnStarted("t1", "How do I sort?"));
        const chunks = answerChunks("t1", sampleAnswer, 4);
        const half = Math.floor(chunks.length / 2);
        await view.sendAll(chunks.slice(0, half));
        // Mid-stream: the first half is on screen before the turn ends.
        await eventually(async () => assert.equal(await view.page.locator(`${answer("t1")} h2`).innerText(), "Sorting in place"));
        assert.equal(await view.page.locator(".composer [aria-label^='Stop']").isVisible(), true);
        await view.sendAll(chunks.slice(half));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await ended(view, "t1");
        const body = view.page.locator(answer("t1"));
        assert.equal(await body.locator("ol > li").count(), 2);
        assert.equal(await body.locator("ul > li").count(), 1);
        assert.equal(await body.locator("strong").innerText(), "stable");
        assert.deepEqual(await body.locator("table th").allInnerTexts(), ["Method", "Stable", "Cost"]);
        assert.equal(await body.locator("table tbody tr").count(), 2);
        assert.deepEqual(await body.locator("table th").evaluateAll((cells: Element[]) => cells.map((cell) => cell.className)), ["align-left", "align-center", "align-right"]);
        const code = body.locator(".code-block").first();
        assert.equal(await code.locator(".code-language").innerText(), "ts");
        assert.ok((await code.locator(".hljs-keyword").count()) >= 2, "keywords highlighted");
        assert.ok((await code.locator(".hljs-comment").count()) >= 1, "comment highlighted");
        assert.equal(await code.locator("pre").innerText(), `${sampleCode}\n`);
        assert.ok((await body.locator(".code-block").nth(1).locator(".hljs-built_in, .hljs-string").count()) >= 1, "python highlighted");
        assert.equal(await body.locator("a[href]").getAttribute("href"), "https://developer.mozilla.org/docs/Web/JavaScript");
        // Nothing lost: every word of the source is in the rendered text.
        const rendered = await body.innerText();
        for (const word of sampleAnswer.match(/[A-Za-z]{4,}/g) ?? []) assert.ok(rendered.includes(word), word);
        assert.match(await view.page.locator(`[data-turn-id="t1"] .turn-footer`).innerText(), /128 answer tokens · 3\.4 s/);
        await eventually(async () => assert.equal(await view.page.locator(".composer [aria-label^='Send']").isVisible(), true));
    });

    it("code-block buttons post copy, insert and apply with the exact code, the language and the block's place in its turn", async () => {
        await view.send(turnStarted("t1"));
        await view.sendAll(answerChunks("t1", sampleAnswer, 7));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        // Not before: mid-stream, a code block holds only part of its code.
        await ended(view, "t1");
        await view.clearPosted();
        const block = view.page.locator(".code-block").first();
        await block.getByRole("button", {name: "Copy code"}).click();
        await block.getByRole("button", {name: "Insert code at cursor"}).click();
        await block.getByRole("button", {name: /Apply code to file/}).click();
        await view.page.locator(".code-block").nth(1).getByRole("button", {name: /Apply code to file/}).click();
        await eventually(async () => assert.deepEqual(await view.posted(), [
            {type: "copyCode", code: sampleCode, requestId: "copy-1"},
            {type: "insertCode", code: sampleCode},
            {type: "applyCode", code: sampleCode, language: "ts", turnId: "t1", block: 0},
            {type: "applyCode", code: "print('hi')", language: "python", turnId: "t1", block: 1}
        ]));
    });

    it("the Copy button says Copied only once the host confirms, and says so when copying failed", async () => {
        await view.send(turnStarted("t1"));
        await view.sendAll(answerChunks("t1", sampleAnswer, 7));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await ended(view, "t1");
        await view.clearPosted();
        const copy = view.page.locator(".code-block").first().getByRole("button", {name: "Copy code"});
        // The label may be visually hidden in a narrow panel: its text is what is announced.
        const label = async (): Promise<string> => ((await copy.locator(".button-text").textContent()) ?? "").trim();
        await copy.click();
        const requestId = await eventually(async () => copyRequestId(await view.posted()));
        await view.settle();
        assert.equal(await label(), "Copy", "nothing is claimed before the host answers");
        await view.send({type: "copied", requestId, ok: true});
        await eventually(async () => assert.equal(await label(), "Copied"));

        await view.clearPosted();
        // The label returns to "Copy" by itself after a moment.
        await eventually(async () => assert.equal(await label(), "Copy"), 5_000);
        await copy.click();
        const secondId = await eventually(async () => copyRequestId(await view.posted()));
        assert.notEqual(secondId, requestId);
        await view.send({type: "copied", requestId: secondId, ok: false});
        await eventually(async () => assert.equal(await label(), "Copy failed"));
    });

    it("Stop posts stop; the partial answer stays and the turn says it was stopped", async () => {
        await view.send(turnStarted("t1"));
        await view.sendAll(answerChunks("t1", "Partial answer that was cut", 5));
        await eventually(async () => assert.equal(await view.page.locator(answer("t1")).innerText(), "Partial answer that was cut"));
        await view.clearPosted();
        await view.page.getByRole("button", {name: /^Stop/}).click();
        await eventually(async () => assert.deepEqual(await view.posted(), [{type: "stop"}]));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "abort", stats: answerStats({answerTokens: 5})});
        await eventually(async () => assert.match(await view.page.locator(`[data-turn-id="t1"] .turn-footer`).innerText(), /Stopped/));
        assert.equal(await view.page.locator(answer("t1")).innerText(), "Partial answer that was cut");
        await eventually(async () => assert.equal(await view.page.getByRole("button", {name: /^Send/}).isVisible(), true));
        assert.equal(await view.page.getByRole("button", {name: /^Stop/}).isVisible(), false);
        // Escape in the message box stops too, while an answer streams.
        await view.send(turnStarted("t2"));
        await eventually(async () => assert.equal(await view.page.getByRole("button", {name: /^Stop/}).isVisible(), true));
        await view.clearPosted();
        await view.page.getByRole("textbox", {name: "Message to Enclave"}).press("Escape");
        await eventually(async () => assert.deepEqual(await view.posted(), [{type: "stop"}]));
    });

    it("Enter sends with the chosen attachments; Shift+Enter adds a line", async () => {
        const input = view.page.getByRole("textbox", {name: "Message to Enclave"});
        await input.focus();
        await view.page.keyboard.type("first line");
        await view.page.keyboard.press("Shift+Enter");
        await view.page.keyboard.type("second line");
        assert.equal(await input.inputValue(), "first line\nsecond line");
        await view.page.getByRole("button", {name: "Attach the current selection"}).click();
        await view.page.getByRole("button", {name: "Attach the open editors"}).click();
        assert.equal(await view.page.getByRole("button", {name: "Attach the current selection"}).getAttribute("aria-pressed"), "true");
        await input.press("Enter");
        await eventually(async () => assert.deepEqual((await view.posted()).slice(1), [{type: "send", text: "first line\nsecond line", attach: ["selection", "editors"]}]));
        await eventually(async () => assert.equal(await input.inputValue(), ""));
        // An empty box sends nothing.
        await input.press("Enter");
        assert.equal((await view.posted()).length, 2);
    });

    it("keeps the draft and toggles in the webview state, and restores them", async () => {
        await view.page.getByRole("textbox", {name: "Message to Enclave"}).fill("draft text");
        await view.page.getByRole("button", {name: "Attach the current file"}).click();
        const state = await eventually(async () => {
            const saved = await view.state();
            assert.deepEqual(saved, {draft: "draft text", attach: ["file"]});
            return saved;
        });
        const restored = await WebviewPage.open(getBrowser(), server, "chat", {theme: darkTheme, state});
        try {
            await eventually(async () => assert.equal(await restored.page.getByRole("textbox", {name: "Message to Enclave"}).inputValue(), "draft text"));
            assert.equal(await restored.page.getByRole("button", {name: "Attach the current file"}).getAttribute("aria-pressed"), "true");
            assert.equal(await restored.page.getByRole("button", {name: "Attach the current selection"}).getAttribute("aria-pressed"), "false");
        } finally {
            await restored.close();
        }
        // A state that is not ours (an older version's) is ignored, not trusted.
        const stale = await WebviewPage.open(getBrowser(), server, "chat", {theme: darkTheme, state: {draft: 5, attach: ["clipboard"]}});
        try {
            assert.equal(await stale.page.getByRole("textbox", {name: "Message to Enclave"}).inputValue(), "");
            assert.deepEqual(stale.pageErrors, []);
        } finally {
            await stale.close();
        }
    });

    it("shows a compact thinking indicator, never the thought itself", async () => {
        await view.send(turnStarted("t1"));
        await view.sendAll([1, 2, 3, 4, 5].map((n) => ({type: "thoughtChunk", turnId: "t1", text: `secret-thought-${n} `, thoughtTokens: n})));
        await eventually(async () => assert.equal(await view.page.locator(`[data-turn-id="t1"] .thinking`).innerText(), "Thinking… (5 tokens)"));
        await view.send({type: "thoughtChunk", turnId: "t1", text: "x", thoughtTokens: 40});
        await view.sendAll(answerChunks("t1", "The answer."));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats({thoughtTokens: 41, thoughtMs: 12_300, thoughtCutByBudget: true})});
        await eventually(async () => assert.equal(await view.page.locator(`[data-turn-id="t1"] .thinking`).innerText(), "Thought for 12 s, cut short by the thinking budget"));
        assert.equal(await view.page.locator(answer("t1")).innerText(), "The answer.");
        assert.equal((await view.page.content()).includes("secret-thought"), false);
    });

    it("announces the streaming state and a finished answer in a polite live region", async () => {
        const region = view.page.locator("[role=status][aria-live=polite].visually-hidden");
        assert.equal(await region.count(), 1);
        await view.send(turnStarted("t1", "How do I sort?"));
        await eventually(async () => assert.equal(await region.textContent(), "Enclave is working on an answer…"));
        await view.send({type: "thoughtChunk", turnId: "t1", text: "hm", thoughtTokens: 1});
        await eventually(async () => assert.equal(await region.textContent(), "Enclave is thinking…"));
        await view.sendAll(answerChunks("t1", "## Sorting\n\nUse **`sort`** with a comparator. It sorts in place.\n\n```ts\nxs.sort();\n```"));
        await eventually(async () => assert.equal(await region.textContent(), "Enclave is answering…"));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await eventually(async () => assert.equal(await region.textContent(), "Sorting Use sort with a comparator. Answer complete."));
        // Not shown: it is for screen readers only.
        const box = await region.boundingBox();
        assert.ok(box && box.width <= 1 && box.height <= 1, JSON.stringify(box));
    });

    it("Regenerate, New Chat and the past-chats list post their messages", async () => {
        const now = Date.now();
        await view.send(
            initChat({
                chats: [
                    {id: "a", title: "Older chat", updatedAt: now - 5 * 86_400_000},
                    {id: "b", title: "Current chat", updatedAt: now}
                ],
                current: {id: "b", title: "Current chat", turns: [{turnId: "t0", userText: "q", attachments: [], answer: "a", stopReason: "eos", stats: answerStats()}]}
            })
        );
        await view.clearPosted();
        await eventually(async () => assert.equal(await view.page.locator(".chat-title").innerText(), "Current chat"));
        await view.page.getByRole("button", {name: "Regenerate the last answer"}).click();
        await view.page.getByRole("button", {name: "New chat"}).click();
        const toggle = view.page.getByRole("button", {name: "Past chats"});
        await toggle.click();
        await eventually(async () => assert.equal(await toggle.getAttribute("aria-expanded"), "true"));
        const items = view.page.locator(".history-item");
        await eventually(async () => assert.deepEqual(await items.locator(".history-title").allInnerTexts(), ["Current chat", "Older chat"]));
        assert.equal(await items.first().locator(".history-open").getAttribute("aria-current"), "true");
        // Deleting asks first, in the row: Cancel keeps the chat, and nothing is posted until Delete.
        await view.page.getByRole("button", {name: "Delete chat “Older chat”"}).click();
        await eventually(async () => assert.equal(await items.nth(1).locator(".history-confirm-text").innerText(), "Delete “Older chat”?"));
        await view.settle();
        assert.deepEqual(await view.posted(), [{type: "regenerate"}, {type: "newChat"}]);
        await items.nth(1).getByRole("button", {name: "Cancel"}).click();
        await eventually(async () => assert.equal(await items.nth(1).locator(".history-title").innerText(), "Older chat"));
        await view.page.getByRole("button", {name: "Delete chat “Older chat”"}).click();
        await view.page.getByRole("button", {name: "Delete chat “Older chat” for good"}).click();
        await eventually(async () => assert.equal((await view.posted()).length, 3));
        // The host's list comes back (here still with both chats): the rows are rows again.
        await view.send({type: "history", chats: [{id: "a", title: "Older chat", updatedAt: now - 5 * 86_400_000}, {id: "b", title: "Current chat", updatedAt: now}]});
        await items.nth(1).locator(".history-open").click();
        await eventually(async () =>
            assert.deepEqual(await view.posted(), [
                {type: "regenerate"},
                {type: "newChat"},
                {type: "deleteChat", chatId: "a"},
                {type: "openChat", chatId: "a"}
            ])
        );
        await eventually(async () => assert.equal(await toggle.getAttribute("aria-expanded"), "false"));
        // A regenerated turn replaces the one it regenerates: first the new turn is there (t0 alone
        // would also make one .turn), then the old one is gone.
        assert.equal(await view.page.locator("[data-turn-id='t0']").count(), 1);
        await view.send(turnStarted("t1", "q", {replaces: "t0"}));
        await eventually(async () => assert.equal(await view.page.locator("[data-turn-id='t1']").count(), 1));
        assert.equal(await view.page.locator("[data-turn-id='t0']").count(), 0);
        assert.equal(await view.page.locator(".turn").count(), 1);
    });

    it("shows token usage and says when older turns were left out", async () => {
        await view.send({type: "usage", usedTokens: 1536, contextSize: 8192, trimmedTurns: 0});
        await eventually(async () => assert.equal(await view.page.locator(".usage-label").innerText(), "1.5k / 8.2k tokens"));
        assert.equal(await view.page.locator(".trim-notice").isVisible(), false);
        assert.equal(await view.page.locator(".usage-fill.high").count(), 0);
        await view.send({type: "usage", usedTokens: 8000, contextSize: 8192, trimmedTurns: 3});
        await eventually(async () => assert.match(await view.page.locator(".trim-notice").innerText(), /3 older turns were left out/));
        await eventually(async () => assert.equal(await view.page.locator(".usage-fill.high").count(), 1));
    });

    it("links post openLink on click and never navigate the webview", async () => {
        const url = view.page.url();
        await view.send(turnStarted("t1"));
        await view.sendAll(answerChunks("t1", "Read [the docs](https://example.com/docs?a=1&b=2) or https://example.org/x.", 5));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await ended(view, "t1");
        await view.clearPosted();
        await view.page.getByRole("link", {name: "the docs"}).click();
        await view.page.getByRole("link", {name: "https://example.org/x"}).click({button: "middle"});
        await view.page.getByRole("link", {name: "https://example.org/x"}).focus();
        await view.page.keyboard.press("Enter");
        await eventually(async () =>
            assert.deepEqual(await view.posted(), [
                {type: "openLink", href: "https://example.com/docs?a=1&b=2"},
                {type: "openLink", href: "https://example.org/x"}
            ])
        );
        assert.equal(view.page.url(), url);
        assert.equal(view.page.context().pages().length, 1);
    });

    it("shows failures, ignores invalid host messages, and never renders host strings as HTML", async () => {
        await view.send({type: "answerChunk", turnId: 5, text: "x"});
        await view.send({type: "nonsense"});
        await view.send("a string");
        await view.send(turnStarted("t1", "<b>bold?</b>", {attachments: [{kind: "file", label: "<i>x</i>.ts"}]}));
        await view.send({type: "turnFailed", turnId: "t1", message: "The model process crashed <img src=x>"});
        await eventually(async () => assert.equal(await view.page.getByRole("alert").innerText(), "The model process crashed <img src=x>"));
        assert.equal(await view.page.locator("[data-turn-id='t1'] .user-text").innerText(), "<b>bold?</b>");
        assert.equal(await view.page.locator(".attachment-chip").innerText(), "<i>x</i>.ts");
        assert.equal(await view.page.getByRole("alert").innerText(), "The model process crashed <img src=x>");
        assert.equal(await view.page.locator(".transcript b, .transcript i, .transcript img").count(), 0);
        await eventually(async () => assert.equal(await view.page.getByRole("button", {name: /^Send/}).isVisible(), true, "a failed turn ends generation"));
    });

    it("is keyboard accessible: every control is reachable by Tab and has a name", async () => {
        await view.send(initChat({chats: [{id: "a", title: "Chat", updatedAt: Date.now()}], current: {id: "a", title: "Chat", turns: []}}));
        await view.send(turnStarted("t1"));
        await view.sendAll(answerChunks("t1", sampleAnswer, 50));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await ended(view, "t1");
        await eventually(async () => assert.equal(await view.page.locator(".chat-title").innerText(), "Chat"));
        await view.page.getByRole("textbox", {name: "Message to Enclave"}).fill("x");
        // Tab from the top of the page once round the whole cycle, naming each stop.
        await view.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        const names: string[] = [];
        for (let i = 0; i < 80; i++) {
            await view.page.keyboard.press("Tab");
            const stop = await view.page.evaluate(() => {
                const marker = window as unknown as {__firstStop?: Element};
                const active = document.activeElement;
                if (!active || active === document.body) return {name: "", again: false};
                const again = marker.__firstStop === active;
                marker.__firstStop ??= active;
                return {name: active.getAttribute("aria-label") ?? (active.textContent ?? "").trim(), again};
            });
            if (stop.again) break;
            names.push(stop.name);
        }
        // Leaving the page (to the browser's own UI) shows up as one unnamed stop in the cycle.
        assert.ok(names.filter((name) => name === "").length <= 1, JSON.stringify(names));
        names.splice(names.indexOf(""), names.includes("") ? 1 : 0);
        assert.ok(names.every((name) => name !== ""), JSON.stringify(names));
        for (const expected of ["Past chats", "New chat", "Copy code", "Insert code at cursor", "Attach the current selection", "Message to Enclave", "Send (Enter)"]) {
            assert.ok(names.some((name) => name.startsWith(expected)), `${expected} reachable: ${JSON.stringify(names)}`);
        }
    });

    it("fits a 250px side bar without horizontal scrolling", async () => {
        await view.page.setViewportSize({width: 250, height: 600});
        await view.send(turnStarted("t1", "A long question with a_very_long_identifier_that_does_not_break_easily_at_all", {attachments: [{kind: "file", label: "src/some/deeply/nested/folder/file-name.ts"}]}));
        await view.sendAll(answerChunks("t1", `${sampleAnswer}\n\n${"word ".repeat(50)}\n\n\`\`\`\n${"x".repeat(300)}\n\`\`\``, 40));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await ended(view, "t1");
        await eventually(async () => assert.ok((await view.page.locator(answer("t1")).innerText()).includes("x".repeat(300))));
        await view.settle();
        const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0);
    });

    it("saves screenshots in light and dark themes", async () => {
        mkdirSync(screenshots, {recursive: true});
        const files = new Map<string, string>();
        for (const theme of [lightTheme, darkTheme]) {
            const page = await WebviewPage.open(getBrowser(), server, "chat", {theme, width: 320, height: 760});
            try {
                await page.send(
                    initChat({
                        chats: [{id: "c", title: "Sorting numbers", updatedAt: Date.now()}],
                        current: {id: "c", title: "Sorting numbers", turns: []}
                    })
                );
                await page.send({type: "usage", usedTokens: 2310, contextSize: 8192, trimmedTurns: 1});
                await page.send(turnStarted("t1", "How do I sort numbers in place?", {attachments: [{kind: "selection", label: "sort.ts:12-18"}]}));
                await page.sendAll([1, 2, 3].map((n) => ({type: "thoughtChunk", turnId: "t1", text: "…", thoughtTokens: n * 4})));
                await page.sendAll(answerChunks("t1", sampleAnswer, 20));
                await page.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
                await ended(page, "t1");
                await eventually(async () => assert.match(await page.page.locator(".trim-notice").innerText(), /1 older turn/));
                await page.settle();
                await page.page.locator(".transcript-scroller").evaluate((element) => element.scrollTo(0, 0));
                const file = join(screenshots, `chat-${theme.name}.png`);
                rmSync(file, {force: true});
                await page.page.screenshot({path: file});
                files.set(theme.name, file);
            } finally {
                await page.close();
            }
        }
        await assertThemedScreenshots(getBrowser(), files, {width: 320, height: 760});
    });
});
