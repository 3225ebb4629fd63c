/**
 * The reasoning-trace webview in real headless Chromium: live thought as plain text, per-turn
 * sections, stats, budget cut, the no-thinking state, screenshots.
 */
import assert from "node:assert/strict";
import {mkdirSync, rmSync} from "node:fs";
import {join, resolve} from "node:path";
import {thoughtChunks, traceStats} from "./fixtures";
import {eventually, useBrowser, WebviewPage} from "./harness";
import {assertThemedScreenshots} from "./png";
import {darkTheme, lightTheme} from "./theme";

const screenshots = resolve(import.meta.dirname, "../../test-artifacts/ui");

const thought = "Okay, the user wants to sort numbers.\n\nFirst, `sort()` compares strings by default, so [10, 9] stays <wrong>.\nI should pass a comparator: (a, b) => a - b.\n\nWait — in place matters here, so not toSorted().";

describe("trace webview (Chromium)", function () {
    this.timeout(60_000);
    const {server, browser: getBrowser} = useBrowser();
    let view: WebviewPage;

    beforeEach(async () => {
        view = await WebviewPage.open(getBrowser(), server, "trace", {theme: darkTheme});
    });

    afterEach(async function () {
        const violations = await view.cspViolations();
        const {pageErrors, blockedRequests, dialogs} = view;
        await view.close();
        if (this.currentTest?.state === "failed") return;
        assert.deepEqual({pageErrors, violations, blockedRequests, dialogs}, {pageErrors: [], violations: [], blockedRequests: [], dialogs: []});
    });

    const turn = (turnId: string): string => `[data-turn-id="${turnId}"]`;

    it("says ready and shows an empty state", async () => {
        assert.deepEqual(await view.posted(), [{type: "ready"}]);
        assert.match(await view.page.locator(".empty-state").innerText(), /No reasoning yet/);
    });

    it("streams the thought live as plain text, then shows time, tokens and tokens/s", async () => {
        await view.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "How do I sort numbers?"});
        const chunks = thoughtChunks("t1", thought, 4);
        await view.sendAll(chunks.slice(0, 10));
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .thought`).innerText(), thought.slice(0, 40)));
        await eventually(async () => assert.match(await view.page.locator(`${turn("t1")} .trace-status`).innerText(), /^thinking… \d/));
        await view.sendAll(chunks.slice(10));
        await view.send({type: "turnEnded", turnId: "t1", stats: traceStats({thoughtTokens: 57, thoughtMs: 2850, tokensPerSecond: 20})});
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .trace-status`).innerText(), "2.9 s · 57 tokens · 20.0 tok/s"));
        const text = await eventually(async () => {
            const shown = await view.page.locator(`${turn("t1")} .thought`).evaluate((element) => element.textContent);
            assert.equal(shown, thought);
            return shown;
        });
        assert.equal(text, thought);
        assert.equal(await view.page.locator(`${turn("t1")} .thought *`).count(), 0, "no elements inside the thought");
        assert.equal(await view.page.locator(`${turn("t1")} .trace-title`).innerText(), "How do I sort numbers?");
        assert.equal(await view.page.locator(`${turn("t1")} .trace-notice`).isVisible(), false);
    });

    it("times the thought from its first token, and a re-created view's timer goes on from the host's start, not from 0.0 s", async () => {
        await view.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "q"});
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .trace-status`).innerText(), "waiting for the model…"));
        await view.send({type: "init", turns: [{turnId: "t1", kind: "chat", title: "q", thought: "Long thought so far", thoughtStartedAt: Date.now() - 65_000}]});
        await view.send({type: "thoughtChunk", turnId: "t1", text: " and more", thoughtTokens: 812});
        await eventually(async () => assert.match(await view.page.locator(`${turn("t1")} .trace-status`).innerText(), /^thinking… 1 min [5-9] s · 812 tokens$/));
    });

    it("says when the thinking budget cut the thought short", async () => {
        await view.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "q"});
        await view.sendAll(thoughtChunks("t1", "Let me think about this carefully"));
        await view.send({type: "turnEnded", turnId: "t1", stats: traceStats({thoughtTokens: 64, thoughtCutByBudget: true})});
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .trace-notice`).innerText(), "Cut short by the thinking budget after 64 tokens."));
    });

    it("shows clearly when the model did not think", async () => {
        await view.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "q"});
        await view.send({type: "turnEnded", turnId: "t1", stats: traceStats({thoughtTokens: 0, tokensPerSecond: 0})});
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .trace-notice`).innerText(), "This model does not think: it answered without a reasoning trace."));
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .trace-status`).innerText(), "no thinking"));
        await view.send({type: "turnStarted", turnId: "t2", kind: "chat", title: "q"});
        await view.send({type: "turnEnded", turnId: "t2", stats: traceStats({thoughtTokens: 0, tokensPerSecond: 0, thoughtCutByBudget: true})});
        await eventually(async () => assert.match(await view.page.locator(`${turn("t2")} .trace-notice`).innerText(), /Thinking is off/));
    });

    it("keeps one collapsible section per turn: the new one open, earlier ones folded", async () => {
        await view.send({
            type: "init",
            turns: [
                {turnId: "a", kind: "chat", title: "first", thought: "thought A", stats: traceStats()},
                {turnId: "b", kind: "chat", title: "second", thought: "thought B", stats: traceStats()}
            ]
        });
        const openSections = async (): Promise<boolean[]> => view.page.locator("details.trace-turn").evaluateAll((all) => all.map((d) => (d as HTMLDetailsElement).open));
        await eventually(async () => assert.deepEqual(await openSections(), [false, true]));
        await view.send({type: "turnStarted", turnId: "c", kind: "chat", title: "third"});
        await view.send({type: "thoughtChunk", turnId: "c", text: "thought C", thoughtTokens: 2});
        await eventually(async () => assert.deepEqual(await openSections(), [false, false, true]));
        await eventually(async () => assert.equal(await view.page.locator(`${turn("c")} .thought`).innerText(), "thought C"));
        // Keyboard: the summary toggles its section.
        await view.page.locator(`${turn("a")} summary`).focus();
        await view.page.keyboard.press("Enter");
        await eventually(async () => assert.equal(await view.page.locator(`${turn("a")}`).evaluate((d) => (d as HTMLDetailsElement).open), true));
        assert.equal(await view.page.locator(`${turn("a")} .thought`).innerText(), "thought A");
        // A chunk for a turn the view has not seen (re-created mid-turn) still shows.
        await view.send({type: "thoughtChunk", turnId: "d", text: "orphan", thoughtTokens: 1});
        await eventually(async () => assert.equal(await view.page.locator(`${turn("d")} .thought`).innerText(), "orphan"));
        assert.equal(await view.page.locator(".empty-state").isVisible(), false);
        // The host's TraceBook sends every section again; none (New Chat, nothing else) is the empty state.
        await view.send({type: "init", turns: []});
        await eventually(async () => assert.equal(await view.page.locator(".empty-state").isVisible(), true));
        assert.equal(await view.page.locator("details.trace-turn").count(), 0);
    });

    it("labels each section with what it was for and shows its whole title, with the state under it, in a 250px side bar", async () => {
        await view.page.setViewportSize({width: 250, height: 500});
        const title = "Why does the invoice total come out negative for refunds?";
        await view.send({
            type: "init",
            turns: [
                {turnId: "c", kind: "chat", title, thought: "Refunds.", stats: traceStats({thoughtTokens: 12, thoughtMs: 4000, tokensPerSecond: 3})},
                {turnId: "r", kind: "review", title: "src/billing/invoice.ts", thought: "Line 2.", stats: traceStats()},
                {turnId: "e", kind: "edit", title: "shapes.ts: add an area method", thought: "", stats: traceStats({thoughtTokens: 0})},
                {turnId: "m", kind: "commit", title: "enclave", thought: "The diff.", stats: traceStats()}
            ]
        });
        await eventually(async () => assert.deepEqual(await view.page.locator(".trace-kind").allInnerTexts(), ["Chat", "Review", "Edit", "Commit"]));
        const box = async (selector: string) => {
            const found = await view.page.locator(selector).boundingBox();
            assert.ok(found, selector);
            return found;
        };
        const titleBox = await box(`${turn("c")} .trace-title`);
        const statusBox = await box(`${turn("c")} .trace-status`);
        assert.equal(await view.page.locator(`${turn("c")} .trace-title`).innerText(), title);
        assert.ok(titleBox.width > 150, `the title has the row's width, not what the state leaves it (${titleBox.width}px)`);
        assert.ok(statusBox.y >= titleBox.y + titleBox.height - 1, "the state is under the title");
        const shown = await view.page.locator(`${turn("c")} .trace-title`).evaluate((element) => element.scrollHeight <= element.clientHeight + 1);
        assert.ok(shown, "the whole title is shown (wrapped, not cut)");
        await view.settle();
        assert.equal(await view.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
    });

    it("shows a thought cut short by the budget on the folded header too", async () => {
        await view.send({type: "turnStarted", turnId: "t1", kind: "review", title: "src/a.ts"});
        await view.sendAll(thoughtChunks("t1", "Let me check each line of the diff"));
        await view.send({type: "turnEnded", turnId: "t1", stats: traceStats({thoughtTokens: 64, thoughtCutByBudget: true})});
        await view.send({type: "turnStarted", turnId: "t2", kind: "chat", title: "q"});
        await view.send({type: "turnEnded", turnId: "t2", stats: traceStats({thoughtTokens: 9})});
        await eventually(async () => assert.equal(await view.page.locator(turn("t1")).evaluate((d) => (d as HTMLDetailsElement).open), false, "folded by the next section"));
        await eventually(async () => assert.equal(await view.page.locator(`${turn("t1")} .trace-cut`).innerText(), "cut short"));
        assert.equal(await view.page.locator(`${turn("t1")} .trace-cut`).getAttribute("title"), "Cut short by the thinking budget after 64 tokens.");
        assert.equal(await view.page.locator(`${turn("t2")} .trace-cut`).isVisible(), false, "not on a thought the budget did not cut");
    });

    it("copies a thought through the host, and says Copied only when the host did", async () => {
        await view.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "q"});
        assert.equal(await view.page.locator(`${turn("t1")} .trace-copy`).isVisible(), false, "nothing to copy before the thought");
        await view.sendAll(thoughtChunks("t1", thought, 5));
        const copy = view.page.locator(`${turn("t1")} .trace-copy`);
        await eventually(async () => assert.equal(await copy.isVisible(), true));
        await copy.click();
        await eventually(async () => assert.deepEqual((await view.posted()).filter((message) => (message as {type?: string}).type !== "ready"), [{type: "copyThought", turnId: "t1"}]));
        assert.equal(await copy.innerText(), "Copy", "not Copied before the host answers");
        await view.send({type: "thoughtCopied", turnId: "t1", ok: true});
        await eventually(async () => assert.equal(await copy.innerText(), "Copied"));
        await view.send({type: "thoughtCopied", turnId: "t1", ok: false});
        await eventually(async () => assert.equal(await copy.innerText(), "Copy failed"));
    });

    it("fits a 250px side bar", async () => {
        await view.page.setViewportSize({width: 250, height: 500});
        await view.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "A rather long question title that should be cut with an ellipsis"});
        await view.sendAll(thoughtChunks("t1", `${thought} ${"averyveryverylongwordwithoutspaces".repeat(5)}`, 10));
        await view.send({type: "turnEnded", turnId: "t1", stats: traceStats({thoughtCutByBudget: true})});
        await eventually(async () => assert.match(await view.page.locator(`${turn("t1")} .trace-notice`).innerText(), /Cut short/));
        await eventually(async () => assert.ok((await view.page.locator(`${turn("t1")} .thought`).innerText()).endsWith("withoutspaces")));
        await view.settle();
        const overflow = await view.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0);
    });

    it("saves screenshots in light and dark themes", async () => {
        mkdirSync(screenshots, {recursive: true});
        const files = new Map<string, string>();
        for (const theme of [lightTheme, darkTheme]) {
            const page = await WebviewPage.open(getBrowser(), server, "trace", {theme, width: 320, height: 560});
            try {
                await page.send({
                    type: "init",
                    turns: [
                        {turnId: "a", kind: "chat", title: "What does this regex match?", thought: "Hmm.", stats: traceStats({thoughtTokens: 180, thoughtMs: 9100, tokensPerSecond: 19.8})},
                        {turnId: "b", kind: "edit", title: "sample.ts: rename the variable", thought: "", stats: traceStats({thoughtTokens: 0, tokensPerSecond: 0})},
                        {turnId: "c", kind: "review", title: "src/billing/invoice.ts", thought: "The loop.", stats: traceStats({thoughtTokens: 256, thoughtCutByBudget: true, thoughtMs: 12_000, tokensPerSecond: 21.3})}
                    ]
                });
                await page.send({type: "turnStarted", turnId: "t1", kind: "chat", title: "How do I sort numbers in place?"});
                await page.sendAll(thoughtChunks("t1", thought, 6));
                await eventually(async () => assert.equal(await page.page.locator(`${turn("t1")} .thought`).evaluate((element) => element.textContent), thought));
                await page.settle();
                const file = join(screenshots, `trace-${theme.name}.png`);
                rmSync(file, {force: true});
                await page.page.screenshot({path: file});
                files.set(theme.name, file);
            } finally {
                await page.close();
            }
        }
        await assertThemedScreenshots(getBrowser(), files, {width: 320, height: 560});
    });
});
