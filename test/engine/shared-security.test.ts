/**
 * Nobody but its user gets into the shared model process: the modes of its folder and files, the
 * handshake (no secret, a wrong secret, no hello at all), the size limit per message, a second OS
 * user, and the confinement of the paths a client sends to the models folder and to files the
 * client could read itself.
 */
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync, chmodSync} from "node:fs";
import {join} from "node:path";
import {EngineError} from "../../src/engine/errors";
import type {LoadParams} from "../../src/engine/protocol";
import {readOrCreateSecret} from "../../src/engine/server/runtimeDir";
import {scriptedModel} from "../models/scripted";
import {ensureOtherUser, otherUserName as otherUser, runJsonAs, type OsUser} from "../support/otherUser";
import {rejection} from "./harness";
import {RawConnection, SharedRuntime, eventually} from "./sharedProcess";

const ask = (content: string) => ({messages: [{role: "user" as const, content}]});
const isRoot = process.getuid?.() === 0;


/** Run as the other user: tries to connect to the socket and to read the secret, and prints what each gave. */
const intruderScript = `
const net = require("node:net");
const fs = require("node:fs");
const [socketPath, secretPath] = [process.env.TARGET_SOCKET, process.env.TARGET_SECRET];
let secret;
try { fs.readFileSync(secretPath, "utf8"); secret = "read"; } catch (error) { secret = error.code; }
const socket = net.createConnection(socketPath);
socket.once("connect", () => { console.log(JSON.stringify({socket: "connected", secret})); socket.destroy(); });
socket.once("error", (error) => console.log(JSON.stringify({socket: error.code, secret})));
`;

function runAs(user: OsUser, env: Record<string, string>): Promise<{socket: string; secret: string}> {
    return runJsonAs(user, ["-e", intruderScript], {cwd: "/", env});
}

