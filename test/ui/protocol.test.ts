import assert from "node:assert/strict";
import {contentSecurityPolicy, nonce, webviewHtml} from "../../src/webview/html";
import {isSafeExternalHref, parseChatToHost, parseHostToChat, parseHostToTrace, parseTraceToHost} from "../../src/webview/protocol";

describe("webview protocol", () => {
    const stats = {thoughtTokens: 3, answerTokens: 4, elapsedMs: 120, thoughtCutByBudget: false};

    it("accepts every host→chat message", () => {
        const messages: unknown[] = [
            {type: "init", chats: [{id: "c", title: "t", updatedAt: 1}], current: null, model: null, thinkingBudget: "normal"},
            {
                type: "init",
                chats: [],
                current: {id: "c", title: "t", turns: [{turnId: "1", userText: "q", attachments: [{kind: "file", label: "a.ts"}], answer: "a", stopReason: "eos", stats}]},
                model: {name: "R1", state: "ready", contextSize: 4096},
                thinkingBudget: ""
            },
            {type: "turnStarted", turnId: "1", userText: "q", attachments: [{kind: "selection", label: "a.ts:1-3"}]},
            {type: "turnStarted", turnId: "2", userText: "q", attachments: [], replaces: "1"},
            {type: "answerChunk", turnId: "1", text: "x"},
            {type: "thoughtChunk", turnId: "1", text: "x", thoughtTokens: 1},
            {type: "thoughtChunk", turnId: "1", text: "x", thoughtTokens: 7},
            {type: "turnEnded", turnId: "1", stopReason: "abort", stats},
            {type: "turnFailed", turnId: "1", message: "boom"},
            {type: "usage", usedTokens: 10, contextSize: 100, trimmedTurns: 0},
            {type: "history", chats: []},
            {type: "model", model: {name: "R1", state: "notLoaded"}, thinkingBudget: "Thinking: normal"},
            {type: "model", model: null, thinkingBudget: ""},
            {type: "copied", requestId: "copy-1", ok: true},
            {type: "copied", requestId: "copy-2", ok: false}
        ];
        for (const message of messages) assert.ok(parseHostToChat(message).ok, JSON.stringify(message));
    });

    it("rejects malformed host→chat messages with a reason", () => {
        const messages: unknown[] = [
            null,
            "init",
            {type: "explode"},
            {type: "answerChunk", turnId: "1"},
            {type: "answerChunk", turnId: "", text: "x"},
            {type: "turnEnded", turnId: "1", stopReason: "bored", stats},
            {type: "turnEnded", turnId: "1", stopReason: "eos", stats: {...stats, thoughtTokens: -1}},
            {type: "turnStarted", turnId: "1", userText: "q", attachments: [{kind: "clipboard", label: "x"}]},
            {type: "usage", usedTokens: 1.5, contextSize: 100, trimmedTurns: 0}
        ];
        for (const message of messages) {
            const parsed = parseHostToChat(message);
            assert.equal(parsed.ok, false, JSON.stringify(message));
            if (!parsed.ok) assert.ok(parsed.error.length > 0);
        }
    });

    it("validates chat→host messages, with only http(s) links", () => {
        const good: unknown[] = [
            {type: "ready"},
            {type: "send", text: "hi", attach: ["selection", "file", "editors"]},
            {type: "stop"},
            {type: "regenerate"},
            {type: "newChat"},
            {type: "openChat", chatId: "c"},
            {type: "deleteChat", chatId: "c"},
            {type: "copyCode", code: "x", requestId: "copy-1"},
            {type: "insertCode", code: ""},
            {type: "applyCode", code: "x", language: "ts", turnId: "t1", block: 0},
            {type: "openLink", href: "https://example.com/a?b#c"},
            {type: "openLink", href: "http://localhost:8080/"}
        ];
        for (const message of good) assert.ok(parseChatToHost(message).ok, JSON.stringify(message));
        const bad: unknown[] = [
            {type: "send", text: "   ", attach: []},
            {type: "send", text: "hi", attach: ["clipboard"]},
            {type: "openChat"},
            {type: "applyCode", code: "x"},
            {type: "applyCode", code: "x", language: "ts"},
            {type: "applyCode", code: "x", language: "ts", turnId: "t1", block: -1},
            {type: "openLink", href: "javascript:alert(1)"},
            {type: "openLink", href: "JAVASCRIPT:alert(1)"},
            {type: "openLink", href: "data:text/html,<script>alert(1)</script>"},
            {type: "openLink", href: "file:///etc/passwd"},
            {type: "openLink", href: "command:workbench.action.terminal.new"},
            {type: "openLink", href: "vscode://vscode.git/clone"},
            {type: "openLink", href: "/relative"},
            {type: "openLink", href: "https://"}
        ];
        for (const message of bad) assert.equal(parseChatToHost(message).ok, false, JSON.stringify(message));
    });

    it("validates the trace view's messages", () => {
        const traceStats = {thoughtTokens: 0, thoughtMs: 10, tokensPerSecond: 0, thoughtCutByBudget: false};
        for (const message of [
            {type: "init", turns: [{turnId: "1", kind: "chat", title: "q", thought: "hm", stats: traceStats}, {turnId: "2", kind: "review", title: "q", thought: ""}]},
            {type: "turnStarted", turnId: "1", kind: "commit", title: "q"},
            {type: "thoughtChunk", turnId: "1", text: "hm", thoughtTokens: 2},
            {type: "turnEnded", turnId: "1", stats: traceStats},
            {type: "thoughtCopied", turnId: "1", ok: true}
        ]) assert.ok(parseHostToTrace(message).ok, JSON.stringify(message));
        assert.equal(parseHostToTrace({type: "turnStarted", turnId: "1", title: "q"}).ok, false, "a section says what it is for");
        assert.equal(parseHostToTrace({type: "turnStarted", turnId: "1", kind: "debug", title: "q"}).ok, false);
        assert.equal(parseHostToTrace({type: "turnEnded", turnId: "1", stats: {...traceStats, tokensPerSecond: -1}}).ok, false);
        assert.equal(parseHostToTrace({type: "thoughtChunk", turnId: "1", text: 5}).ok, false);
        assert.ok(parseTraceToHost({type: "ready"}).ok);
        assert.ok(parseTraceToHost({type: "copyThought", turnId: "1"}).ok);
        assert.equal(parseTraceToHost({type: "copyThought"}).ok, false);
        assert.equal(parseTraceToHost({type: "send", text: "x", attach: []}).ok, false);
    });

    it("isSafeExternalHref allows absolute http(s) only", () => {
        assert.ok(isSafeExternalHref("https://example.com"));
        for (const href of ["javascript:alert(1)", " javascript:alert(1)", "data:,x", "mailto:a@b.c", "ftp://x", "//example.com", "", "https:///x"]) {
            assert.equal(isSafeExternalHref(href), false, href);
        }
    });
});

