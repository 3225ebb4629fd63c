/**
 * The shared model process on the real built worker: several clients (windows) on one process and
 * one loaded copy of a model, side-by-side models, a SIGKILL mid-generation, the restart race, the
 * idle exit and a process of an older protocol version beside a new one.
 */
import assert from "node:assert/strict";
import {spawn} from "node:child_process";
import {existsSync, mkdtempSync, openSync, closeSync, rmSync} from "node:fs";
import {dirname, join} from "node:path";
import * as esbuild from "esbuild";
import type {EngineClient} from "../../src/engine/client";
import {EngineError} from "../../src/engine/errors";
import {protocolVersion, type LoadParams} from "../../src/engine/protocol";
import {readOrCreateSecret, runtimePaths} from "../../src/engine/server/runtimeDir";
import {scriptedModel} from "../models/scripted";
import {rejection, workerPath} from "./harness";
import {RawConnection, SharedRuntime, countLines, eventually, isAlive, processesOf} from "./sharedProcess";

const ask = (content: string) => ({messages: [{role: "user" as const, content}]});
const loadedLine = /Loaded chat model/;

describe("shared model process: clients, crashes, idle exit, versions", function () {
    this.timeout(60_000);
    let runtime: SharedRuntime;
    let model: LoadParams;
    let endless: LoadParams;

    before(async () => {
        model = {modelPath: await scriptedModel(), contextSize: 4096};
        endless = {modelPath: await scriptedModel({answerLoop: true}), contextSize: 4096};
    });
    beforeEach(() => {
        runtime = new SharedRuntime();
    });
    afterEach(() => runtime.dispose());

    /** `count` clients with `params` configured, each having answered once. */
    async function clients(count: number, params: LoadParams): Promise<EngineClient[]> {
        const list = Array.from({length: count}, () => runtime.client());
        for (const client of list) client.configure(params);
        // The first one starts the process; the rest connect at once, while it loads.
        const answers = await Promise.all(list.map((client) => client.chat(ask("hi"))));
        for (const answer of answers) assert.equal(answer.answer, "Hello!");
        return list;
    }

    it("two, then four clients share one process and one loaded copy of the model", async () => {
        const two = await clients(2, model);
        const pid = two[0]?.workerPid;
        assert.ok(pid !== undefined);
        assert.equal(two[1]?.workerPid, pid);
        let status = await two[1]?.processStatus();
        assert.deepEqual(status?.models.map(({modelPath, users}) => ({modelPath, users})), [{modelPath: model.modelPath, users: 2}]);
        assert.equal(status?.windows, 2);

        const four = [...two, ...(await clients(2, model))];
        for (const client of four) assert.equal(client.workerPid, pid, "every client is on the first process");
        status = await four[3]?.processStatus();
        assert.equal(status?.pid, pid);
        assert.equal(status?.windows, 4);
        assert.deepEqual(status?.models.map(({modelPath, users}) => ({modelPath, users})), [{modelPath: model.modelPath, users: 4}]);
        await eventually(() => four.every((client) => client.sharedWindows === 4), "every client was told that 4 windows share the process");
        assert.equal(countLines(runtime.processLog(), loadedLine), 1, `the model loaded once:\n${runtime.processLog()}`);
        assert.deepEqual(processesOf(runtime.dir), [pid], "one model process runs");
        // The handshake's messages are not handed on to the RPC layer set up by them.
        const malformed = [...runtime.processLog().split("\n"), ...runtime.logs.flat()].filter((line) => /malformed/i.test(line));
        assert.deepEqual(malformed, [], "no side saw a malformed message");
    });

    it("closing the client that started the process changes nothing for the others", async () => {
        const [starter, other] = await clients(2, model);
        assert.ok(starter && other);
        const pid = other.workerPid;
        assert.ok(pid !== undefined);
        await starter.shutdown();
        await eventually(() => other.sharedWindows === 1, "the other client was told it is alone");
        assert.ok(isAlive(pid), "the process outlives the client that started it");
        assert.equal((await other.chat(ask("still there?"))).answer, "Hello!");
        assert.equal(other.workerPid, pid);
        const status = await other.processStatus();
        assert.deepEqual(status?.models.map(({users}) => users), [1]);
        assert.equal(countLines(runtime.processLog(), loadedLine), 1, "nothing was loaded again");
    });

    it("two clients with different models get both, side by side", async () => {
        const other = {modelPath: await scriptedModel({emitThinkOpen: false, thought: "Let me see.", answer: "Done."}), contextSize: 4096};
        const first = runtime.client();
        const second = runtime.client();
        first.configure(model);
        second.configure(other);
        const [a, b] = await Promise.all([first.chat(ask("hi")), second.chat(ask("hi"))]);
        assert.equal(a.answer, "Hello!");
        assert.equal(b.answer, "Done.");
        assert.equal(first.workerPid, second.workerPid);
        const status = await first.processStatus();
        assert.deepEqual(
            status?.models.map(({modelPath, users}) => ({modelPath, users})).sort((x, y) => x.modelPath.localeCompare(y.modelPath)),
            [{modelPath: model.modelPath, users: 1}, {modelPath: other.modelPath, users: 1}].sort((x, y) => x.modelPath.localeCompare(y.modelPath))
        );
        // Each keeps its own model afterwards.
        assert.equal((await first.chat(ask("again"))).answer, "Hello!");
        assert.equal((await second.chat(ask("again"))).answer, "Done.");
    });

    it("a SIGKILL while two clients stream fails every request in flight with EngineCrashed; the next request of each succeeds", async () => {
        const [a, b] = [runtime.client(), runtime.client()];
        for (const client of [a, b]) client.configure(endless);
        // A streams a chat answer, B an endless completion (the model's chat sequence serves one chat
        // at a time, so B's own chat waits behind A's — in flight too when the process dies).
        let chatEvents = 0;
        let completionEvents = 0;
        const chatA = a.chat(ask("Talk forever."), {onEvent: () => chatEvents++});
        await eventually(() => chatEvents >= 5, "A is streaming");
        const completionB = b.complete({prefix: "<｜begin▁of▁sentence｜><｜User｜>Talk.<｜Assistant｜>", specialTokens: true, maxTokens: 100_000}, {onEvent: () => completionEvents++});
        const queuedChatB = b.chat(ask("Me too."));
        await eventually(() => completionEvents >= 5, "B is streaming");
        const pid = a.workerPid;
        assert.ok(pid !== undefined);
        assert.equal(b.workerPid, pid);
        const before = {chatEvents, completionEvents};
        await eventually(() => chatEvents > before.chatEvents && completionEvents > before.completionEvents, "both still stream side by side");
        process.kill(pid, "SIGKILL");
        const errors = await Promise.all([chatA, completionB, queuedChatB].map((request) => rejection(request, EngineError)));
        for (const error of errors) assert.equal(error.code, "EngineCrashed", error.message);
        for (const client of [a, b]) {
            await eventually(() => client.state.kind === "error", "the client's state says the process crashed");
            assert.equal(client.state.kind === "error" && client.state.error.code, "EngineCrashed");
        }
        for (const client of [a, b]) assert.equal((await client.complete({prefix: "a("})).text, "console.log(42);\n}");
        assert.notEqual(a.workerPid, pid);
        assert.equal(a.workerPid, b.workerPid, "both are back on one process");
        assert.ok([a, b].every((client) => client.state.kind === "ready"));
    });

    it("restart race: after a kill, two clients asking at once both end up on the same new process, and only one runs", async () => {
        const both = await clients(2, model);
        const pid = both[0]?.workerPid;
        assert.ok(pid !== undefined);
        assert.deepEqual(processesOf(runtime.dir), [pid], "one model process runs before the kill");
        process.kill(pid, "SIGKILL");
        await eventually(() => both.every((client) => client.state.kind === "error"), "both clients saw the crash");
        const startsBefore = runtime.logs.map((log) => log.filter((line) => line.includes("Started the model process")).length);
        const answers = await Promise.all(both.map((client) => client.chat(ask("again"))));
        for (const answer of answers) assert.equal(answer.answer, "Hello!");
        const startsAfter = runtime.logs.map((log) => log.filter((line) => line.includes("Started the model process")).length);
        assert.deepEqual(startsAfter.map((count, index) => count - (startsBefore[index] ?? 0)), [1, 1], "both clients found no process and started one: a real race");
        const newPid = both[0]?.workerPid;
        assert.ok(newPid !== undefined && newPid !== pid);
        assert.equal(both[1]?.workerPid, newPid, "both on the same new process");
        // A second process may have been started by the race; it must find the winner and exit.
        await eventually(() => processesOf(runtime.dir).length === 1, "only one model process runs");
        assert.deepEqual(processesOf(runtime.dir), [newPid]);
        const status = await both[1]?.processStatus();
        assert.deepEqual(status?.models.map(({users}) => users), [2], "one copy of the model, for both");
    });

    it("idle exit: the process exits by itself, removes its socket, the client is notLoaded, and the next request starts a new one", async () => {
        const client = runtime.client({idleExitMs: 1_500});
        client.configure(model);
        assert.equal((await client.chat(ask("hi"))).answer, "Hello!");
        const pid = client.workerPid;
        assert.ok(pid !== undefined);
        assert.ok(existsSync(runtime.paths.socketPath));
        await eventually(() => !isAlive(pid), "the idle process exited", 15_000);
        assert.ok(!existsSync(runtime.paths.socketPath), "its socket file is removed");
        await eventually(() => client.state.kind === "notLoaded", `the client's state is notLoaded (it is ${client.state.kind})`);
        assert.match(runtime.processLog(), /Model process exiting \(idle\)/);

        assert.equal((await client.chat(ask("hi again"))).answer, "Hello!");
        assert.ok(client.workerPid !== undefined && client.workerPid !== pid, "a new process serves it");
        assert.equal(client.state.kind, "ready");
    });

    describe("a model process of an older protocol version", function () {
        let oldDir: string;
        let oldWorker: string;

        before(async () => {
            // Inside dist/ (ignored by git), so that node-llama-cpp resolves from the repository's node_modules.
            const root = dirname(dirname(workerPath));
            oldDir = mkdtempSync(join(dirname(workerPath), "old-worker-"));
            oldWorker = join(oldDir, "worker.mjs");
            await esbuild.build({
                entryPoints: {worker: join(root, "src/engine/worker/main.ts")},
                outdir: oldDir,
                outExtension: {".js": ".mjs"},
                bundle: true,
                platform: "node",
                target: "node20",
                format: "esm",
                external: ["node-llama-cpp", "@node-llama-cpp/*"],
                define: {ENCLAVE_PROTOCOL_VERSION_OVERRIDE: '"old-test"'},
                logLevel: "silent"
            });
        });
        after(() => rmSync(oldDir, {recursive: true, force: true}));

        it("new clients start their own process; the old one finishes its work for its own version, refuses the new one and exits when idle", async () => {
            const oldPaths = runtimePaths(runtime.dir, "old-test");
            const log = openSync(oldPaths.logPath, "a", 0o600);
            const old = spawn(process.execPath, [oldWorker, "--runtime-dir", runtime.dir, "--idle-exit-ms", "1500"], {stdio: ["ignore", log, log]});
            closeSync(log);
            const oldPid = old.pid;
            assert.ok(oldPid !== undefined);
            const oldExited = new Promise<number | null>((resolve) => old.once("exit", (code) => resolve(code)));
            await eventually(() => existsSync(oldPaths.socketPath), "the old process listens");

            // An older window, still at work: a chat that streams until it is cancelled (a request in flight keeps a process up).
            const secret = await readOrCreateSecret(runtime.paths.secretPath);
            const oldWindow = await RawConnection.open(oldPaths.socketPath);
            oldWindow.hello(secret, "old-test");
            assert.deepEqual(await oldWindow.next("the welcome"), {type: "welcome", protocolVersion: "old-test", pid: oldPid, windows: 0});
            oldWindow.send({type: "request", id: 1, method: "load", params: endless});
            assert.equal((await oldWindow.answer(1)).type, "result");
            oldWindow.send({type: "request", id: 2, method: "chat", params: ask("Talk forever.")});
            await eventually(() => oldWindow.eventsOf(2) >= 5, "the old process streams its chat");

            const client = runtime.client();
            client.configure(model);
            assert.equal((await client.chat(ask("hi"))).answer, "Hello!");
            const newPid = client.workerPid;
            assert.ok(newPid !== undefined && newPid !== oldPid, "the new client started a process of its own version");
            assert.equal((await client.processStatus())?.protocolVersion, protocolVersion);

            const newcomer = await RawConnection.open(oldPaths.socketPath);
            newcomer.hello(secret);
            const refused = (await newcomer.next("the refusal")) as {type: string; reason: string};
            assert.equal(refused.type, "refused");
            assert.ok(refused.reason.includes(`speaks protocol ${protocolVersion}`) && refused.reason.includes("old-test"), `both versions named: ${refused.reason}`);
            await newcomer.whenClosed();

            const streamed = oldWindow.eventsOf(2);
            await eventually(() => oldWindow.eventsOf(2) > streamed, "the old process's chat still streams");
            oldWindow.send({type: "cancel", id: 2});
            const finished = await oldWindow.answer(2);
            assert.equal(finished.type, "result", JSON.stringify(finished));
            assert.equal((finished.result as {stopReason: string}).stopReason, "abort");
            oldWindow.close();
            assert.equal(await oldExited, 0, "the old process exits on its idle time");
            assert.ok(!existsSync(oldPaths.socketPath));
            assert.match(runtime.processLog(oldPaths), /Model process exiting \(idle\)/);
            assert.equal((await client.chat(ask("still here"))).answer, "Hello!", "the new process is unaffected");
            assert.equal(client.workerPid, newPid);
        });
    });
});
