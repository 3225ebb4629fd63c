/**
 * Model output never executes. Every payload in xssPayloads.ts goes through the chat view (as a
 * streamed answer) and the trace view (as a thought), each on two pages: one with the real CSP,
 * and one with the CSP switched off — there only the rendering (markdown-it without HTML,
 * DOMPurify, text nodes) stands between the payload and execution. After rendering, every link and
 * button in the output is clicked and every element hovered and focused. A payload that ran would
 * set `top.__pwned`, open a dialog, or request a URL off the loopback server; any of these fails.
 */
import assert from "node:assert/strict";
import type {Browser} from "playwright-core";
import {answerChunks, answerStats, initChat, thoughtChunks, traceStats, turnStarted} from "./fixtures";
import {eventually, useBrowser, WebviewPage, type WebviewServer, type ViewName} from "./harness";
import {darkTheme} from "./theme";
import {xssPayloads} from "./xssPayloads";

/** Time for anything asynchronous a payload might start (image errors, frame loads, timers). */
const GRACE_MS = 60;

interface Pair {
    strict: WebviewPage;
    noCsp: WebviewPage;
}

async function openPair(browser: Browser, server: WebviewServer, view: ViewName): Promise<Pair> {
    const [strict, noCsp] = await Promise.all([
        WebviewPage.open(browser, server, view, {theme: darkTheme}),
        WebviewPage.open(browser, server, view, {theme: darkTheme, bypassCSP: true})
    ]);
    return {strict, noCsp};
}

/** Waits until chat turn `turnId` has ended on screen, so what is poked is the whole rendered answer. */
async function answerEnded(page: WebviewPage, turnId: string): Promise<void> {
    await eventually(async () => assert.match(await page.page.locator(`[data-turn-id="${turnId}"] .turn-footer`).innerText(), /answer tokens/));
    await page.settle();
}

/** Clicks, middle-clicks, hovers and focuses everything inside `selector`, as a curious user would. */
async function poke(page: WebviewPage, selector: string): Promise<void> {
    await page.page.evaluate((root) => {
        for (const element of document.querySelectorAll(`${root}, ${root} *`)) {
            for (const type of ["mouseover", "mouseenter", "focus", "focusin", "animationstart", "toggle"]) element.dispatchEvent(new Event(type, {bubbles: true}));
            if (element instanceof HTMLElement) element.focus();
            if (element instanceof HTMLAnchorElement || element instanceof HTMLButtonElement) {
                element.click();
                element.dispatchEvent(new MouseEvent("auxclick", {bubbles: true, cancelable: true, button: 1}));
            }
        }
    }, selector);
    await page.page.waitForTimeout(GRACE_MS);
}

