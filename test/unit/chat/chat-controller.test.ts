import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ChatController, type ChatSettings} from "../../../src/chat/chatController";
import {promptRoom} from "../../../src/engine/chatBudgets";
import {ChatHistoryStore} from "../../../src/chat/historyStore";
import type {ModelSummary, HostToChat, HostToTrace} from "../../../src/webview/protocol";
import {FakeEngine} from "./fakeChatEngine";
import {declaredName, explainLabel, explainPrompt} from "../../../src/chat/explainRequest";
import {writeFile} from "node:fs/promises";
import {parseHostToChat} from "../../../src/webview/protocol";
import {ChatPresenter} from "../../../src/webview/chatPresenter";
import {TraceBook} from "../../../src/webview/traceBook";

describe("ChatController", () => {
    let dir: string;
    let engine: FakeEngine;
    let toChat: HostToChat[];
    let toTrace: HostToTrace[];
    let problems: string[];
    let settings: ChatSettings;
    let modelStatus: ModelSummary | null = {name: "fake", state: "notLoaded"};

    /** The views' side of the last controller made: what the chat view and the Reasoning panel are sent. */
    let presenter: ChatPresenter;
    const make = () => {
        const controller: ChatController = new ChatController({
            engine,
            store: new ChatHistoryStore(dir),
            events: (presenter = new ChatPresenter({
                postToChat: (message) => toChat.push(message),
                trace: new TraceBook((message) => toTrace.push(message)),
                chats: () => controller.allChats,
                current: () => controller.currentChat,
                modelStatus: () => modelStatus,
                budgetLabel: () => settings.budgetLabel
            })),
            settings: () => settings,
            reportProblem: (message) => problems.push(message)
        });
        return controller;
    };

    beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), "enclave-chat-"));
        engine = new FakeEngine();
        toChat = [];
        toTrace = [];
        problems = [];
        modelStatus = {name: "fake", state: "notLoaded"};
        settings = {temperature: 0.6, maxTokens: 512, thoughtBudget: -1, budgetLabel: "Thinking: unlimited"};
    });
    afterEach(() => rm(dir, {recursive: true, force: true}));

    it("streams the answer to the chat view and the thought to the trace view", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("What is it?", []);
        const answer = toChat.filter((m) => m.type === "answerChunk").map((m) => (m.type === "answerChunk" ? m.text : "")).join("");
        assert.equal(answer, "The answer is 42.");
        assert.ok(toTrace.some((m) => m.type === "thoughtChunk" && m.text === "Hm."));
        assert.ok(toChat.some((m) => m.type === "turnEnded" && m.stopReason === "eos"));
        assert.ok(toTrace.some((m) => m.type === "turnEnded"));
        assert.ok(toChat.some((m) => m.type === "usage" && m.contextSize === 4096 && m.trimmedTurns === 0));
    });

    it("names the configured model and its state from the start, before any turn, and follows changes", async () => {
        modelStatus = {name: "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M", state: "notLoaded"};
        const controller = make();
        await controller.initialize();
        presenter.chatViewReady();
        const init = toChat.find((m) => m.type === "init");
        assert.deepEqual(init?.type === "init" && init.model, {name: "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M", state: "notLoaded"});
        assert.equal(engine.requests.length, 0, "nothing was loaded or asked");
        modelStatus = {name: "Qwen-14B", state: "loading"};
        settings = {...settings, budgetLabel: "Thinking: deep"};
        presenter.modelChanged();
        assert.deepEqual(toChat.at(-1), {type: "model", model: {name: "Qwen-14B", state: "loading"}, thinkingBudget: "Thinking: deep"});
        modelStatus = null;
        presenter.modelChanged();
        assert.deepEqual(toChat.at(-1), {type: "model", model: null, thinkingBudget: "Thinking: deep"});
    });

    it("shows a saved chat whose turn has a stop reason the view does not know: the valid turns, and a notice (never a blank panel)", async () => {
        const turn = (id: string, stopReason: string) => ({id, userText: `q ${id}`, attachments: [], thought: "", answer: `a ${id}`, stopReason});
        await writeFile(join(dir, "old.json"), JSON.stringify({id: "old", title: "Old chat", createdAt: 1, updatedAt: 2, turns: [turn("t1", "eos"), turn("t2", "contextFull"), turn("t3", "maxTokens")]}));
        const controller = make();
        await controller.initialize();
        presenter.chatViewReady();
        const init = toChat.find((m) => m.type === "init");
        // What the view does with it: the same parse the webview runs on arrival.
        const parsed = parseHostToChat(JSON.parse(JSON.stringify(init)));
        assert.ok(parsed.ok, parsed.ok ? "" : parsed.error);
        assert.ok(parsed.value.type === "init");
        assert.deepEqual(parsed.value.current?.turns.map((t) => t.answer), ["a t1", "a t3"]);
        assert.equal(problems.length, 1);
        assert.match(problems[0] ?? "", /1 turn of the chat “Old chat” could not be read and was set aside .*stopReason.*The rest of the chat \(2 turns\) is shown\./);
    });

    it("counts the model's tokens, not pieces, and times the thought from its first to its last token", async () => {
        const controller = make();
        await controller.initialize();
        engine.chat = async (_params, {onEvent}) => {
            // The model loads and reads the prompt first: not thinking time.
            await new Promise((resolve) => setTimeout(resolve, 60));
            onEvent({kind: "thought", text: "Let", tokens: 3});
            await new Promise((resolve) => setTimeout(resolve, 50));
            onEvent({kind: "thought", text: " me see.", tokens: 4});
            await new Promise((resolve) => setTimeout(resolve, 60));
            onEvent({kind: "answer", text: "Yes.", tokens: 2});
            return {thought: "Let me see.", answer: "Yes.", stopReason: "eos", thoughtCutByBudget: false, thoughtTokens: 7, answerTokens: 2, firstTokenMs: 60, totalMs: 170};
        };
        await controller.send("Q?", []);
        const live = toChat.filter((m) => m.type === "thoughtChunk").map((m) => (m.type === "thoughtChunk" ? m.thoughtTokens : -1));
        assert.deepEqual(live, [3, 7], "the running count is in tokens");
        const traceLive = toTrace.filter((m) => m.type === "thoughtChunk").map((m) => (m.type === "thoughtChunk" ? m.thoughtTokens : -1));
        assert.deepEqual(traceLive, [3, 7]);
        const ended = toChat.find((m) => m.type === "turnEnded");
        assert.ok(ended?.type === "turnEnded");
        const thoughtMs = ended.stats.thoughtMs ?? -1;
        assert.ok(thoughtMs >= 40 && thoughtMs < 110, `thought time ${thoughtMs} ms: from the first to the last thought token`);
        assert.ok(ended.stats.elapsedMs >= 160, `the turn's time ${ended.stats.elapsedMs} ms`);
        const traceEnded = toTrace.find((m) => m.type === "turnEnded");
        assert.ok(traceEnded?.type === "turnEnded");
        assert.equal(traceEnded.stats.thoughtTokens, 7);
        assert.equal(traceEnded.stats.thoughtMs, thoughtMs);
        // Tokens per second of thinking time: 7 tokens over ~50 ms, not over the whole turn.
        assert.ok((traceEnded.stats.tokensPerSecond ?? 0) > 60, String(traceEnded.stats.tokensPerSecond));
    });

    it("Explain shows its label, not the canned prompt, titles the chat after the code, and starts a new chat unless it is about the same file", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("Something else?", []);
        const first = controller.currentChat?.id;
        const selection = (fileName: string, content: string) => ({kind: "selection" as const, label: `${fileName}:2-4`, fileName, startLine: 2, endLine: 4, content});
        const greet = selection("sample.ts", "function greet(name: string) {\n  return `Hi ${name}`;\n}");
        await controller.send(explainPrompt, [greet], {displayText: explainLabel(greet), newChatUnlessAbout: "sample.ts"});
        const chat = controller.currentChat;
        assert.notEqual(chat?.id, first, "a chat about nothing else: a new one");
        assert.equal(chat?.title, "Explain `greet` (sample.ts:2-4)");
        const started = toChat.filter((m) => m.type === "turnStarted").at(-1);
        assert.equal(started?.type === "turnStarted" && started.userText, "Explain `greet` (sample.ts:2-4)");
        assert.match(engine.requests.at(-1)?.messages.at(-1)?.content ?? "", /Explain this code: what it does/, "the model still gets the instruction");
        // The same file: the same chat. Another file: a new chat.
        const other = selection("sample.ts", "const add = (a, b) => a + b;");
        await controller.send(explainPrompt, [other], {displayText: explainLabel(other), newChatUnlessAbout: "sample.ts"});
        assert.equal(controller.currentChat?.id, chat?.id);
        assert.equal(controller.currentChat?.turns.length, 2);
        const elsewhere = selection("util.py", "def helper(x):\n    return x");
        await controller.send(explainPrompt, [elsewhere], {displayText: explainLabel(elsewhere), newChatUnlessAbout: "util.py"});
        assert.notEqual(controller.currentChat?.id, chat?.id);
        assert.equal(controller.currentChat?.title, "Explain `helper` (util.py:2-4)");
        // After a reload the saved turn still shows its label.
        toChat = [];
        const reloaded = make();
        await reloaded.initialize();
        presenter.chatViewReady();
        const init = toChat.find((m) => m.type === "init");
        assert.equal(init?.type === "init" && init.current?.turns[0]?.userText, "Explain `helper` (util.py:2-4)");
    });

    it("names the code a selection declares, across languages", () => {
        assert.equal(declaredName("\n  export async function loadAll(dir) {"), "loadAll");
        assert.equal(declaredName("const greet = (name: string) => name;"), "greet");
        assert.equal(declaredName("class Greeter extends Base {"), "Greeter");
        assert.equal(declaredName("    def helper(self, x):"), "helper");
        assert.equal(declaredName("pub fn parse(input: &str) -> u32 {"), "parse");
        assert.equal(declaredName("    private render(state: State): void {"), "render");
        assert.equal(declaredName("if (ready) {"), undefined);
        assert.equal(declaredName("x += 1;"), undefined);
        assert.equal(explainLabel({kind: "selection", label: "a.ts:1-1", fileName: "a.ts", content: "x += 1;"}), "Explain a.ts:1-1");
    });

    it("sends earlier answers but never earlier thoughts, and attachments in DeepSeek's format", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("First?", [{kind: "selection", label: "a.ts:1-1", fileName: "a.ts", startLine: 1, endLine: 1, content: "x()"}]);
        await controller.send("Second?", []);
        const messages = engine.requests[1]?.messages ?? [];
        assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "user"]);
        assert.match(messages[0]?.content ?? "", /^\[file name\]: a\.ts \(lines 1-1\)\n\[file content begin\]\nx\(\)\n\[file content end\]\nFirst\?$/);
        assert.equal(messages[1]?.content, "The answer is 42.");
        assert.ok(messages.every((m) => !m.content.includes("Hm.")));
    });

    it("stop keeps the partial answer", async () => {
        engine.answer = Array.from({length: 200}, (_, i) => `w${i} `).join("");
        engine.delayMs = 5;
        const controller = make();
        await controller.initialize();
        const sending = controller.send("Long?", []);
        while (toChat.filter((m) => m.type === "answerChunk").length < 3) await new Promise((resolve) => setTimeout(resolve, 2));
        controller.stop();
        await sending;
        const ended = toChat.find((m) => m.type === "turnEnded");
        assert.equal(ended?.type === "turnEnded" && ended.stopReason, "abort");
        const kept = controller.currentChat?.turns[0]?.answer ?? "";
        assert.ok(kept.startsWith("w0 w1 w2") && kept.length < engine.answer.length, kept);
    });

    it("regenerate replaces the last answer", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("Q?", []);
        const firstId = controller.currentChat?.turns[0]?.id;
        engine.answer = "Another answer.";
        await controller.regenerate();
        assert.equal(controller.currentChat?.turns.length, 1);
        assert.equal(controller.currentChat?.turns[0]?.answer, "Another answer.");
        assert.ok(toChat.some((m) => m.type === "turnStarted" && m.replaces === firstId));
        const traceInit = toTrace.filter((m) => m.type === "init").at(-1);
        assert.ok(traceInit?.type === "init" && traceInit.turns.every((turn) => turn.turnId !== firstId), "the trace forgets the replaced thought");
    });

    it("keeps chats in the history: a new controller (a window reload) finds them", async () => {
        const first = make();
        await first.initialize();
        await first.send("Remember me?", []);
        await first.newChat();
        await first.send("Second chat", []);

        toChat = [];
        const second = make();
        await second.initialize();
        presenter.chatViewReady();
        const init = toChat.find((m) => m.type === "init");
        assert.ok(init && init.type === "init");
        assert.deepEqual(init.chats.map((c) => c.title).sort(), ["Remember me?", "Second chat"]);
        assert.equal(init.current?.turns[0]?.answer, "The answer is 42.");
        await second.deleteChat(init.chats[1]?.id ?? "");
        const third = make();
        await third.initialize();
        presenter.chatViewReady();
        const last = toChat.filter((m) => m.type === "init").at(-1);
        assert.equal(last?.type === "init" && last.chats.length, 1);
    });

    it("trims the oldest turns when the conversation outgrows the context, and says so", async () => {
        engine.contextSize = 40;
        engine.answer = "one two three four five six seven eight nine ten eleven twelve";
        const controller = make();
        await controller.initialize();
        for (const question of ["a b c", "d e f", "g h i"]) await controller.send(question, []);
        const usage = toChat.filter((m) => m.type === "usage").at(-1);
        assert.ok(usage?.type === "usage" && usage.trimmedTurns > 0, JSON.stringify(usage));
        assert.equal(engine.requests.at(-1)?.messages.at(-1)?.content, "g h i");
        assert.ok((engine.requests.at(-1)?.messages.length ?? 0) < 5);
    });

    it("keeps room in the context for the whole thought budget and the answer's own allowance", async () => {
        engine.contextSize = 400;
        engine.delayMs = 0;
        settings = {temperature: 0.6, maxTokens: 50, thoughtBudget: 100, budgetLabel: "Thinking: quick"};
        // Each answer is 50 "tokens" (the fake counts words): five earlier turns outgrow the room the
        // thought and the answer leave (400 - 100 - 50 - a little for the closing), though not 400 - 50.
        engine.answer = Array.from({length: 50}, (_, index) => `w${index}`).join(" ");
        const controller = make();
        await controller.initialize();
        for (const question of ["q1", "q2", "q3", "q4", "q5", "q6"]) await controller.send(question, []);
        const usage = toChat.filter((m) => m.type === "usage").at(-1);
        assert.ok(usage?.type === "usage", "usage was posted");
        const room = promptRoom(400, 100, 50);
        assert.ok(room < 250 && room > 200, `the room (${room}) is less than five answers`);
        assert.ok(usage.trimmedTurns > 0, JSON.stringify(usage));
        assert.ok(usage.usedTokens <= room, `${usage.usedTokens} tokens used, room ${room}`);
        assert.equal(engine.requests.at(-1)?.maxTokens, 50, "the answer's allowance goes to the engine as is");
        assert.equal(engine.requests.at(-1)?.thoughtBudget, 100);
    });

    it("reports a failed turn in the view and keeps going", async () => {
        const controller = make();
        await controller.initialize();
        engine.chat = async () => {
            throw new Error("The model process was killed (SIGKILL).");
        };
        await controller.send("Boom?", []);
        assert.ok(toChat.some((m) => m.type === "turnFailed" && /SIGKILL/.test(m.message)));
        assert.equal(controller.isRunning, false);
    });
});
