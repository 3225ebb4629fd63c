/**
 * Workspace code in the chat webview, in real headless Chromium: the composer's Workspace toggle,
 * the progress a turn shows while the index works, the Sources list under an answer (open, drop),
 * citations in the answer text, the no-workspace notice, and the usage notice for left-out chunks.
 */
import assert from "node:assert/strict";
import {mkdirSync, rmSync} from "node:fs";
import {join, resolve} from "node:path";
import type {Attachment} from "../../src/webview/protocol";
import {answerChunks, answerStats, initChat, turnStarted} from "./fixtures";
import {eventually, useBrowser, WebviewPage} from "./harness";
import {assertThemedScreenshots} from "./png";
import {darkTheme, lightTheme} from "./theme";

const screenshots = resolve(import.meta.dirname, "../../test-artifacts/ui");

const source = (path: string, startLine: number, endLine: number): Attachment => ({kind: "workspace", label: `${path}:${startLine}-${endLine}`, path, startLine, endLine});
/** A selection first, so the sources' indexes (1, 2) are not their places in the Sources list (0, 1). */
const attachments: Attachment[] = [{kind: "selection", label: "main.ts:3-4"}, source("src/gguf/header.ts", 10, 42), source("src/gguf/reader.ts", 1, 30)];
const citingAnswer = [
    "The header is read by `parseHeader` in `src/gguf/header.ts:12-20`, which calls src/gguf/reader.ts:5 for each key.",
    "",
    "Not attached: src/other.ts:3, nor lib/src/gguf/header.ts:12. Relative: ./src/gguf/header.ts:40.",
    "",
    "```ts",
    "// src/gguf/header.ts:12",
    "```"
].join("\n");

