import assert from "node:assert/strict";
import {mkdtemp, readdir, readFile, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {ChatHistoryStore} from "../../../src/chat/historyStore";
import type {Chat} from "../../../src/chat/types";

const chat = (id: string, updatedAt: number): Chat => ({
    id,
    title: `chat ${id}`,
    createdAt: 1,
    updatedAt,
    turns: [{id: "t1", userText: "hi", attachments: [], thought: "hm", answer: "hello"}]
});

describe("chat history store", () => {
    let dir: string;
    beforeEach(async () => {
        dir = await mkdtemp(join(tmpdir(), "enclave-history-"));
    });
    afterEach(() => rm(dir, {recursive: true, force: true}));

    it("saves and loads chats, newest first, and deletes them", async () => {
        const store = new ChatHistoryStore(dir);
        await store.save(chat("a", 10));
        await store.save(chat("b", 20));
        const {chats, problems} = await new ChatHistoryStore(dir).loadAll();
        assert.deepEqual(chats.map((c) => c.id), ["b", "a"]);
        assert.deepEqual(problems, []);
        assert.equal(chats[0]?.turns[0]?.answer, "hello");
        await store.delete("a");
        assert.deepEqual((await store.loadAll()).chats.map((c) => c.id), ["b"]);
    });

    it("writes atomically: no temp files remain and a rewrite replaces the whole file", async () => {
        const store = new ChatHistoryStore(dir);
        await store.save(chat("a", 10));
        await store.save({...chat("a", 30), title: "renamed"});
        assert.deepEqual(await readdir(dir), ["a.json"]);
        assert.equal((JSON.parse(await readFile(join(dir, "a.json"), "utf8")) as Chat).title, "renamed");
    });

    it("sets a corrupt file aside, reports it, and keeps the other chats", async () => {
        const store = new ChatHistoryStore(dir);
        await store.save(chat("good", 10));
        await writeFile(join(dir, "bad.json"), "{ not json");
        await writeFile(join(dir, "wrong.json"), JSON.stringify({id: "wrong", hello: 1}));
        const {chats, problems} = await store.loadAll();
        assert.deepEqual(chats.map((c) => c.id), ["good"]);
        assert.equal(problems.length, 2);
        const files = await readdir(dir);
        assert.ok(files.some((name) => name.startsWith("bad.json.corrupt-")));
        assert.ok(files.some((name) => name.startsWith("wrong.json.corrupt-")));
        assert.equal((await store.loadAll()).problems.length, 0, "reported once, then out of the way");
    });

    it("checks each turn with the chat view's schemas: a turn with an unknown stop reason is set aside, the valid ones stay", async () => {
        const valid = (id: string) => ({id, userText: `q ${id}`, attachments: [], thought: "", answer: `a ${id}`, stopReason: "eos", stats: {thoughtTokens: 1, answerTokens: 2, elapsedMs: 3, thoughtCutByBudget: false}});
        const saved = {id: "mixed", title: "Mixed", createdAt: 1, updatedAt: 2, turns: [valid("t1"), {...valid("t2"), stopReason: "contextFull"}, valid("t3")]};
        await writeFile(join(dir, "mixed.json"), JSON.stringify(saved));
        const store = new ChatHistoryStore(dir);
        const {chats, problems} = await store.loadAll();
        assert.deepEqual(chats[0]?.turns.map((turn) => turn.id), ["t1", "t3"]);
        assert.equal(problems.length, 1);
        assert.deepEqual(problems[0]?.partial, {title: "Mixed", kept: 2, setAside: 1});
        assert.match(problems[0]?.reason ?? "", /turn 2: .*stopReason/);
        // The file as it was is kept whole; the chat is saved with its valid turns, so it is reported once.
        const aside = (await readdir(dir)).find((name) => name.startsWith("mixed.json.invalid-turns-"));
        assert.ok(aside, "set aside");
        assert.deepEqual(JSON.parse(await readFile(join(dir, aside), "utf8")), saved);
        const again = await store.loadAll();
        assert.deepEqual(again.problems, []);
        assert.deepEqual(again.chats[0]?.turns.map((turn) => turn.id), ["t1", "t3"]);
    });

    it("refuses ids that could escape the folder", async () => {
        const store = new ChatHistoryStore(dir);
        await assert.rejects(store.save(chat("../evil", 1)), /Invalid chat id/);
        await assert.rejects(store.delete("../../etc"), /Invalid chat id/);
    });
});
