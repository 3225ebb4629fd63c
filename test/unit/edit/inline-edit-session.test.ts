import assert from "node:assert/strict";
import type {ChatEvent, ChatParams, ChatResult} from "../../../src/engine/protocol";
import {linedText} from "../../../src/edit/fragmentText";
import {InlineEditSession, type RewriteEnginePort} from "../../../src/edit/inlineEditSession";

/** A scripted engine: each request streams the next script's events, honouring aborts. */
class ScriptedEngine implements RewriteEnginePort {
    readonly requests: ChatParams[] = [];
    constructor(private readonly scripts: ChatEvent[][]) {}

    async chat(params: ChatParams, {signal, onEvent}: {signal: AbortSignal; onEvent: (event: ChatEvent) => void}): Promise<ChatResult> {
        this.requests.push(params);
        const script = this.scripts[this.requests.length - 1] ?? [];
        let answer = "";
        for (const event of script) {
            if (signal.aborted) break;
            onEvent(event);
            if (event.kind === "answer") answer += event.text;
            await new Promise((resolve) => setImmediate(resolve));
        }
        return {thought: "", answer, stopReason: signal.aborted ? "abort" : "eos", thoughtCutByBudget: false, thoughtTokens: 1, answerTokens: 1, firstTokenMs: 1, totalMs: 1};
    }
}

const answer = (...texts: string[]): ChatEvent[] => texts.map((text) => ({kind: "answer", text, tokens: 1}));
const thought = (text: string): ChatEvent => ({kind: "thought", text, tokens: 1});
const file = "def f(x):\r\n    if x:\r\n        return 1\r\n    return 2\r\n";
const source = {fileName: "a.py", language: "python", file: linedText(file), range: {start: 1, end: 3}};
const settings = () => ({temperature: 0.6, maxTokens: 256, thoughtBudget: 64});

function collect() {
    const shown: (readonly string[])[] = [];
    const thoughts: string[] = [];
    return {shown, thoughts, ports: {lines: (snapshot: {lines: readonly string[]}) => shown.push(snapshot.lines), thought: (text: string) => thoughts.push(text)}};
}

describe("an inline edit session", () => {
    it("streams the rewrite's lines in the target's indentation, the thought apart, and the file's line ending", async () => {
        const engine = new ScriptedEngine([[thought("The user wants one line."), ...answer("```python\n", "return 1 if x else 2\n", "```\n", "Shorter.")]]);
        const session = new InlineEditSession(source, engine, settings);
        const {shown, thoughts, ports} = collect();
        const outcome = await session.round("make it one line", new AbortController().signal, ports);
        assert.equal(outcome.kind, "done");
        assert.deepEqual(thoughts, ["The user wants one line."]);
        assert.deepEqual(shown.at(-1), ["    return 1 if x else 2"]);
        assert.ok(!shown.flat().some((line) => line.includes("user wants")), "thought text never reaches the lines");
        assert.equal(session.replacement(), "    return 1 if x else 2");
        assert.equal(engine.requests[0]?.thoughtBudget, 64);
        assert.match(engine.requests[0]?.messages[0]?.content ?? "", /Instruction: make it one line$/m);
        const multi = new InlineEditSession(source, new ScriptedEngine([answer("```\nif x:\n  return 1\nreturn 2\n```")]), settings);
        await multi.round("x", new AbortController().signal, collect().ports);
        assert.equal(multi.replacement(), "    if x:\r\n        return 1\r\n    return 2", "CRLF and four-space levels, like the file");
    });

    it("keeps thought out of the file from a model that writes only </think>", async () => {
        const engine = new ScriptedEngine([answer("so the user wants\n", "a one-liner\n</think>\n\n", "return 1 if x else 2\n")]);
        const session = new InlineEditSession(source, engine, settings);
        const {shown, ports} = collect();
        await session.round("one line", new AbortController().signal, ports);
        assert.deepEqual(session.proposal, ["    return 1 if x else 2"]);
        assert.deepEqual(shown.at(-1), ["    return 1 if x else 2"]);
    });

    it("revises the same rewrite on a follow-up, sending the previous one back", async () => {
        const engine = new ScriptedEngine([answer("```\nif x:\n    return 1\nreturn 2\n```"), answer("```\nreturn 1 if x else 2\n```")]);
        const session = new InlineEditSession(source, engine, settings);
        await session.round("add a comment", new AbortController().signal, collect().ports);
        const outcome = await session.round("make it shorter", new AbortController().signal, collect().ports);
        assert.equal(outcome.kind, "done");
        assert.deepEqual(session.proposal, ["    return 1 if x else 2"]);
        assert.deepEqual(session.instructions, ["add a comment", "make it shorter"]);
        const messages = engine.requests[1]?.messages ?? [];
        assert.deepEqual(messages.map((message) => message.role), ["user", "assistant", "user"]);
        assert.equal(messages[1]?.content, "```python\n    if x:\n        return 1\n    return 2\n```");
        assert.deepEqual(session.originalLines, ["    if x:", "        return 1", "    return 2"], "the original stays the one to undo to");
    });

    it("stops without a proposal, and a stopped follow-up keeps the one before", async () => {
        const controller = new AbortController();
        const engine = new ScriptedEngine([answer("```\n", "a\n", "b\n", "c\n"), answer("```\nfirst\n```"), answer("```\n", "x\n", "y\n")]);
        const session = new InlineEditSession(source, engine, settings);
        const outcome = await session.round("x", controller.signal, {lines: () => controller.abort(), thought: () => undefined});
        assert.equal(outcome.kind, "stopped");
        assert.equal(session.proposal, undefined);
        await session.round("again", new AbortController().signal, collect().ports);
        const second = new AbortController();
        assert.equal((await session.round("more", second.signal, {lines: () => second.abort(), thought: () => undefined})).kind, "stopped");
        assert.deepEqual(session.proposal, ["    first"]);
    });

    it("stops the model at the closing fence, and refuses an empty instruction or a second round at once", async () => {
        let aborted = false;
        const engine: RewriteEnginePort = {
            chat: async (_params, {signal, onEvent}) => {
                onEvent({kind: "answer", text: "```\nx\n```\n", tokens: 3});
                aborted = signal.aborted;
                return {thought: "", answer: "", stopReason: "abort", thoughtCutByBudget: false, thoughtTokens: 0, answerTokens: 1, firstTokenMs: 1, totalMs: 1};
            }
        };
        const session = new InlineEditSession(source, engine, settings);
        assert.equal((await session.round("x", new AbortController().signal, collect().ports)).kind, "done");
        assert.ok(aborted, "the request was stopped once the code was complete");
        await assert.rejects(session.round("  ", new AbortController().signal, collect().ports), /instruction is empty/);
        const slow = new InlineEditSession(source, new ScriptedEngine([answer("a\n", "b\n")]), settings);
        const first = slow.round("x", new AbortController().signal, collect().ports);
        await assert.rejects(slow.round("y", new AbortController().signal, collect().ports), /already streaming/);
        await first;
    });

    it("says so when the answer has no code", async () => {
        const session = new InlineEditSession(source, new ScriptedEngine([[thought("hm")]]), settings);
        assert.equal((await session.round("x", new AbortController().signal, collect().ports)).kind, "empty");
    });
});
