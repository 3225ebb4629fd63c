import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ChatController, type ChatSettings} from "../../../src/chat/chatController";
import {ChatHistoryStore} from "../../../src/chat/historyStore";
import {formatAttachment} from "../../../src/chat/promptAssembly";
import {maxRetrievedChunks, workspaceCodeShare} from "../../../src/chat/workspaceBudget";
import {mentionsWorkspace, withoutWorkspaceMention} from "../../../src/chat/workspaceMention";
import type {RetrievedCode, RetrieveOptions, WorkspaceRetriever} from "../../../src/chat/workspaceRetriever";
import {promptRoom} from "../../../src/engine/chatBudgets";
import type {ModelSummary, HostToChat, HostToChatOf} from "../../../src/webview/protocol";
import {FakeEngine} from "./fakeChatEngine";
import {ChatPresenter} from "../../../src/webview/chatPresenter";
import {TraceBook} from "../../../src/webview/traceBook";

/** Chunk `index` of a fake workspace: `words` words of code in src/f<index>.ts, lines 10·index+1 to 10·index+10. */
function chunk(index: number, words = 20): RetrievedCode {
    return {
        uri: `file:///ws/src/f${index}.ts`,
        fileName: `src/f${index}.ts`,
        languageId: "typescript",
        startLine: index * 10 + 1,
        endLine: index * 10 + 10,
        content: Array.from({length: words}, (_, word) => `c${index}_${word}`).join(" "),
        symbol: `f${index}`
    };
}

/** What one chunk costs in the prompt with the fake engine's word count (+1 for the joining line break). */
const cost = (code: RetrievedCode): number => formatAttachment({kind: "workspace", label: "", ...code}).split(/\s+/).filter(Boolean).length + 1;

class FakeRetriever implements WorkspaceRetriever {
    readonly calls: {question: string; options: RetrieveOptions}[] = [];
    chunks: RetrievedCode[] = [chunk(0), chunk(1), chunk(2)];
    failure: string | undefined;
    /** Waits for the caller's abort (or forever, with `ignoreAbort`) instead of answering. */
    hang = false;
    ignoreAbort = false;

    async retrieve(question: string, options: RetrieveOptions): Promise<RetrievedCode[]> {
        this.calls.push({question, options});
        // A chatty index: a line per file.
        for (let file = 1; file <= 500; file++) options.onProgress?.(`Indexing the workspace: ${file} of 500 files`);
        if (this.hang) {
            await new Promise<void>((resolve, reject) => {
                if (!this.ignoreAbort) options.signal.addEventListener("abort", () => reject(new Error("The operation was aborted.")), {once: true});
                void resolve;
            });
        }
        if (this.failure) throw new Error(this.failure);
        return this.chunks.slice(0, options.maxChunks);
    }
}