describe("shared model process: security", function () {
    this.timeout(60_000);
    let runtime: SharedRuntime;

    beforeEach(() => {
        runtime = new SharedRuntime();
    });
    afterEach(() => runtime.dispose());

    /** A client connected to a started process (no model is needed for these tests). */
    async function started() {
        const client = runtime.client();
        const status = await client.request("status", {});
        return {client, pid: status.pid};
    }

    it("the folder is 0700, the socket and the secret 0600, all the user's own", async () => {
        await started();
        const mode = (path: string) => statSync(path).mode & 0o777;
        assert.equal(mode(runtime.dir).toString(8), "700");
        assert.ok(statSync(runtime.paths.socketPath).isSocket());
        assert.equal(mode(runtime.paths.socketPath).toString(8), "600");
        assert.equal(mode(runtime.paths.secretPath).toString(8), "600");
        assert.equal(mode(runtime.paths.logPath).toString(8), "600");
        for (const path of [runtime.dir, runtime.paths.socketPath, runtime.paths.secretPath]) assert.equal(statSync(path).uid, process.getuid?.());
    });

    it("a connection without the secret, or with a wrong one, is refused, closed and logged", async () => {
        const {client} = await started();
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
            ["no secret", {type: "hello", protocolVersion: (await client.processStatus())?.protocolVersion, client: {kind: "other", pid: process.pid}}, /its first message was not a hello/],
            ["an empty secret", {type: "hello", secret: "", protocolVersion: (await client.processStatus())?.protocolVersion, client: {kind: "other", pid: process.pid}}, /did not present the secret/],
            ["a wrong secret", {type: "hello", secret: "0".repeat(64), protocolVersion: (await client.processStatus())?.protocolVersion, client: {kind: "other", pid: process.pid}}, /did not present the secret/]
        ];
        for (const [what, hello, reason] of cases) {
            const intruder = await RawConnection.open(runtime.paths.socketPath);
            intruder.send(hello);
            const answer = (await intruder.next(`the answer to ${what}`)) as {type: string; reason: string};
            assert.equal(answer.type, "refused", `${what}: ${JSON.stringify(answer)}`);
            assert.match(answer.reason, reason, what);
            await intruder.whenClosed();
            // Nothing it sends afterwards is served: the socket is closed.
            assert.ok(intruder.socket.destroyed || intruder.closed);
        }
        await eventually(() => (runtime.processLog().match(/Refused a connection: it did not present the secret/g) ?? []).length === 2, "both wrong secrets are in the process log");
        assert.match(runtime.processLog(), /Refused a connection: its first message was not a hello/);
        // The real client is still served.
        assert.equal((await client.processStatus())?.clients, 1);
    });

    it("a request before the hello is refused, and a connection that never says hello is closed", async () => {
        const {client} = await started();
        const eager = await RawConnection.open(runtime.paths.socketPath);
        eager.send({type: "request", id: 1, method: "status", params: {}});
        assert.equal(((await eager.next("the refusal")) as {type: string}).type, "refused");
        await eager.whenClosed();

        const silent = await RawConnection.open(runtime.paths.socketPath);
        await silent.whenClosed(10_000);
        assert.deepEqual(silent.messages, [], "it was told nothing");
        await eventually(() => /Closed a connection that sent no hello in time/.test(runtime.processLog()), "the silent connection is in the log");
        assert.equal((await client.processStatus())?.clients, 1);
    });

    it("an oversized message closes that connection while other clients keep being served", async () => {
        const client = runtime.client();
        client.configure({modelPath: await scriptedModel({answerLoop: true}), contextSize: 4096});
        let events = 0;
        const controller = new AbortController();
        const streaming = client.chat(ask("Talk forever."), {signal: controller.signal, onEvent: () => events++});
        await eventually(() => events >= 5, "the client is streaming");
        const pid = client.workerPid;

        const secret = await readOrCreateSecret(runtime.paths.secretPath);
        const big = await RawConnection.open(runtime.paths.socketPath);
        big.hello(secret);
        assert.equal(((await big.next("the welcome")) as {type: string}).type, "welcome");
        // A header announcing 3 GiB: refused before any of it is buffered.
        const header = Buffer.alloc(4);
        header.writeUInt32BE(3 * 1024 ** 3, 0);
        big.socket.write(header);
        big.socket.write(Buffer.alloc(64 * 1024, 0x20));
        await big.whenClosed();

        const eventsAtClose = events;
        await eventually(() => events > eventsAtClose + 5, "the other client's chat keeps streaming");
        controller.abort();
        assert.equal((await streaming).stopReason, "abort");
        assert.equal(client.workerPid, pid);
        assert.equal((await client.complete({prefix: "a("})).text, "console.log(42);\n}");
    });

    it(isRoot ? `a second OS user (${otherUser}, made with useradd) can neither connect nor read the secret` : "a second OS user cannot connect (skipped: creating one with useradd needs root)", async function () {
        if (!isRoot) {
            console.log("    skipped: the second-user test creates an OS user with useradd, which needs root; this run is not root.");
            this.skip();
        }
        const user = ensureOtherUser();
        const {client} = await started();
        const env = {TARGET_SOCKET: runtime.paths.socketPath, TARGET_SECRET: runtime.paths.secretPath};
        assert.deepEqual(await runAs(user, env), {socket: "EACCES", secret: "EACCES"});
        // Even with the folder opened up, the socket's own mode keeps the other user out.
        chmodSync(runtime.dir, 0o711);
        try {
            assert.deepEqual(await runAs(user, env), {socket: "EACCES", secret: "EACCES"});
        } finally {
            chmodSync(runtime.dir, 0o700);
        }
        assert.equal((await client.processStatus())?.clients, 1, "the owner is still served");
    });

    describe("paths from a client", function () {
        let modelsDir: string;
        let outside: string;
        let good: LoadParams;

        beforeEach(async () => {
            modelsDir = join(runtime.dir, "models");
            mkdirSync(join(modelsDir, ".downloads", "partial-1"), {recursive: true, mode: 0o700});
            writeFileSync(join(modelsDir, ".downloads", "partial-1", "model.gguf.ipull"), "partial");
            writeFileSync(join(modelsDir, "kept.gguf"), "GGUF");
            outside = join(runtime.dir, "outside.gguf");
            writeFileSync(outside, "GGUF");
            good = {modelPath: await scriptedModel(), contextSize: 4096};
        });

        it("deleteModel of a path outside the models folder is refused (OutsideModelsFolder) and deletes nothing", async () => {
            const client = runtime.client();
            for (const entryPath of [outside, join(modelsDir, "..", "outside.gguf"), join(modelsDir, ".downloads", "partial-1", "model.gguf.ipull")]) {
                const result = await client.deleteModel(modelsDir, entryPath);
                assert.equal(result.ok, false, entryPath);
                assert.equal(!result.ok && result.error.code, "OutsideModelsFolder", entryPath);
                assert.match(!result.ok ? result.error.message : "", /is not in the models folder/);
            }
            assert.ok(existsSync(outside));
            assert.ok(existsSync(join(modelsDir, ".downloads", "partial-1", "model.gguf.ipull")));
        });

        it("discardPartialDownload with '..' (or any id the folder does not list) is refused and removes nothing", async () => {
            const client = runtime.client();
            for (const id of ["..", "../..", "../models", "partial-1/..", "/"]) {
                const result = await client.discardPartialDownload(modelsDir, id);
                assert.equal(result.ok, false, id);
                assert.equal(!result.ok && result.error.code, "NotFound", id);
            }
            assert.deepEqual(readdirSync(modelsDir).sort(), [".downloads", "kept.gguf"]);
            assert.ok(existsSync(join(modelsDir, ".downloads", "partial-1", "model.gguf.ipull")));
            assert.ok(existsSync(outside));
            assert.deepEqual(await client.discardPartialDownload(modelsDir, "partial-1"), {ok: true}, "a listed id is removed");
        });

        it("loading a file that does not exist fails with a sentence naming it, and the process keeps serving", async () => {
            const client = runtime.client();
            const pid = (await client.request("status", {})).pid;
            const missing = join(modelsDir, "missing.gguf");
            client.configure({modelPath: missing});
            const notFound = await rejection(client.chat(ask("hi")), EngineError);
            assert.equal(notFound.code, "ModelNotFound", notFound.message);
            assert.ok(notFound.message.includes(missing), notFound.message);

            assert.equal((await client.request("status", {})).pid, pid, "the process did not go down");
            client.configure(good);
            assert.equal((await client.chat(ask("hi"))).answer, "Hello!");
            assert.equal(client.workerPid, pid);
        });

        it("loading a file the client cannot read fails with a sentence naming it, and the process keeps serving", async function () {
            const unreadable = join(modelsDir, "unreadable.gguf");
            if (isRoot) {
                // Root reads every file whatever its mode; a write-only kernel attribute, which not even root can open for reading, stands in.
                const writeOnly = findWriteOnlyFile();
                if (writeOnly === undefined) {
                    console.log("    skipped: running as root, and no write-only file in /sys stands in for an unreadable one.");
                    this.skip();
                }
                symlinkSync(writeOnly, unreadable);
            } else {
                writeFileSync(unreadable, "GGUF");
                chmodSync(unreadable, 0o000);
            }
            const client = runtime.client();
            const pid = (await client.request("status", {})).pid;
            client.configure({modelPath: unreadable});
            const denied = await rejection(client.chat(ask("hi")), EngineError);
            assert.equal(denied.code, "ModelNotFound", `${denied.code}: ${denied.message} (${denied.detail ?? ""})`);
            assert.match(denied.message, /unreadable\.gguf cannot be read: Enclave has no permission to open it/);
            assert.equal((await client.request("status", {})).pid, pid, "the process did not go down");
            client.configure(good);
            assert.equal((await client.chat(ask("hi"))).answer, "Hello!");
        });
    });
});

/** A regular file in /sys that only accepts writes (opening it for reading fails even for root). */
function findWriteOnlyFile(): string | undefined {
    // find reports the folders it may not enter and exits non-zero; what it printed still counts.
    const found = spawnSync("find", ["/sys/devices", "-maxdepth", "3", "-type", "f", "-perm", "0200"], {encoding: "utf8"});
    return found.stdout.split("\n").find((line) => line !== "");
}
