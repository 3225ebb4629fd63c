import assert from "node:assert/strict";
import {parseChatToHost, parseHostToChat} from "../../../src/webview/protocol";

describe("webview protocol: workspace sources", () => {
    const source = {kind: "workspace", label: "src/a.ts:10-24", path: "src/a.ts", startLine: 10, endLine: 24};

    it("accepts the host's progress, attachments, notices, usage and transcripts with sources", () => {
        for (const message of [
            {type: "turnProgress", turnId: "t", text: "Indexing the workspace: 1,200 of 5,000 files"},
            {type: "turnAttachments", turnId: "t", attachments: [{kind: "selection", label: "a.ts:1-2"}, source]},
            {type: "turnAttachments", turnId: "t", attachments: []},
            {type: "turnNotice", turnId: "t", text: "Answered without workspace code: no folder is open."},
            {type: "usage", usedTokens: 10, contextSize: 100, trimmedTurns: 0, workspaceTokens: 6, workspaceChunksLeftOut: 2},
            {type: "turnStarted", turnId: "t", userText: "@workspace q", attachments: [source]},
            {
                type: "init",
                chats: [],
                current: {id: "c", title: "t", turns: [{turnId: "t", userText: "q", attachments: [source], answer: "a", notice: "n", stopReason: "eos"}]},
                model: null,
                thinkingBudget: ""
            }
        ]) assert.ok(parseHostToChat(message).ok, JSON.stringify(message));
    });

    it("rejects malformed host messages about sources", () => {
        for (const message of [
            {type: "turnProgress", turnId: "t"},
            {type: "turnProgress", turnId: "t", text: "x".repeat(10_001)},
            {type: "turnAttachments", turnId: "t", attachments: [{...source, startLine: 0}]},
            {type: "turnAttachments", turnId: "t", attachments: [{...source, endLine: 2.5}]},
            {type: "turnAttachments", turnId: "t", attachments: Array.from({length: 101}, () => source)},
            {type: "turnNotice", turnId: "", text: "x"},
            {type: "usage", usedTokens: 10, contextSize: 100, trimmedTurns: 0, workspaceTokens: -1}
        ]) {
            const parsed = parseHostToChat(message);
            assert.equal(parsed.ok, false, JSON.stringify(message).slice(0, 200));
            assert.ok(!parsed.ok && parsed.error.length > 0);
        }
    });

    it("openSource and dropSource name a turn and an attachment index, with optional cited lines", () => {
        for (const message of [
            {type: "openSource", turnId: "t", index: 0},
            {type: "openSource", turnId: "t", index: 99, lines: {start: 12, end: 12}},
            {type: "openSource", turnId: "t", index: 3, lines: {start: 12, end: 40}},
            {type: "dropSource", turnId: "t", index: 2}
        ]) assert.ok(parseChatToHost(message).ok, JSON.stringify(message));
        for (const message of [
            {type: "openSource", turnId: "t"},
            {type: "openSource", turnId: "", index: 0},
            {type: "openSource", turnId: "t", index: -1},
            {type: "openSource", turnId: "t", index: 1.5},
            {type: "openSource", turnId: "t", index: 100},
            {type: "openSource", turnId: "t", index: "0"},
            {type: "openSource", turnId: "t", index: 0, lines: {start: 0, end: 3}},
            {type: "openSource", turnId: "t", index: 0, lines: {start: 9, end: 3}},
            {type: "openSource", turnId: "t", index: 0, lines: {start: 1}},
            {type: "dropSource", turnId: "t"},
            {type: "dropSource", turnId: "t", index: -2}
        ]) assert.equal(parseChatToHost(message).ok, false, JSON.stringify(message));
    });

    it("a file the page names is not passed on: the host only ever sees the index", () => {
        const parsed = parseChatToHost({type: "openSource", turnId: "t", index: 1, uri: "file:///etc/passwd", path: "/etc/passwd"});
        assert.ok(parsed.ok);
        assert.deepEqual(parsed.value, {type: "openSource", turnId: "t", index: 1});
    });

    it("the composer may ask for workspace code", () => {
        assert.ok(parseChatToHost({type: "send", text: "q", attach: ["selection", "workspace"]}).ok);
    });
});