describe("ChatController with workspace code", () => {
    let dir: string;
    let engine: FakeEngine;
    let retriever: FakeRetriever;
    let toChat: HostToChat[];
    let settings: ChatSettings;
    const modelStatus: ModelSummary | null = {name: "fake", state: "notLoaded"};

    /** The views' side of the last controller made. */
    let presenter: ChatPresenter;
    const make = (withRetriever = true) => {
        const controller: ChatController = new ChatController({
            engine,
            store: new ChatHistoryStore(dir),
            events: (presenter = new ChatPresenter({
                postToChat: (message) => toChat.push(message),
                trace: new TraceBook(() => undefined),
                chats: () => controller.allChats,
                current: () => controller.currentChat,
                modelStatus: () => modelStatus,
                budgetLabel: () => settings.budgetLabel
            })),
            settings: () => settings,
            reportProblem: (message) => assert.fail(message),
            ...(withRetriever ? {workspace: retriever} : {})
        });
        return controller;
    };
    const posted = <K extends HostToChat["type"]>(type: K): HostToChatOf<K>[] => toChat.filter((message): message is HostToChatOf<K> => message.type === type);
    const lastPrompt = (): string => engine.requests.at(-1)?.messages.at(-1)?.content ?? "";

    beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), "enclave-chat-ws-"));
        engine = new FakeEngine();
        engine.delayMs = 0;
        retriever = new FakeRetriever();
        toChat = [];
        settings = {temperature: 0.6, maxTokens: 512, thoughtBudget: 1024, budgetLabel: "Thinking: quick"};
    });
    afterEach(() => rm(dir, {recursive: true, force: true}));

    it("the Workspace toggle attaches the retrieved chunks, in DeepSeek's file format, and asks for citations before the question", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("How are headers parsed?", [{kind: "selection", label: "a.ts:1-1", fileName: "a.ts", startLine: 1, endLine: 1, content: "x()"}], {workspace: true});
        assert.equal(retriever.calls.length, 1);
        assert.equal(retriever.calls[0]?.question, "How are headers parsed?");
        assert.equal(retriever.calls[0]?.options.maxChunks, maxRetrievedChunks);
        const prompt = lastPrompt();
        const files = [...prompt.matchAll(/\[file name\]: (\S+)/g)].map((match) => match[1]);
        assert.deepEqual(files, ["a.ts", "src/f0.ts", "src/f1.ts", "src/f2.ts"], "the user's attachment first, then the chunks best first");
        assert.ok(prompt.includes(formatAttachment({kind: "workspace", label: "", ...chunk(1)})), prompt);
        assert.match(prompt, /\[file content end\]\nThe files above are from my workspace\. Cite the files and lines you use as path:start-end \(for example src\/f0\.ts:1-10\)\.\nHow are headers parsed\?$/);
        const turn = controller.currentChat?.turns[0];
        assert.deepEqual(turn?.attachments.slice(1).map(({kind, label, uri, startLine, endLine}) => ({kind, label, uri, startLine, endLine})), [
            {kind: "workspace", label: "src/f0.ts:1-10", uri: "file:///ws/src/f0.ts", startLine: 1, endLine: 10},
            {kind: "workspace", label: "src/f1.ts:11-20", uri: "file:///ws/src/f1.ts", startLine: 11, endLine: 20},
            {kind: "workspace", label: "src/f2.ts:21-30", uri: "file:///ws/src/f2.ts", startLine: 21, endLine: 30}
        ]);
        assert.equal(turn?.attachments[1]?.content, chunk(0).content);
        // The view learns labels, paths and lines, never contents or URIs.
        const shown = posted("turnAttachments").at(-1);
        assert.deepEqual(shown?.attachments, [
            {kind: "selection", label: "a.ts:1-1"},
            {kind: "workspace", label: "src/f0.ts:1-10", path: "src/f0.ts", startLine: 1, endLine: 10},
            {kind: "workspace", label: "src/f1.ts:11-20", path: "src/f1.ts", startLine: 11, endLine: 20},
            {kind: "workspace", label: "src/f2.ts:21-30", path: "src/f2.ts", startLine: 21, endLine: 30}
        ]);
        // Saved with the chat: a reload shows the same sources.
        toChat = [];
        const reloaded = make();
        await reloaded.initialize();
        presenter.chatViewReady();
        assert.deepEqual(posted("init")[0]?.current?.turns[0]?.attachments, shown?.attachments);
    });

    it("without the toggle and without @workspace, the index is not asked", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("Mail me@workspace.io about @workspaces", []);
        assert.equal(retriever.calls.length, 0);
        assert.doesNotMatch(lastPrompt(), /Cite the files/);
        assert.equal(posted("turnAttachments").length, 0);
    });

    it("@workspace in the message asks the index too; the model and the index see the question without it, the user sees it as typed", async () => {
        assert.equal(mentionsWorkspace("@workspace where is parseHeader?"), true);
        assert.equal(mentionsWorkspace("where is parseHeader? @Workspace"), true);
        assert.equal(mentionsWorkspace("see @workspace, then"), true);
        assert.equal(mentionsWorkspace("write to me@workspace.io"), false);
        assert.equal(mentionsWorkspace("the @workspaces folder"), false);
        assert.equal(mentionsWorkspace("no mention"), false);
        assert.equal(withoutWorkspaceMention("where is @workspace parseHeader?"), "where is parseHeader?");
        assert.equal(withoutWorkspaceMention("@workspace"), "@workspace", "nothing else to ask: the text stays");

        const controller = make();
        await controller.initialize();
        await controller.send("@workspace where is parseHeader?", []);
        assert.equal(retriever.calls[0]?.question, "where is parseHeader?");
        assert.match(lastPrompt(), /\(for example src\/f0\.ts:1-10\)\.\nwhere is parseHeader\?$/);
        assert.equal(posted("turnStarted")[0]?.userText, "@workspace where is parseHeader?");
        assert.equal(controller.currentChat?.turns[0]?.userText, "@workspace where is parseHeader?");
    });

    it("keeps the best chunks that fit the code's share of the prompt room, cutting from the least relevant, and counts them in the usage", async () => {
        engine.contextSize = 1000;
        settings = {temperature: 0.6, maxTokens: 100, thoughtBudget: 200, budgetLabel: "Thinking: quick"};
        // A small chunk after a big one: the big one ends the list even though the small one would fit.
        retriever.chunks = [chunk(0, 100), chunk(1, 100), chunk(2, 100), chunk(3, 300), chunk(4, 5), chunk(5, 5)];
        const controller = make();
        await controller.initialize();
        await controller.send("Where?", [], {workspace: true});
        const room = promptRoom(1000, 200, 100);
        const share = Math.floor(room * workspaceCodeShare);
        const costs = retriever.chunks.map(cost);
        assert.ok((costs[0] as number) + (costs[1] as number) + (costs[2] as number) <= share && share < costs.slice(0, 4).reduce((a, b) => a + b), `the share (${share}) holds three chunks`);
        const kept = controller.currentChat?.turns[0]?.attachments.map((attachment) => attachment.fileName);
        assert.deepEqual(kept, ["src/f0.ts", "src/f1.ts", "src/f2.ts"]);
        assert.deepEqual([...lastPrompt().matchAll(/\[file name\]: (\S+)/g)].map((match) => match[1]), kept);
        const usage = posted("usage").at(-1);
        assert.equal(usage?.workspaceTokens, (costs[0] as number) + (costs[1] as number) + (costs[2] as number));
        assert.equal(usage?.workspaceChunksLeftOut, 3);
        assert.ok(usage !== undefined && usage.usedTokens >= (usage.workspaceTokens ?? Infinity) && usage.usedTokens <= room, JSON.stringify(usage));
        assert.equal(usage?.usedTokens, lastPrompt().split(/\s+/).filter(Boolean).length, "the usage is the prompt as sent, code included");
        assert.deepEqual(posted("turnAttachments").at(-1)?.attachments.map((attachment) => attachment.label), ["src/f0.ts:1-10", "src/f1.ts:11-20", "src/f2.ts:21-30"]);
    });

    it("trims older turns before the newest turn's code", async () => {
        engine.contextSize = 1000;
        settings = {temperature: 0.6, maxTokens: 100, thoughtBudget: 200, budgetLabel: "Thinking: quick"};
        engine.answer = Array.from({length: 120}, (_, index) => `a${index}`).join(" ");
        retriever.chunks = [chunk(0, 150), chunk(1, 150)];
        const controller = make();
        await controller.initialize();
        for (const question of ["q1", "q2", "q3"]) await controller.send(question, []);
        await controller.send("q4 in the workspace?", [], {workspace: true});
        const usage = posted("usage").at(-1);
        assert.ok(usage !== undefined && usage.trimmedTurns > 0, JSON.stringify(usage));
        assert.equal(usage.workspaceChunksLeftOut, 0, "both chunks stay");
        assert.ok(usage.usedTokens <= promptRoom(1000, 200, 100), JSON.stringify(usage));
        const messages = engine.requests.at(-1)?.messages ?? [];
        assert.ok(messages.length < 7, "older turns left out");
        assert.deepEqual([...lastPrompt().matchAll(/\[file name\]: (\S+)/g)].map((match) => match[1]), ["src/f0.ts", "src/f1.ts"]);
    });

    for (const ignoreAbort of [false, true]) {
        it(`Stop during the retrieval ends the turn as stopped, without asking the model${ignoreAbort ? " (even if the index ignores the signal)" : ""}`, async () => {
            retriever.hang = true;
            retriever.ignoreAbort = ignoreAbort;
            const controller = make();
            await controller.initialize();
            const sending = controller.send("Where?", [], {workspace: true});
            while (posted("turnProgress").length < 2) await new Promise((resolve) => setTimeout(resolve, 2));
            const lines = posted("turnProgress").map((message) => message.text);
            assert.deepEqual(lines.slice(0, 2), ["Searching the workspace…", "Indexing the workspace: 1 of 500 files"], "the index's first line at once");
            // 500 lines in well under the interval; a stalled machine might let one more through, not hundreds.
            assert.ok(lines.length <= 3, `not one line per file: ${lines.length}`);
            controller.stop();
            await sending;
            assert.equal(retriever.calls[0]?.options.signal.aborted, true, "the index's work is cancelled");
            assert.equal(engine.requests.length, 0);
            assert.equal(posted("turnEnded")[0]?.stopReason, "abort");
            assert.equal(posted("turnFailed").length, 0);
            assert.equal(controller.isRunning, false);
            // Nothing was found, so Regenerate searches again.
            retriever.hang = false;
            await controller.regenerate();
            assert.equal(retriever.calls.length, 2);
            assert.equal(controller.currentChat?.turns[0]?.attachments.length, 3);
        });
    }

    it("with no workspace to search, the turn is answered without it and says why in one line", async () => {
        retriever.failure = "No folder is open, so there is no workspace to search.";
        const controller = make();
        await controller.initialize();
        await controller.send("@workspace where?", [], {workspace: true});
        assert.deepEqual(posted("turnNotice").map((message) => message.text), ["Answered without workspace code: No folder is open, so there is no workspace to search."]);
        assert.equal(posted("turnFailed").length, 0);
        assert.equal(posted("turnEnded")[0]?.stopReason, "eos");
        assert.equal(lastPrompt(), "where?", "no files and no citation instruction");
        // The notice is part of the saved turn.
        toChat = [];
        presenter.chatViewReady();
        assert.equal(posted("init")[0]?.current?.turns[0]?.notice, "Answered without workspace code: No folder is open, so there is no workspace to search.");
        // A folder opened since: Regenerate searches again.
        retriever.failure = undefined;
        await controller.regenerate();
        assert.equal(retriever.calls.length, 2);
        assert.match(lastPrompt(), /src\/f2\.ts/);
        assert.equal(controller.currentChat?.turns[0]?.notice, undefined);
    });

    it("without a retriever (no index in this window) the turn is answered and says so", async () => {
        const controller = make(false);
        await controller.initialize();
        await controller.send("Where?", [], {workspace: true});
        assert.deepEqual(posted("turnNotice").map((message) => message.text), ["Answered without workspace code: workspace search is not available in this window."]);
        assert.equal(posted("turnEnded")[0]?.stopReason, "eos");
        assert.equal(engine.requests.length, 1);
    });

    it("an empty result is said too, and is not searched again", async () => {
        retriever.chunks = [];
        const controller = make();
        await controller.initialize();
        await controller.send("Where?", [], {workspace: true});
        assert.deepEqual(posted("turnNotice").map((message) => message.text), ["The workspace search found no code for this question."]);
        await controller.regenerate();
        assert.equal(retriever.calls.length, 1);
    });

    it("Regenerate reuses the chunks found before: same prompt, no second search", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("Where?", [], {workspace: true});
        const first = lastPrompt();
        retriever.chunks = [chunk(7)];
        await controller.regenerate();
        assert.equal(retriever.calls.length, 1);
        assert.equal(lastPrompt(), first);
        assert.equal(controller.currentChat?.turns.length, 1);
        assert.equal(controller.currentChat?.turns[0]?.attachments.length, 3);
    });

    it("dropping a chunk answers the last turn again without it; only the last turn's workspace chunks can be dropped", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("First?", [{kind: "selection", label: "a.ts:1-1", fileName: "a.ts", startLine: 1, endLine: 1, content: "x()"}], {workspace: true});
        const first = controller.currentChat?.turns[0];
        assert.ok(first);
        assert.equal(await controller.dropSource(first.id, 0), false, "the selection is not a workspace chunk");
        assert.equal(await controller.dropSource(first.id, 9), false, "no such attachment");
        assert.equal(engine.requests.length, 1);

        assert.equal(await controller.dropSource(first.id, 2), true);
        const turn = controller.currentChat?.turns[0];
        assert.notEqual(turn?.id, first.id);
        assert.ok(posted("turnStarted").some((message) => message.replaces === first.id));
        assert.deepEqual(turn?.attachments.map((attachment) => attachment.label), ["a.ts:1-1", "src/f0.ts:1-10", "src/f2.ts:21-30"]);
        assert.equal(engine.requests.length, 2);
        assert.doesNotMatch(lastPrompt(), /src\/f1\.ts/);
        assert.match(lastPrompt(), /src\/f2\.ts/);
        assert.equal(retriever.calls.length, 1, "dropping does not search again");

        // Dropping every chunk does not search again either.
        for (const index of [2, 1]) assert.equal(await controller.dropSource(controller.currentChat?.turns[0]?.id ?? "", index), true);
        assert.equal(retriever.calls.length, 1);
        assert.doesNotMatch(lastPrompt(), /Cite the files/);

        await controller.send("Second?", []);
        const older = controller.currentChat?.turns[0]?.id ?? "";
        assert.equal(await controller.dropSource(older, 0), false, "an earlier turn cannot be redone");
    });

    it("resolves a turn's source to its file and lines, and nothing for attachments without a file", async () => {
        const controller = make();
        await controller.initialize();
        await controller.send("Where?", [{kind: "selection", label: "a.ts:1-1", fileName: "a.ts", startLine: 1, endLine: 1, content: "x()"}], {workspace: true});
        const turnId = controller.currentChat?.turns[0]?.id ?? "";
        assert.deepEqual(controller.source(turnId, 2), {uri: "file:///ws/src/f1.ts", startLine: 11, endLine: 20});
        assert.equal(controller.source(turnId, 0), undefined, "a selection has no file to open");
        assert.equal(controller.source(turnId, 4), undefined);
        assert.equal(controller.source("not-a-turn", 1), undefined);
    });
});