/** Nothing ran, nothing was fetched, and the rendered output holds no active content. */
async function assertInert(page: WebviewPage, selector: string, label: string): Promise<void> {
    assert.equal(await page.pwned(), undefined, `${label}: a payload ran`);
    assert.deepEqual(page.dialogs, [], `${label}: a dialog opened`);
    assert.deepEqual(page.blockedRequests, [], `${label}: a request left the page`);
    assert.deepEqual(page.pageErrors, [], `${label}: the page threw`);
    assert.equal(page.page.url().endsWith(".html"), true, `${label}: the page navigated`);
    const active = await page.page.evaluate((root) => {
        const found: string[] = [];
        for (const element of document.querySelectorAll(`${root} *`)) {
            const tag = element.tagName.toLowerCase();
            if (["script", "iframe", "object", "embed", "img", "svg", "math", "style", "link", "meta", "base", "form", "input", "video", "audio", "source", "details"].includes(tag)) found.push(`<${tag}>`);
            for (const attribute of element.getAttributeNames()) {
                if (attribute.startsWith("on") || attribute === "style" || attribute === "srcdoc" || attribute.includes("href") && !/^https?:\/\//i.test(element.getAttribute(attribute) ?? "")) {
                    found.push(`${tag}[${attribute}=${element.getAttribute(attribute)}]`);
                }
            }
        }
        return found;
    }, selector);
    assert.deepEqual(active, [], `${label}: active content in the output`);
    for (const message of await page.posted()) {
        const {type, href} = message as {type: string; href?: unknown};
        if (type === "openLink") assert.match(String(href), /^https?:\/\//, `${label}: openLink with ${String(href)}`);
    }
}

describe("XSS: model output never executes (Chromium)", function () {
    this.timeout(60_000);
    const {server, browser: getBrowser} = useBrowser();

    it(`has at least 30 payloads (${xssPayloads.length})`, () => {
        assert.ok(xssPayloads.length >= 30);
        assert.equal(new Set(xssPayloads.map((payload) => payload.name)).size, xssPayloads.length, "unique names");
    });

    it("the detectors work: an injected handler runs without the CSP and is blocked with it", async () => {
        const {strict, noCsp} = await openPair(getBrowser(), server, "chat");
        try {
            const inject = (page: WebviewPage): Promise<void> =>
                page.page.evaluate(() => {
                    document.body.insertAdjacentHTML("beforeend", `<img src="x" onerror="top.__pwned=1">`);
                });
            await inject(noCsp);
            await noCsp.page.waitForFunction(() => (window as unknown as {__pwned?: unknown}).__pwned === 1);
            await inject(strict);
            await strict.page.waitForFunction(() => (window as unknown as {__cspViolations: unknown[]}).__cspViolations.length > 0);
            assert.equal(await strict.pwned(), undefined, "the CSP blocks inline handlers");
        } finally {
            await Promise.all([strict.close(), noCsp.close()]);
        }
    });

    describe("in chat answers (streamed markdown)", () => {
        let pair: Pair;
        before(async () => {
            pair = await openPair(getBrowser(), server, "chat");
            await Promise.all([pair.strict.send(initChat()), pair.noCsp.send(initChat())]);
        });
        after(async () => {
            // With the real CSP nothing even got as far as being blocked by it.
            assert.deepEqual(await pair.strict.cspViolations(), []);
            await Promise.all([pair.strict.close(), pair.noCsp.close()]);
        });

        xssPayloads.forEach((payload, index) => {
            it(payload.name, async () => {
                const turnId = `x${index}`;
                const selector = `[data-turn-id="${turnId}"] .answer`;
                for (const page of [pair.strict, pair.noCsp]) {
                    await page.send(turnStarted(turnId, "payload"));
                    await page.sendAll(answerChunks(turnId, `Before\n\n${payload.text}\n\nAfter`, 3));
                    await page.send({type: "turnEnded", turnId, stopReason: "eos", stats: answerStats()});
                    await answerEnded(page, turnId);
                    await poke(page, selector);
                    await assertInert(page, selector, page === pair.strict ? "with CSP" : "without CSP");
                    const text = await page.page.locator(selector).innerText();
                    assert.ok(text.includes("Before") && text.includes("After"), "the answer around the payload still renders");
                }
            });
        });

        it("shows raw HTML as text, not markup", async () => {
            const turnId = "raw";
            await pair.noCsp.send(turnStarted(turnId));
            await pair.noCsp.sendAll(answerChunks(turnId, `<script>${"top.__pwned=1"}</script> and <b>bold</b>`, 1));
            await pair.noCsp.send({type: "turnEnded", turnId, stopReason: "eos", stats: answerStats()});
            await eventually(async () => assert.equal(await pair.noCsp.page.locator(`[data-turn-id="${turnId}"] .answer`).innerText(), "<script>top.__pwned=1</script> and <b>bold</b>"));
            assert.equal(await pair.noCsp.page.locator(`[data-turn-id="${turnId}"] .answer script, [data-turn-id="${turnId}"] .answer b`).count(), 0);
        });

        it("all payloads at once, one character per chunk, so every tag is split across chunks", async () => {
            const turnId = "all";
            const text = xssPayloads.map((payload) => payload.text).join("\n\n");
            for (const page of [pair.strict, pair.noCsp]) {
                await page.send(turnStarted(turnId));
                await page.sendAll(answerChunks(turnId, text, 1));
                await page.send({type: "turnEnded", turnId, stopReason: "eos", stats: answerStats()});
                await answerEnded(page, turnId);
                await poke(page, `[data-turn-id="${turnId}"] .answer`);
                await assertInert(page, `[data-turn-id="${turnId}"] .answer`, "all at once");
            }
        });
    });

    describe("in thoughts (trace view)", () => {
        let pair: Pair;
        before(async () => {
            pair = await openPair(getBrowser(), server, "trace");
        });
        after(async () => {
            assert.deepEqual(await pair.strict.cspViolations(), []);
            await Promise.all([pair.strict.close(), pair.noCsp.close()]);
        });

        xssPayloads.forEach((payload, index) => {
            it(payload.name, async () => {
                const turnId = `x${index}`;
                const selector = `[data-turn-id="${turnId}"]`;
                for (const page of [pair.strict, pair.noCsp]) {
                    await page.send({type: "turnStarted", turnId, kind: "chat", title: payload.text});
                    await page.sendAll(thoughtChunks(turnId, payload.text, 2));
                    await page.send({type: "turnEnded", turnId, stats: traceStats()});
                    await eventually(async () => assert.match(await page.page.locator(`${selector} .trace-status`).innerText(), /tok\/s/));
                    await eventually(async () => assert.equal(await page.page.locator(`${selector} .thought`).evaluate((element) => element.textContent), payload.text));
                    await poke(page, `${selector} .thought`);
                    await assertInert(page, `${selector} .thought`, page === pair.strict ? "with CSP" : "without CSP");
                    // The thought is exactly the text that arrived, in one text node.
                    const thought = await page.page.locator(`${selector} .thought`).evaluate((element) => ({text: element.textContent, elements: element.children.length}));
                    assert.deepEqual(thought, {text: payload.text, elements: 0});
                    assert.equal(await page.page.locator(`${selector} .trace-title`).evaluate((element) => element.textContent), payload.text);
                }
            });
        });
    });

    it("workspace sources: labels, paths, notices and progress are text, and citations of those paths stay inert", async () => {
        const {strict, noCsp} = await openPair(getBrowser(), server, "chat");
        try {
            const texts = xssPayloads.map((payload) => payload.text);
            const attachments = texts.map((text, index) => ({kind: "workspace" as const, label: `${text}:${index + 1}-${index + 2}`, path: text, startLine: index + 1, endLine: index + 2}));
            // Each path cited in the answer as plain text, so a path that survives markdown becomes a citation button.
            const answer = texts.map((text, index) => `${text}:${index + 1}`).join("\n\n");
            for (const page of [strict, noCsp]) {
                await page.send(initChat());
                await page.send(turnStarted("ws", texts[0], {attachments}));
                await page.send({type: "turnProgress", turnId: "ws", text: texts.join(" ")});
                await page.send({type: "turnNotice", turnId: "ws", text: texts.join(" ")});
                await page.send({type: "turnAttachments", turnId: "ws", attachments});
                await page.sendAll(answerChunks("ws", answer, 5));
                await page.send({type: "turnEnded", turnId: "ws", stopReason: "eos", stats: answerStats()});
                await answerEnded(page, "ws");
                await poke(page, ".transcript");
                await assertInert(page, ".transcript", page === strict ? "with CSP" : "without CSP");
                const selector = '[data-turn-id="ws"]';
                assert.deepEqual(await page.page.locator(`${selector} .source-label`).evaluateAll((labels) => labels.map((label) => label.textContent)), attachments.map((attachment) => attachment.label));
                assert.equal(await page.page.locator(`${selector} .turn-notice`).evaluate((element) => element.textContent), texts.join(" "));
                // Citation buttons hold exactly the text they replaced, as text.
                const citations = await page.page.locator(`${selector} .citation-link`).evaluateAll((buttons) => buttons.map((button) => ({text: button.textContent, elements: button.children.length})));
                assert.ok(citations.length >= 10, `some hostile paths were cited (${citations.length})`);
                for (const citation of citations) {
                    assert.equal(citation.elements, 0);
                    const cited = /^(?:\.\/)?([\s\S]*):\d+(?:\s?[-–]\s?\d+)?$/.exec(citation.text ?? "")?.[1];
                    assert.ok(cited !== undefined && texts.includes(cited), `a citation of an attached path: ${String(citation.text)}`);
                }
                // What a click on a source or a citation sends: a turn, an index and lines, nothing from the page.
                for (const message of await page.posted()) {
                    const {type} = message as {type: string};
                    if (type === "dropSource") assert.deepEqual(Object.keys(message as object).sort(), ["index", "turnId", "type"]);
                    if (type === "openSource") assert.ok(["index,turnId,type", "index,lines,turnId,type"].includes(Object.keys(message as object).sort().join()), JSON.stringify(message));
                }
                assert.ok((await page.posted()).some((message) => (message as {type: string}).type === "openSource"), "the sources were clicked");
            }
            assert.deepEqual(await strict.cspViolations(), []);
        } finally {
            await Promise.all([strict.close(), noCsp.close()]);
        }
    });

    it("host strings (titles, labels, errors, model name) are text too", async () => {
        const {strict, noCsp} = await openPair(getBrowser(), server, "chat");
        try {
            const texts = xssPayloads.map((payload) => payload.text);
            const all = texts.join(" ");
            for (const page of [strict, noCsp]) {
                await page.send(
                    initChat({
                        chats: texts.map((title, index) => ({id: `c${index}`, title, updatedAt: index})),
                        current: {
                            id: "c0",
                            title: all,
                            turns: texts.map((text, index) => ({turnId: `h${index}`, userText: text, attachments: [{kind: "file", label: text}], answer: "", error: text}))
                        },
                        model: {name: all, state: "ready", contextSize: 10},
                        thinkingBudget: all
                    })
                );
                await page.send(turnStarted("live", all, {attachments: [{kind: "selection", label: all}]}));
                await page.send({type: "turnFailed", turnId: "live", message: all});
                await eventually(async () => assert.equal(await page.page.locator(`[data-turn-id="live"] .turn-error`).evaluate((element) => element.textContent), all));
                await page.page.getByRole("button", {name: "Past chats"}).click();
                await poke(page, "#app");
                await page.page.keyboard.press("Escape");
                await assertInert(page, "header, nav, .transcript, .model-label", page === strict ? "with CSP" : "without CSP");
                assert.equal(await page.page.locator(".chat-title").evaluate((element) => element.textContent), all);
                // The poke pressed every row's Delete, so a row may be asking "Delete “title”?" instead: the title is text there too.
                const rowTitles = await page.page
                    .locator(".history-item")
                    .evaluateAll((items) => items.map((item) => item.querySelector(".history-title")?.textContent ?? item.querySelector(".history-confirm-text")?.textContent?.replace(/^Delete “([\s\S]*)”\?$/, "$1")));
                assert.deepEqual(rowTitles, texts.map((text) => text.trim() || "Untitled chat").reverse());
                assert.deepEqual(await page.page.locator(".user-text").evaluateAll((items) => items.map((item) => item.textContent)), [...texts, all]);
                assert.deepEqual(await page.page.locator(".turn-error").evaluateAll((items) => items.map((item) => item.textContent)), [...texts, all]);
            }
            assert.deepEqual(await strict.cspViolations(), []);
        } finally {
            await Promise.all([strict.close(), noCsp.close()]);
        }
    });
});