describe("chat webview: workspace code (Chromium)", function () {
    this.timeout(60_000);
    const {server, browser: getBrowser} = useBrowser();
    let view: WebviewPage;

    beforeEach(async () => {
        view = await WebviewPage.open(getBrowser(), server, "chat", {theme: darkTheme});
        await view.send(initChat());
    });

    afterEach(async function () {
        const violations = await view.cspViolations();
        const {pageErrors, blockedRequests, dialogs} = view;
        await view.close();
        if (this.currentTest?.state === "failed") return;
        assert.deepEqual({pageErrors, violations, blockedRequests, dialogs}, {pageErrors: [], violations: [], blockedRequests: [], dialogs: []});
    });

    const turn = (turnId: string) => view.page.locator(`[data-turn-id="${turnId}"]`);

    /** A finished turn with the sample attachments and `answer`, as the host sends it. */
    async function answeredTurn(page: WebviewPage, turnId: string, answer = citingAnswer): Promise<void> {
        await page.send(turnStarted(turnId, "@workspace how is the header parsed?"));
        await page.send({type: "turnAttachments", turnId, attachments});
        await page.sendAll(answerChunks(turnId, answer, 6));
        await page.send({type: "turnEnded", turnId, stopReason: "eos", stats: answerStats()});
        await eventually(async () => assert.match(await page.page.locator(`[data-turn-id="${turnId}"] .turn-footer`).innerText(), /answer tokens/));
        await page.settle();
    }

    it("the Workspace toggle sits beside Selection, File and Editors, is sent, and is kept in the webview state", async () => {
        const toggles = view.page.locator(".attach-toggles button");
        assert.deepEqual(await toggles.allInnerTexts(), ["Selection", "File", "Editors", "Workspace"]);
        const workspace = view.page.getByRole("button", {name: /^Attach workspace code relevant to the question/});
        assert.equal(await workspace.getAttribute("aria-pressed"), "false");
        assert.equal(await workspace.locator(".codicon-search").count(), 1);
        await workspace.click();
        await eventually(async () => assert.equal(await workspace.getAttribute("aria-pressed"), "true"));
        const input = view.page.getByRole("textbox", {name: "Message to Enclave"});
        await input.fill("Where is the header parsed?");
        await input.press("Enter");
        await eventually(async () => assert.deepEqual((await view.posted()).slice(1), [{type: "send", text: "Where is the header parsed?", attach: ["workspace"]}]));
        const state = await eventually(async () => {
            const saved = await view.state();
            assert.deepEqual(saved, {draft: "", attach: ["workspace"]});
            return saved;
        });
        const restored = await WebviewPage.open(getBrowser(), server, "chat", {theme: darkTheme, state});
        try {
            await eventually(async () => assert.equal(await restored.page.getByRole("button", {name: /^Attach workspace code/}).getAttribute("aria-pressed"), "true"));
            assert.equal(await restored.page.getByRole("button", {name: "Attach the current file"}).getAttribute("aria-pressed"), "false");
        } finally {
            await restored.close();
        }
    });

    it("a turn shows the index's progress while it waits, then its sources under the answer (screenshots)", async () => {
        await view.send(turnStarted("t1", "@workspace how is the header parsed?"));
        await view.send({type: "turnProgress", turnId: "t1", text: "Indexing the workspace: 1,200 of 5,000 files"});
        await eventually(async () => assert.equal(await turn("t1").locator(".thinking").innerText(), "Indexing the workspace: 1,200 of 5,000 files"));
        assert.equal(await turn("t1").locator(".thinking .codicon-loading").count(), 1);
        assert.equal(await turn("t1").locator(".sources").isVisible(), false, "no sources before the search ends");
        await view.send({type: "turnAttachments", turnId: "t1", attachments});
        await eventually(async () => assert.equal(await turn("t1").locator(".thinking").isVisible(), false, "the progress is gone once the code is there"));
        const list = turn("t1").getByRole("list", {name: "Sources"});
        assert.deepEqual(await list.locator(".source-label").allInnerTexts(), ["src/gguf/header.ts:10-42", "src/gguf/reader.ts:1-30"]);
        assert.deepEqual(await turn("t1").locator(".attachment-chip").allInnerTexts(), ["main.ts:3-4"], "workspace code is listed as sources, not as the user's attachments");
        assert.equal(await turn("t1").locator(".user-text").innerText(), "@workspace how is the header parsed?");
        await view.sendAll(answerChunks("t1", citingAnswer, 6));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await eventually(async () => assert.match(await turn("t1").locator(".turn-footer").innerText(), /answer tokens/));
        // Sources sit between the answer and its footer.
        const order = await turn("t1").locator(".assistant-message > :not([hidden])").evaluateAll((children: Element[]) => children.map((child) => child.className));
        assert.deepEqual(order.slice(-3), ["answer markdown-body", "sources", "turn-footer"]);

        mkdirSync(screenshots, {recursive: true});
        const files = new Map<string, string>();
        for (const theme of [lightTheme, darkTheme]) {
            const page = await WebviewPage.open(getBrowser(), server, "chat", {theme, width: 320, height: 640});
            try {
                await page.send(initChat());
                await page.send({type: "usage", usedTokens: 3120, contextSize: 8192, trimmedTurns: 0, workspaceTokens: 1800, workspaceChunksLeftOut: 2});
                await answeredTurn(page, "t1");
                await eventually(async () => assert.equal(await page.page.locator(".source-open").count(), 2));
                const file = join(screenshots, `chat-workspace-${theme.name}.png`);
                rmSync(file, {force: true});
                await page.page.screenshot({path: file});
                files.set(theme.name, file);
            } finally {
                await page.close();
            }
        }
        await assertThemedScreenshots(getBrowser(), files, {width: 320, height: 640});
    });

    it("clicking a source, or Enter on it, posts openSource with the turn and the attachment's index — never a path", async () => {
        await answeredTurn(view, "t1");
        await view.clearPosted();
        await view.page.getByRole("button", {name: "Open src/gguf/reader.ts:1-30"}).click();
        await view.page.getByRole("button", {name: "Open src/gguf/header.ts:10-42"}).focus();
        await view.page.keyboard.press("Enter");
        await eventually(async () =>
            assert.deepEqual(await view.posted(), [
                {type: "openSource", turnId: "t1", index: 2},
                {type: "openSource", turnId: "t1", index: 1}
            ])
        );
    });

    it("× drops a source of the last turn (posts dropSource); earlier turns have no ×", async () => {
        await answeredTurn(view, "t1");
        await answeredTurn(view, "t2");
        const drop = (turnId: string) => turn(turnId).getByRole("button", {name: "Drop src/gguf/header.ts:10-42 and answer again without it"});
        await eventually(async () => assert.equal(await drop("t2").isVisible(), true));
        assert.equal(await drop("t1").isVisible(), false);
        assert.equal(await drop("t2").locator(".codicon-close").count(), 1);
        await view.clearPosted();
        await drop("t2").click();
        await eventually(async () => assert.deepEqual(await view.posted(), [{type: "dropSource", turnId: "t2", index: 1}]));
        // The host answers again: the new turn replaces t2 and has the sources that are left.
        await view.send(turnStarted("t3", "@workspace how is the header parsed?", {replaces: "t2", attachments: [attachments[0] as Attachment, attachments[2] as Attachment]}));
        await eventually(async () => assert.equal(await turn("t2").count(), 0));
        assert.deepEqual(await turn("t3").locator(".source-label").allInnerTexts(), ["src/gguf/reader.ts:1-30"]);
        assert.equal(await turn("t3").getByRole("button", {name: /^Drop src\/gguf\/reader\.ts/}).isVisible(), true);
    });

    it("references in the answer become links only for attached files, and post the cited lines", async () => {
        await answeredTurn(view, "t1");
        const answer = turn("t1").locator(".answer");
        const citations = answer.locator("button.citation-link");
        assert.deepEqual(await citations.allInnerTexts(), ["src/gguf/header.ts:12-20", "src/gguf/reader.ts:5", "./src/gguf/header.ts:40"]);
        assert.equal(await answer.locator("pre button").count(), 0, "code blocks stay as they are");
        assert.equal(await answer.locator("code button.citation-link").count(), 1, "inline code is linked");
        // Nothing of the text is lost or changed by the links.
        const text = await answer.innerText();
        for (const part of ["src/other.ts:3", "lib/src/gguf/header.ts:12", "calls src/gguf/reader.ts:5 for each key", "// src/gguf/header.ts:12"]) assert.ok(text.includes(part), part);
        await view.clearPosted();
        await view.page.getByRole("button", {name: "Open src/gguf/header.ts at lines 12 to 20"}).click();
        await view.page.getByRole("button", {name: "Open src/gguf/reader.ts at line 5"}).focus();
        await view.page.keyboard.press("Enter");
        await citations.nth(2).click();
        await eventually(async () =>
            assert.deepEqual(await view.posted(), [
                {type: "openSource", turnId: "t1", index: 1, lines: {start: 12, end: 20}},
                {type: "openSource", turnId: "t1", index: 2, lines: {start: 5, end: 5}},
                {type: "openSource", turnId: "t1", index: 1, lines: {start: 40, end: 40}}
            ])
        );
        // A turn without workspace code links nothing, even for the same text.
        await view.send(turnStarted("t2"));
        await view.sendAll(answerChunks("t2", citingAnswer, 6));
        await view.send({type: "turnEnded", turnId: "t2", stopReason: "eos", stats: answerStats()});
        await eventually(async () => assert.match(await turn("t2").locator(".turn-footer").innerText(), /answer tokens/));
        assert.equal(await turn("t2").locator("button.citation-link").count(), 0);
    });

    it("sources and citations are reachable by Tab, each with a name", async () => {
        await answeredTurn(view, "t1");
        await view.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        const names: string[] = [];
        for (let i = 0; i < 60; i++) {
            await view.page.keyboard.press("Tab");
            names.push(await view.page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? ""));
        }
        for (const expected of [
            "Open src/gguf/header.ts at lines 12 to 20",
            "Open src/gguf/reader.ts at line 5",
            "Open src/gguf/header.ts:10-42",
            "Drop src/gguf/header.ts:10-42 and answer again without it",
            "Open src/gguf/reader.ts:1-30",
            /^Attach workspace code/
        ]) assert.ok(names.some((name) => (typeof expected === "string" ? name === expected : expected.test(name))), `${String(expected)} reachable: ${JSON.stringify(names)}`);
    });

    it("says in one line why no workspace code was used, and a saved turn shows its notice, sources and citations", async () => {
        await view.send(turnStarted("t1", "@workspace where?"));
        await view.send({type: "turnProgress", turnId: "t1", text: "Searching the workspace…"});
        await eventually(async () => assert.equal(await turn("t1").locator(".thinking").innerText(), "Searching the workspace…"));
        await view.send({type: "turnNotice", turnId: "t1", text: "Answered without workspace code: No folder is open."});
        await eventually(async () => assert.equal(await turn("t1").getByRole("status").innerText(), "Answered without workspace code: No folder is open."));
        assert.equal(await turn("t1").locator(".thinking").isVisible(), false);
        assert.equal(await turn("t1").locator(".turn-notice .codicon-info").count(), 1);
        await view.sendAll(answerChunks("t1", "Somewhere."));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await eventually(async () => assert.match(await turn("t1").locator(".turn-footer").innerText(), /answer tokens/));
        assert.equal(await turn("t1").getByRole("alert").count(), 0, "not a failed turn");

        await view.send(
            initChat({
                current: {
                    id: "c",
                    title: "Saved",
                    turns: [
                        {turnId: "h1", userText: "q", attachments: [], answer: "a", notice: "The workspace search found no code for this question.", stopReason: "eos", stats: answerStats()},
                        {turnId: "h2", userText: "q", attachments, answer: citingAnswer, stopReason: "eos", stats: answerStats()}
                    ]
                }
            })
        );
        await eventually(async () => assert.equal(await view.page.locator('[data-turn-id="h1"] .turn-notice').innerText(), "The workspace search found no code for this question."));
        assert.equal(await view.page.locator('[data-turn-id="h2"] .source-open').count(), 2);
        assert.equal(await view.page.locator('[data-turn-id="h2"] .answer button.citation-link').count(), 3);
        assert.equal(await view.page.locator('[data-turn-id="h2"] .turn-notice').isVisible(), false);
    });

    it("long source paths fit a 250px side bar without horizontal scrolling", async () => {
        await view.page.setViewportSize({width: 250, height: 600});
        const long = source(`src/${"deeply/nested/".repeat(8)}a_very_long_file_name_without_breaks.ts`, 1200, 1290);
        await view.send(turnStarted("t1", "@workspace?", {attachments: [long, ...attachments]}));
        await view.sendAll(answerChunks("t1", `See ${long.path ?? ""}:1234-1250 for it.`, 20));
        await view.send({type: "turnEnded", turnId: "t1", stopReason: "eos", stats: answerStats()});
        await eventually(async () => assert.equal(await turn("t1").locator("button.citation-link").count(), 1));
        await view.settle();
        assert.equal(await view.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
        // The × stays visible beside a label that is cut with an ellipsis.
        assert.equal(await turn("t1").getByRole("button", {name: `Drop ${long.label} and answer again without it`}).isVisible(), true);
        const box = await turn("t1").locator(".source").first().boundingBox();
        assert.ok(box !== null && box.x + box.width <= 250, JSON.stringify(box));
    });

    it("the usage says how many workspace chunks were left out, and how much of it is code", async () => {
        await view.send({type: "usage", usedTokens: 6000, contextSize: 8192, trimmedTurns: 2, workspaceTokens: 3100, workspaceChunksLeftOut: 1});
        await eventually(async () =>
            assert.equal(
                await view.page.locator(".trim-notice").innerText(),
                "2 older turns were left out so the conversation fits the model's context. 1 less relevant workspace chunk was left out so the code fits the model's context."
            )
        );
        assert.match((await view.page.locator(".usage-label").getAttribute("aria-label")) ?? "", /^6,000 of 8,192 context tokens used, 3,100 of them workspace code$/);
        await view.send({type: "usage", usedTokens: 10, contextSize: 8192, trimmedTurns: 0});
        await eventually(async () => assert.equal(await view.page.locator(".trim-notice").isVisible(), false));
    });
});