describe("webview HTML", () => {
    it("has the strict CSP: nothing by default, nonce'd scripts, no unsafe-inline or unsafe-eval", () => {
        const csp = contentSecurityPolicy("https://file+.vscode-resource.vscode-cdn.net", "abcdefghijklmnopqrstuv==");
        assert.equal(
            csp,
            "default-src 'none'; style-src https://file+.vscode-resource.vscode-cdn.net; font-src https://file+.vscode-resource.vscode-cdn.net; " +
                "img-src https://file+.vscode-resource.vscode-cdn.net data:; script-src 'nonce-abcdefghijklmnopqrstuv=='"
        );
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    });

    it("builds a page with the CSP meta, stylesheets and one nonce'd script", () => {
        const pageNonce = nonce();
        const html = webviewHtml({cspSource: "https://cdn.test", scriptUri: "https://cdn.test/chat.js", styleUris: ["https://cdn.test/chat.css"], nonce: pageNonce, title: "Chat <&>"});
        assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; /);
        assert.match(html, /<link rel="stylesheet" href="https:\/\/cdn.test\/chat.css">/);
        assert.equal(html.match(/<script/g)?.length, 1);
        assert.ok(html.includes(`<script nonce="${pageNonce}" src="https://cdn.test/chat.js"></script>`));
        assert.ok(html.includes("<title>Chat &#60;&#38;&#62;</title>"));
        assert.throws(() => webviewHtml({cspSource: "x", scriptUri: "x", styleUris: [], nonce: "short", title: ""}));
    });

    it("makes a fresh 128-bit nonce each time", () => {
        const nonces = new Set(Array.from({length: 100}, () => nonce()));
        assert.equal(nonces.size, 100);
        for (const value of nonces) assert.equal(Buffer.from(value, "base64").length, 16);
    });
});
