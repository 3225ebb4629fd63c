import assert from "node:assert/strict";
import {existsSync} from "node:fs";
import {mkdtemp, rm, utimes, writeFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {EngineClient, type EngineClientOptions, type EngineState} from "../../src/engine/client";
import {EngineError} from "../../src/engine/errors";

/** The real model process server with a fake backend (no node-llama-cpp); see the file for its commands. */
const fakeEngine = fileURLToPath(new URL("../fixtures/fakeEngine.ts", import.meta.url));

interface Made {
    client: EngineClient;
    states: EngineState[];
    logs: Array<{at: number; line: string}>;
    /** The windows count of every onDidChangeSharing, in order. */
    sharing: number[];
}

const ask = (client: EngineClient, content: string, signal?: AbortSignal, onText?: (text: string) => void) =>
    client.chat({messages: [{role: "user", content}]}, {signal, onEvent: (event) => onText?.(event.text)});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<EngineError> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
        assert.equal(error.code, code, error.message);
        return error;
    }
    assert.fail(`expected a ${code} rejection`);
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Polls `condition` until it holds, or fails after `ms` saying what was awaited. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await condition())) {
        if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe("EngineClient (against the real model process server with a fake backend)", function () {
    this.timeout(30_000);
    let runtimeDir: string;
    let made: Made[];
    /** Every model process a client started or connected to, killed after the test if still running. */
    let pids: Set<number>;

    /** Two windows on one process, each with the same model, each having asked once. */
    async function twoWindowsAsked(): Promise<{a: Made; b: Made; pid: number}> {
        const a = makeClient();
        const b = makeClient();
        a.client.configure({modelPath: "/models/a.gguf"});
        b.client.configure({modelPath: "/models/a.gguf"});
        await ask(a.client, "a");
        await ask(b.client, "b");
        return {a, b, pid: a.client.workerPid as number};
    }

    function makeClient(overrides: Partial<EngineClientOptions> = {}): Made {
        const states: EngineState[] = [];
        const logs: Made["logs"] = [];
        const sharing: number[] = [];
        const client = new EngineClient({
            workerPath: fakeEngine,
            execArgv: ["--import", "tsx"],
            runtimeDir,
            requestTimeoutMs: 10_000,
            cancelGraceMs: 300,
            backoff: {initialMs: 50, maxMs: 200, healthyAfterMs: 60_000},
            log: (level, message) => {
                logs.push({at: Date.now(), line: `${level}: ${message}`});
                // Every process a client starts, even one that loses a start race and has not exited yet.
                const started = /^Started the model process \(pid (\d+)\)/.exec(message);
                if (started) pids.add(Number(started[1]));
            },
            ...overrides
        });
        client.onDidChangeState((state) => states.push(state));
        client.onDidChangeSharing((windows) => {
            sharing.push(windows);
            if (client.workerPid !== undefined) pids.add(client.workerPid);
        });
        const entry = {client, states, logs, sharing};
        made.push(entry);
        return entry;
    }

    beforeEach(async () => {
        runtimeDir = await mkdtemp(path.join(os.tmpdir(), "enclave-client-test-"));
        made = [];
        pids = new Set();
    });
    afterEach(async () => {
        for (const {client} of made) if (client.workerPid !== undefined) pids.add(client.workerPid);
        await Promise.all(made.map(({client}) => client.shutdown()));
        // A shared process outlives its clients (it exits when idle): end the ones this test started.
        for (const pid of pids) if (alive(pid)) process.kill(pid, "SIGKILL");
        await waitFor("the test's model processes are gone", () => [...pids].every((pid) => !alive(pid)));
        await rm(runtimeDir, {recursive: true, force: true});
    });

    describe("one client", () => {
        let client: EngineClient;
        let states: EngineState[];
        let logs: Made["logs"];

        beforeEach(() => {
            ({client, states, logs} = makeClient());
        });

        it("starts no process until the first request, then loads the configured model", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            assert.equal(client.workerPid, undefined);
            assert.equal(existsSync(path.join(runtimeDir, "secret")), false, "nothing was created before the first request");
            const result = await ask(client, "hi");
            assert.equal(result.answer, "echo: hi");
            assert.ok(client.workerPid);
            assert.equal(client.runtimeDir, runtimeDir);
            assert.deepEqual(states.map((state) => state.kind), ["loading", "loading", "ready"]);
            assert.deepEqual(states[1], {kind: "loading", modelPath: "/models/a.gguf", fraction: 0.5}, "load progress reaches the state");
            assert.ok(logs.some(({line}) => line === "info: fake engine: loading /models/a.gguf"), "the model process's log lines reach the host log");
        });

        it("a file that crashed the process while loading is named, and not loaded again until it changes", async () => {
            const file = path.join(runtimeDir, "abort-on-load.gguf");
            await writeFile(file, "GGUF");
            client.configure({modelPath: file});
            const first = await rejectsWith(ask(client, "hi"), "EngineCrashed");
            assert.match(first.message, /crashed \(SIGABRT\) while loading abort-on-load\.gguf: the file is damaged/);

            const again = await rejectsWith(ask(client, "hi"), "CorruptModel");
            assert.match(again.message, /crashed \(SIGABRT\) while loading abort-on-load\.gguf last time/);
            assert.equal(client.workerPid, undefined, "a process was started for a file known to crash it");
            assert.equal(states.at(-1)?.kind, "error");

            // A changed file (here: a newer modification time) is tried again.
            const later = new Date(Date.now() + 10_000);
            await utimes(file, later, later);
            await rejectsWith(ask(client, "hi"), "EngineCrashed");

            client.configure({modelPath: "/models/b.gguf"});
            assert.equal((await ask(client, "hi")).answer, "echo: hi", "another model loads after the crash");
        });

        it("fails with NoModelConfigured when no model is set, without starting a process", async () => {
            await rejectsWith(ask(client, "hi"), "NoModelConfigured");
            assert.equal(client.workerPid, undefined);
        });

        it("reports a load error in the state and stays usable", async () => {
            client.configure({modelPath: "/models/missing.gguf"});
            await rejectsWith(ask(client, "hi"), "ModelNotFound");
            assert.equal(client.state.kind, "error");
            client.configure({modelPath: "/models/a.gguf"});
            assert.equal((await ask(client, "again")).answer, "echo: again");
            assert.equal(client.state.kind, "ready");
        });

        it("shares one load between concurrent requests", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            const [a, b] = await Promise.all([ask(client, "a"), ask(client, "b")]);
            assert.equal(a.answer, "echo: a");
            assert.equal(b.answer, "echo: b");
            const info = await client.info();
            assert.equal(info?.loadMs, 1, "the fake engine counts loads in loadMs");
        });

        it("streams events in order before the result", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            let text = "";
            const result = await ask(client, "stream 5", undefined, (chunk) => (text += chunk));
            assert.equal(text, "xxxxx");
            assert.equal(result.answer, "xxxxx");
            assert.equal(result.stopReason, "eos");
        });

        it("turns an abort into a cancel and keeps the partial result", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            const controller = new AbortController();
            let seen = 0;
            const result = await ask(client, "stream 1000", controller.signal, () => {
                if (++seen === 3) controller.abort();
            });
            assert.equal(result.stopReason, "abort");
            assert.ok(result.answer.length >= 3 && result.answer.length < 20, `partial answer kept: ${result.answer.length} chars`);
        });

        it("fails an aborted request whose process never answers, after the grace period", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await client.ensureModel();
            const controller = new AbortController();
            const pending = ask(client, "ignore cancel", controller.signal);
            setTimeout(() => controller.abort(), 50);
            const started = Date.now() + 50;
            await rejectsWith(pending, "Aborted");
            const elapsed = Date.now() - started;
            assert.ok(elapsed >= 290 && elapsed < 2_000, `waited for the 300 ms grace period, not longer (${elapsed} ms)`);
            assert.equal((await ask(client, "still there")).answer, "echo: still there", "the process goes on serving");
        });

        it("times out a request that gets no answer", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await client.ensureModel();
            const error = await rejectsWith(client.chat({messages: [{role: "user", content: "hang"}]}, {timeoutMs: 200}), "Timeout");
            assert.match(error.message, /did not answer/);
        });

        it("setTimeouts: requests sent afterwards get the new timeout, without a new client", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await client.ensureModel();
            client.setTimeouts({requestTimeoutMs: 200});
            const started = Date.now();
            const error = await rejectsWith(client.chat({messages: [{role: "user", content: "hang"}]}), "Timeout");
            assert.match(error.message, /did not answer/);
            assert.ok(Date.now() - started < 5_000, `failed after the new 200 ms, not the client's 10 s (${Date.now() - started} ms)`);
        });

        it("rejects in-flight requests with EngineCrashed when the process dies, then restarts and reloads", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await ask(client, "warm up");
            const firstPid = client.workerPid as number;
            let streamed = 0;
            const inFlight = ask(client, "stream 1000", undefined, () => streamed++);
            await waitFor("the answer streams", () => streamed > 0);
            process.kill(firstPid, "SIGKILL");
            const error = await rejectsWith(inFlight, "EngineCrashed");
            assert.match(error.message, /SIGKILL/);
            assert.equal(client.state.kind, "error");

            const next = await ask(client, "after");
            assert.equal(next.answer, "echo: after");
            assert.notEqual(client.workerPid, firstPid);
            assert.equal(client.state.kind, "ready");
        });

        it("backs off when the process keeps dying: the first restart at once, later ones after a growing wait", async () => {
            const initialMs = 300;
            ({client, states, logs} = makeClient({backoff: {initialMs, maxMs: 5_000, healthyAfterMs: 60_000}}));
            client.configure({modelPath: "/models/exit-on-load.gguf"});
            const starts = () => logs.filter(({line}) => line.startsWith("info: Started the model process")).map(({at}) => at);
            const failedAt: number[] = [];
            for (let attempt = 0; attempt < 3; attempt++) {
                const error = await rejectsWith(client.ensureModel(), "EngineCrashed");
                assert.match(error.message, /exited with code 3/);
                failedAt.push(Date.now());
            }
            const [, second, third] = starts();
            assert.equal(starts().length, 3, "one process per attempt");
            assert.ok((second as number) - (failedAt[0] as number) < initialMs, `the first restart waited ${(second as number) - (failedAt[0] as number)} ms`);
            assert.ok((third as number) - (failedAt[1] as number) >= initialMs - 5, `the second restart waited only ${(third as number) - (failedAt[1] as number)} ms`);

            client.configure({modelPath: "/models/a.gguf"});
            assert.equal((await ask(client, "alive")).answer, "echo: alive");
        });

        it("rejects malformed results and drops malformed events", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            const bad = await rejectsWith(ask(client, "bad result"), "Internal");
            assert.match(bad.message, /malformed chat result/);
            const events: string[] = [];
            await ask(client, "bad event", undefined, (text) => events.push(text));
            assert.deepEqual(events, []);
            assert.ok(logs.some(({line}) => line.includes("malformed chat event")));
        });

        it("loads another model in the same process when the model changes", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await ask(client, "a");
            const firstPid = client.workerPid;
            client.configure({modelPath: "/models/b.gguf"});
            await ask(client, "b");
            assert.equal(client.workerPid, firstPid, "the shared process stays; only the model changes");
            assert.equal(client.state.kind === "ready" && client.state.info.modelPath, "/models/b.gguf");
            assert.equal((await client.info())?.modelPath, "/models/b.gguf");
        });

        it("loads the chat model without a completion sequence when a separate completion model is set, and again with one when it is removed", async () => {
            client.configure({modelPath: "/models/chat.gguf"});
            client.configureCompletion({modelPath: "/models/coder.gguf"});
            const info = await client.ensureModel();
            assert.deepEqual(info.sequences, ["chat", "review"]);
            client.configureCompletion(undefined);
            assert.equal(client.isModelLoaded("chat"), false, "the chat model lacks the completion sequence completions now need");
            const reloaded = await client.ensureModel();
            assert.deepEqual(reloaded.sequences, ["chat", "completion", "review"]);
            assert.equal(client.isModelLoaded("chat"), true);
        });

        it("a load refused for memory carries the smaller context that fits; Load Anyway loads it past the refusal", async () => {
            client.configure({modelPath: "/models/too-large.gguf"});
            const refused = await rejectsWith(client.ensureModel(), "InsufficientMemory");
            assert.equal(refused.smallerContextSize, 2048);
            assert.equal(client.state.kind, "error");
            await client.loadAnyway();
            const info = await client.ensureModel();
            assert.equal(info.fit, "loaded anyway", "the load went past the refusal");
            assert.equal(states.at(-1)?.kind, "ready");
        });

        it("shutdown of a shared client only disconnects: the process goes on; later use fails clearly", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await ask(client, "a");
            const pid = client.workerPid as number;
            const pending = rejectsWith(ask(client, "hang"), "Disposed");
            await client.shutdown();
            await pending;
            assert.equal(client.workerPid, undefined);
            assert.ok(alive(pid), "the shared process outlives the window that started it");
            await rejectsWith(ask(client, "after"), "Disposed");

            const {client: next} = makeClient();
            await next.request("status", {});
            assert.equal(next.workerPid, pid, "the next window finds the same process");
        });

        it("unload() ends the process (exit), which is not a crash; the next request starts a new one", async () => {
            client.configure({modelPath: "/models/a.gguf"});
            await ask(client, "a");
            const pid = client.workerPid as number;
            await client.unload();
            assert.equal(client.state.kind, "notLoaded");
            assert.equal(client.workerPid, undefined);
            await waitFor("the process has exited", () => !alive(pid));
            assert.ok(!states.some((state) => state.kind === "error"), "an unload is reported as a crash");
            assert.ok(!logs.some(({line}) => line.startsWith("error:")), `an error was logged: ${logs.map(({line}) => line).join("\n")}`);

            assert.equal((await ask(client, "again")).answer, "echo: again");
            assert.notEqual(client.workerPid, pid);
            assert.equal(client.state.kind, "ready");
        });

        it("stopIfUnused ends a process that holds no model and serves nobody else, and leaves one that does", async () => {
            await client.request("status", {});
            const other = makeClient().client;
            await other.request("status", {});
            const pid = client.workerPid as number;
            await client.stopIfUnused();
            assert.ok(alive(pid), "another window uses it");
            await other.shutdown();
            await waitFor("the other window has left", async () => (await client.processStatus())?.clients === 1);
            client.configure({modelPath: "/models/a.gguf"});
            await client.ensureModel();
            await client.stopIfUnused();
            assert.ok(alive(pid), "it holds a model");
            await client.request("unload", {model: "chat"});
            await client.stopIfUnused();
            await waitFor("the unused process has exited", () => !alive(pid));
        });
    });

    it("a private process is this client's own and is stopped, with its folder, on shutdown", async () => {
        const {client} = makeClient({processScope: "private"});
        client.configure({modelPath: "/models/a.gguf"});
        await ask(client, "a");
        const pid = client.workerPid as number;
        const dir = client.runtimeDir;
        assert.notEqual(dir, runtimeDir);
        assert.equal(path.dirname(dir), runtimeDir, "a fresh folder inside the given one");
        const {client: shared} = makeClient();
        await shared.request("status", {});
        assert.notEqual(shared.workerPid, pid, "a shared client does not find a private process");

        const pending = rejectsWith(ask(client, "hang"), "Disposed");
        await client.shutdown();
        await pending;
        assert.equal(alive(pid), false, "the private process is gone when shutdown resolves");
        assert.equal(existsSync(dir), false, "its folder is removed");
    });

    it("an idle process says bye and exits: the state is notLoaded, not error, and the next request starts a new process", async () => {
        const {client, states, logs} = makeClient({idleExitMs: 400});
        client.configure({modelPath: "/models/a.gguf"});
        await ask(client, "a");
        const pid = client.workerPid as number;
        await waitFor("the idle process is gone", () => !alive(pid));
        await waitFor("the state is notLoaded", () => client.state.kind === "notLoaded");
        assert.equal(client.workerPid, undefined);
        assert.deepEqual(states.map((state) => state.kind), ["loading", "loading", "ready", "notLoaded"], "no error on the way");
        assert.ok(logs.some(({line}) => line.includes("exited (unused for a while)")), "the log says why");

        assert.equal((await ask(client, "b")).answer, "echo: b");
        assert.notEqual(client.workerPid, pid);
        assert.equal(client.state.kind, "ready");
    });

    it("sharedWindows and onDidChangeSharing follow other windows connecting and leaving; a CLI run is no window", async () => {
        const a = makeClient();
        a.client.configure({modelPath: "/models/a.gguf"});
        await ask(a.client, "a");
        assert.equal(a.client.sharedWindows, 1);

        const b = makeClient();
        await b.client.request("status", {});
        assert.equal(b.client.workerPid, a.client.workerPid, "the second window uses the first one's process");
        assert.equal(b.client.sharedWindows, 2);
        await waitFor("the first window hears of the second", () => a.client.sharedWindows === 2);

        const cli = makeClient({clientKind: "cli"});
        const status = await cli.client.request("status", {});
        assert.equal(status.windows, 2);
        assert.equal(status.clients, 3);
        assert.deepEqual(status.models.map(({modelPath, users}) => ({modelPath, users})), [{modelPath: "/models/a.gguf", users: 1}]);

        await b.client.shutdown();
        assert.equal(b.client.sharedWindows, 0);
        await waitFor("the first window hears that the second left", () => a.client.sharedWindows === 1);
        await cli.client.shutdown();
        await waitFor("the CLI run has left", async () => (await a.client.processStatus())?.clients === 1);
        assert.deepEqual(a.sharing, [1, 2, 1], "one change event per change of windows");
    });

    it("Unload Model in one window ends the process for all: another window's request fails as Aborted, not a crash, and it restarts on demand", async () => {
        const {a, b, pid} = await twoWindowsAsked();

        const inFlight = rejectsWith(ask(b.client, "hang"), "Aborted");
        await a.client.unload();
        const error = await inFlight;
        assert.match(error.message, /unloaded/);
        await waitFor("the other window's state is notLoaded", () => b.client.state.kind === "notLoaded");
        assert.ok(!b.states.some((state) => state.kind === "error"), "the other window saw an error");

        assert.equal((await ask(b.client, "again")).answer, "echo: again");
        assert.notEqual(b.client.workerPid, pid);
    });

    it("a crash of the shared process fails every window's request as EngineCrashed; two windows restarting at once start one process", async () => {
        const {a, b, pid} = await twoWindowsAsked();
        assert.equal(b.client.workerPid, pid);
        let streamed = 0;
        const inA = rejectsWith(ask(a.client, "stream 1000", undefined, () => streamed++), "EngineCrashed");
        const inB = rejectsWith(ask(b.client, "stream 1000", undefined, () => streamed++), "EngineCrashed");
        await waitFor("both answers stream", () => streamed >= 2);
        process.kill(pid, "SIGKILL");
        assert.match((await inA).message, /killed \(SIGKILL\)/, "the window that started it knows how it ended");
        assert.match((await inB).message, /stopped unexpectedly/);
        assert.equal(b.client.state.kind, "error");

        const [afterA, afterB] = await Promise.all([ask(a.client, "after a"), ask(b.client, "after b")]);
        assert.equal(afterA.answer, "echo: after a");
        assert.equal(afterB.answer, "echo: after b");
        assert.ok(a.client.workerPid !== undefined && a.client.workerPid !== pid);
        assert.equal(b.client.workerPid, a.client.workerPid, "both windows are on one new process");
        assert.equal((await a.client.processStatus())?.clients, 2);
    });

    it("embeds any number of texts in requests of at most 64, in order, and needs no loaded model", async () => {
        const {client, logs} = makeClient();
        client.configureEmbedding("/models/embedding.gguf");
        const texts = Array.from({length: 70}, (_, i) => (i % 2 === 0 ? "aaaa" : "xyz"));
        const vectors = await client.embed(texts, "document");
        assert.equal(vectors.length, 70);
        // The fake's first dimension is the vowel share: 1 for "aaaa", 0 for "xyz" (unit vectors [1,1]/√2 and [0,1]).
        vectors.forEach((vector, i) => assert.ok(Math.abs((vector[0] ?? -1) - (i % 2 === 0 ? Math.SQRT1_2 : 0)) < 1e-6, `vector ${i}`));
        const requests = logs.map(({line}) => /embed request \d+ with (\d+) texts/.exec(line)?.[1]).filter((count) => count !== undefined);
        assert.deepEqual(requests, ["64", "6"]);
        assert.ok(!logs.some(({line}) => line.includes("fake engine: loading")), "no chat model was loaded for it");
        client.configureEmbedding(undefined);
        await rejectsWith(client.embed(["x"], "query"), "NoModelConfigured");
    });
});
