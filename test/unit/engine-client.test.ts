import assert from "node:assert/strict";
import {mkdtemp, rm, utimes, writeFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {EngineClient, type EngineState} from "../../src/engine/client";
import {EngineError} from "../../src/engine/errors";

const fakeWorker = fileURLToPath(new URL("../fixtures/fake-worker.mjs", import.meta.url));

function makeClient(overrides: Partial<ConstructorParameters<typeof EngineClient>[0]> = {}): {client: EngineClient; states: EngineState[]; logs: string[]} {
    const states: EngineState[] = [];
    const logs: string[] = [];
    const client = new EngineClient({
        workerPath: fakeWorker,
        requestTimeoutMs: 5_000,
        cancelGraceMs: 300,
        backoff: {initialMs: 50, maxMs: 200, healthyAfterMs: 60_000},
        log: (level, message) => logs.push(`${level}: ${message}`),
        ...overrides
    });
    client.onDidChangeState((state) => states.push(state));
    return {client, states, logs};
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

describe("EngineClient (against a fake worker)", function () {
    this.timeout(20_000);
    let client: EngineClient;
    let states: EngineState[];
    let logs: string[];

    beforeEach(() => {
        ({client, states, logs} = makeClient());
    });
    afterEach(async () => {
        await client.shutdown();
    });

    it("starts no process until the first request, then loads the configured model", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        assert.equal(client.workerPid, undefined);
        const result = await ask(client, "hi");
        assert.equal(result.answer, "echo: hi");
        assert.ok(client.workerPid);
        assert.deepEqual(states.map((state) => state.kind), ["loading", "loading", "ready"]);
        assert.ok(logs.some((line) => line.includes("fake worker up")), "worker logs reach the host log");
    });

    it("a file that crashed the process while loading is named, and not loaded again until it changes", async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), "enclave-crashed-"));
        try {
            const file = path.join(dir, "abort-on-load.gguf");
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
        } finally {
            await rm(dir, {recursive: true, force: true});
        }
    });

    it("fails with NoModelConfigured when no model is set", async () => {
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
        assert.equal(info?.loadMs, 1, "the fake worker counts loads in loadMs");
    });

    it("streams events as an async iterable", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        const stream = client.stream("chat", {messages: [{role: "user", content: "stream 5"}]});
        let text = "";
        for await (const event of stream.events) text += event.text;
        assert.equal(text, "xxxxx");
        assert.equal((await stream.result).answer, "xxxxx");
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

    it("fails an aborted request whose worker never answers, after the grace period", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await client.ensureModel();
        const controller = new AbortController();
        const started = Date.now();
        const pending = ask(client, "ignore cancel", controller.signal);
        setTimeout(() => controller.abort(), 50);
        await rejectsWith(pending, "Aborted");
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 300 && elapsed < 2_000, `waited for the 300 ms grace period, not longer (${elapsed} ms)`);
    });

    it("times out a request that gets no answer", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await client.ensureModel();
        const error = await rejectsWith(client.chat({messages: [{role: "user", content: "hang"}]}, {timeoutMs: 200}), "Timeout");
        assert.match(error.message, /did not answer/);
    });

    it("rejects in-flight requests with EngineCrashed when the worker dies, then restarts and reloads", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await ask(client, "warm up");
        const firstPid = client.workerPid;
        const inFlight = ask(client, "stream 1000");
        await new Promise((resolve) => setTimeout(resolve, 50));
        process.kill(firstPid as number, "SIGKILL");
        const error = await rejectsWith(inFlight, "EngineCrashed");
        assert.match(error.message, /SIGKILL/);
        assert.equal(client.state.kind, "error");

        const next = await ask(client, "after");
        assert.equal(next.answer, "echo: after");
        assert.notEqual(client.workerPid, firstPid);
        assert.equal(client.state.kind, "ready");
    });

    it("backs off when the worker keeps dying", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await rejectsWith(ask(client, "crash"), "EngineCrashed");
        await rejectsWith(ask(client, "crash"), "EngineCrashed");
        const started = Date.now();
        await rejectsWith(ask(client, "crash"), "EngineCrashed");
        assert.ok(Date.now() - started >= 40, "the third start waited for the backoff");
        assert.equal((await ask(client, "alive")).answer, "echo: alive");
    });

    it("rejects malformed results and drops malformed events", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await rejectsWith(ask(client, "bad result"), "Internal");
        const events: string[] = [];
        await ask(client, "bad event", undefined, (text) => events.push(text));
        assert.deepEqual(events, []);
        assert.ok(logs.some((line) => line.includes("malformed chat event")));
    });

    it("restarts the worker when the model changes", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await ask(client, "a");
        const firstPid = client.workerPid;
        client.configure({modelPath: "/models/b.gguf"});
        await ask(client, "b");
        assert.notEqual(client.workerPid, firstPid);
        assert.equal(client.state.kind === "ready" && client.state.info.modelPath, "/models/b.gguf");
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

    it("shuts the worker down and waits for it; later use fails clearly", async () => {
        client.configure({modelPath: "/models/a.gguf"});
        await ask(client, "a");
        const pid = client.workerPid as number;
        const pending = rejectsWith(ask(client, "hang"), "Disposed");
        await new Promise((resolve) => setTimeout(resolve, 50));
        await client.shutdown();
        await pending;
        assert.throws(() => process.kill(pid, 0), "the worker process is gone");
        await rejectsWith(ask(client, "after"), "Disposed");
    });
});
