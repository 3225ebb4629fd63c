// Several clients (windows) on ONE shared model process, completing on the chat model: each keeps
// its own completion sequence, so its KV cache survives the others' typing; a client beyond the pool
// takes the least recently used sequence (that client's cache is lost), a disconnected client's
// sequence goes to the next newcomer; and a completion does not wait behind another client's chat.
import assert from "node:assert/strict";
import {mkdtemp, rm} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type {EngineClient} from "../../src/engine/client";
import type {CompleteResult, LoadParams} from "../../src/engine/protocol";
import {completionPoolSize} from "../../src/models/sequences";
import {scriptedModel} from "../models/scripted";
import {startClient} from "./harness";

/** Waits until `condition` holds, polling; fails after `timeoutMs`. */
async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

/**
 * A file of its own per client: ~60 lines that start with `name`, so two clients' prompts (names
 * with different first letters) share nothing but BOS.
 */
function fileOf(name: string): string {
    return Array.from({length: 60}, (_, line) => `${name}_${line} = ${name.length * 1000 + line * 7}; // ${name} line ${line}\n`).join("");
}

describe("completion sequences: one per client on a shared model process", function () {
    this.timeout(180_000);
    let runtimeDir: string;
    let params: LoadParams;
    const clients: EngineClient[] = [];

    /** A client (window) of the shared process in `runtimeDir`, with the chat model (which then serves completions) configured. */
    async function window(): Promise<EngineClient> {
        const {client} = startClient({processScope: "shared", runtimeDir, clientKind: "window"});
        clients.push(client);
        client.configure(params);
        await client.ensureModel();
        return client;
    }

    /** A completion at the end of `file` + `typed`; asserts the scripted answer and returns the result. */
    async function type(client: EngineClient, file: string, typed: string): Promise<CompleteResult> {
        // The line being typed: never a bare newline, after which the scripted model would start a thought.
        const result = await client.complete({prefix: `${file}run${typed}`, maxTokens: 16});
        assert.equal(result.text, "console.log(42);\n}");
        return result;
    }

    /** Most of the prompt came from the sequence's cache: only the newly typed tail was evaluated. */
    const reusedMost = (result: CompleteResult): boolean => result.reusedTokens >= result.promptTokens - 10;
    /** The cache held nothing of this prompt (at most BOS): the sequence was someone else's. */
    const reusedNothing = (result: CompleteResult): boolean => result.reusedTokens <= 1;

    before(async () => {
        runtimeDir = await mkdtemp(path.join(os.tmpdir(), "enclave-sequences-"));
        // The answer never ends (" la" forever): a chat streams until it is stopped.
        params = {modelPath: await scriptedModel({answerLoop: true}), threads: 1, contextSize: 8192};
    });

    after(async () => {
        // Ends the shared process for everyone, then each client lets go.
        await clients[0]?.unload().catch(() => undefined);
        for (const client of clients) await client.shutdown();
        await rm(runtimeDir, {recursive: true, force: true});
    });

    it("the chat model has chat, review and a pool of completion sequences, and every window shares the one process and copy", async () => {
        const first = await window();
        const second = await window();
        assert.equal(first.workerPid, second.workerPid, "one model process");
        const info = await first.ensureModel();
        assert.deepEqual(info.sequences, ["chat", ...Array<string>(completionPoolSize.chat).fill("completion"), "review"]);
        const status = await first.processStatus();
        assert.equal(status?.models.length, 1, "one loaded copy of the model");
        assert.equal(status?.models[0]?.users, 2);
    });

    it("two windows typing alternately in different files each keep their KV cache", async () => {
        const [a, b] = clients as [EngineClient, EngineClient];
        const fileA = fileOf("alpha");
        const fileB = fileOf("beta");
        const firstA = await type(a, fileA, "");
        const firstB = await type(b, fileB, "");
        assert.ok(firstA.promptTokens > 500 && firstB.promptTokens > 500, `prompts of ${firstA.promptTokens} and ${firstB.promptTokens} tokens`);
        let typedA = "";
        let typedB = "";
        for (const key of ["f", "u", "n"]) {
            typedA += key;
            const nextA = await type(a, fileA, typedA);
            assert.ok(reusedMost(nextA), `A's keystroke ${typedA}: reused ${nextA.reusedTokens} of ${nextA.promptTokens}`);
            typedB += key;
            const nextB = await type(b, fileB, typedB);
            assert.ok(reusedMost(nextB), `B's keystroke ${typedB}: reused ${nextB.reusedTokens} of ${nextB.promptTokens}`);
        }
    });

    it("a window beyond the pool takes the least recently used sequence; a disconnected window's goes to the next newcomer", async () => {
        assert.equal(completionPoolSize.chat, 2, "the steps below are written for a pool of two");
        const [a, b] = clients as [EngineClient, EngineClient];
        const files = {a: fileOf("gamma"), b: fileOf("delta"), c: fileOf("epsilon"), d: fileOf("zeta")};
        await type(a, files.a, "");
        await type(b, files.b, "");
        // B used its sequence last: the third window takes A's.
        const c = await window();
        assert.ok(reusedNothing(await type(c, files.c, "")));
        const bAgain = await type(b, files.b, "x");
        assert.ok(reusedMost(bAgain), `B kept its cache: reused ${bAgain.reusedTokens} of ${bAgain.promptTokens}`);
        const aAgain = await type(a, files.a, "x");
        assert.ok(reusedNothing(aAgain), `A's sequence went to the third window: reused ${aAgain.reusedTokens}`);
        // A took C's (least recently used) back. B types once more, so A's is now the least recently used…
        await type(b, files.b, "xy");
        // …but B's window closes: the next window gets B's freed sequence, not A's.
        const clientsBefore = (await a.processStatus())?.clients ?? 0;
        await b.shutdown();
        await until(async () => ((await a.processStatus())?.clients ?? 0) === clientsBefore - 1, "the model process saw B's window go");
        const d = await window();
        assert.ok(reusedNothing(await type(d, files.d, "")));
        const aKept = await type(a, files.a, "xy");
        assert.ok(reusedMost(aKept), `A kept its cache past the newcomer: reused ${aKept.reusedTokens} of ${aKept.promptTokens}`);
        await c.shutdown();
        await d.shutdown();
    });

    it("a completion in one window finishes while another window's long chat answer is still streaming", async () => {
        const chatWindow = await window();
        const typingWindow = clients[0] as EngineClient;
        const stop = new AbortController();
        let answerChunks = 0;
        let chatSettled = false;
        const chat = chatWindow
            .chat({messages: [{role: "user", content: "Talk for a long time."}], thoughtBudget: 0, maxTokens: 100_000}, {
                signal: stop.signal,
                onEvent: (event) => {
                    if (event.kind === "answer") answerChunks++;
                }
            })
            .finally(() => {
                chatSettled = true;
            });
        await until(() => answerChunks >= 5, "the chat answer streams");

        const completion = await type(typingWindow, fileOf("eta"), "");
        assert.equal(chatSettled, false, "the chat is still streaming when the completion is done");
        const chunksAtCompletion = answerChunks;
        await until(() => answerChunks > chunksAtCompletion, "the chat goes on streaming after the completion");
        assert.ok(completion.promptTokens > 500);

        stop.abort();
        const answer = await chat;
        assert.equal(answer.stopReason, "abort");
        assert.match(answer.answer, /^Hello!( la)+/);
        await chatWindow.shutdown();
    });
});
