import assert from "node:assert/strict";
import {TraceBook} from "../../../src/webview/traceBook";
import {parseHostToTrace, type HostToTrace, type HostToTraceOf, type TraceStats} from "../../../src/webview/protocol";

const stats = (thoughtTokens: number): TraceStats => ({thoughtTokens, thoughtMs: 1000, tokensPerSecond: thoughtTokens, thoughtCutByBudget: false});

describe("TraceBook (the Reasoning panel's one owner)", () => {
    let posted: HostToTrace[];
    let book: TraceBook;
    beforeEach(() => {
        posted = [];
        book = new TraceBook((message) => posted.push(message), 3);
    });
    const lastInit = (): HostToTraceOf<"init"> => {
        const init = posted.filter((message): message is HostToTraceOf<"init"> => message.type === "init").at(-1);
        assert.ok(init, "an init was posted");
        return init;
    };

    it("posts each section's start with its kind, its thought and its end, all valid view messages", () => {
        book.start("c1", "chat", "How do I sort?");
        book.thought("c1", "Hmm", 1);
        book.end("c1", stats(1));
        book.start("r1", "review", "src/a.ts");
        book.thought("r1", "Look at line 2", 4);
        assert.deepEqual(
            posted.map((message) => [message.type, "kind" in message ? message.kind : undefined]),
            [["turnStarted", "chat"], ["thoughtChunk", undefined], ["turnEnded", undefined], ["turnStarted", "review"], ["thoughtChunk", undefined]]
        );
        for (const message of posted) assert.ok(parseHostToTrace(message).ok, JSON.stringify(message));
    });

    it("sends every section again when the view is re-created: the chat's turns and the review since, a running one with its start time", () => {
        book.showChat([{turnId: "old", title: "earlier question", thought: "old thought", stats: stats(2)}]);
        book.start("r1", "review", "src/a.ts");
        book.thought("r1", "Line 2 ", 2);
        book.thought("r1", "subtracts.", 4);
        book.end("r1", stats(4));
        book.start("c2", "chat", "next question");
        book.thought("c2", "Thinking", 1);
        posted = [];
        book.viewReady();
        const {turns} = lastInit();
        assert.deepEqual(
            turns.map((turn) => [turn.turnId, turn.kind, turn.title, turn.thought, turn.stats?.thoughtTokens]),
            [["old", "chat", "earlier question", "old thought", 2], ["r1", "review", "src/a.ts", "Line 2 subtracts.", 4], ["c2", "chat", "next question", "Thinking", undefined]]
        );
        assert.equal(turns[0]?.thoughtStartedAt, undefined, "a finished section has no running timer");
        assert.ok(typeof turns[2]?.thoughtStartedAt === "number", "the running one's timer goes on from its start");
        assert.ok(parseHostToTrace(lastInit()).ok);
    });

    it("replaces only the chat's sections when another chat is shown; reviews, edits and commit messages stay", () => {
        book.showChat([{turnId: "a1", title: "chat A", thought: "A"}]);
        book.start("e1", "edit", "shapes.ts: add area");
        book.showChat([{turnId: "b1", title: "chat B", thought: "B"}]);
        assert.deepEqual(lastInit().turns.map((turn) => turn.turnId), ["b1", "e1"]);
        book.showChat([]);
        assert.deepEqual(lastInit().turns.map((turn) => turn.turnId), ["e1"], "New Chat empties the chat's sections only");
    });

    it("drops the section of an answer given again (Regenerate), and says so to the view", () => {
        book.showChat([{turnId: "a1", title: "q", thought: "first try"}]);
        book.start("r1", "review", "src/a.ts");
        posted = [];
        book.drop("a1");
        assert.deepEqual(lastInit().turns.map((turn) => turn.turnId), ["r1"]);
        posted = [];
        book.drop("gone");
        assert.deepEqual(posted, [], "nothing to say for a section it does not have");
    });

    it("keeps the most recent sections that are not the chat's, within its limit", () => {
        book.showChat([{turnId: "c", title: "chat", thought: ""}]);
        for (const id of ["r1", "r2", "r3", "r4", "r5"]) book.start(id, "review", id);
        book.viewReady();
        assert.deepEqual(lastInit().turns.map((turn) => turn.turnId), ["c", "r3", "r4", "r5"]);
    });

    it("gives the Copy button the host's whole thought, and nothing for a section it no longer has", () => {
        book.start("m1", "commit", "repo");
        book.thought("m1", "The diff ", 2);
        book.thought("m1", "adds a test.", 5);
        assert.equal(book.thoughtOf("m1"), "The diff adds a test.");
        assert.equal(book.thoughtOf("gone"), undefined);
    });
});
