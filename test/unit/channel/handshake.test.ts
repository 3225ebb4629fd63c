import assert from "node:assert/strict";
import {spawn, type ChildProcess} from "node:child_process";
import {existsSync} from "node:fs";
import {lstat, mkdtemp, readFile, rm} from "node:fs/promises";
import {createConnection} from "node:net";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {SocketTransport} from "../../../src/engine/channel/transport";
import {protocolVersion} from "../../../src/engine/protocol";
import type {Hello} from "../../../src/engine/server/handshake";
import {runtimePaths, type RuntimePaths} from "../../../src/engine/server/runtimeDir";
import {waitFor} from "./socketPair";

const fakeEngine = fileURLToPath(new URL("../../fixtures/fakeEngine.ts", import.meta.url));

type Message = {type: string} & Record<string, unknown>;

/** Connects, sends `first` and `then`, and collects what comes back until the server closes or `enough` holds. */
async function exchange(socketPath: string, first: unknown, then: unknown[], enough: (answers: Message[]) => boolean): Promise<{answers: Message[]; closedByServer: boolean}> {
    const socket = createConnection(socketPath);
    await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("error", reject);
    });
    const transport = new SocketTransport(socket);
    const answers: Message[] = [];
    let closed = false;
    transport.onMessage((message) => answers.push(message as Message));
    transport.onClose(() => (closed = true));
    transport.send(first);
    for (const message of then) transport.send(message);
    // A welcomed client stays connected: stop once the answers it needs are in.
    await waitFor("the server answered", () => closed || enough(answers));
    const closedByServer = closed;
    transport.close();
    return {answers, closedByServer};
}

describe("the model process's handshake (real EngineServer, fake backend)", function () {
    this.timeout(20_000);
    let dir: string;
    let paths: RuntimePaths;
    let child: ChildProcess;
    let stderr: string;
    let secret: string;

    before(async function () {
        if (process.platform === "win32") this.skip(); // Unix socket modes
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-handshake-test-"));
        paths = runtimePaths(path.join(dir, "run"), protocolVersion);
        stderr = "";
        child = spawn(process.execPath, ["--import", "tsx", fakeEngine, "--runtime-dir", paths.dir], {stdio: ["ignore", "ignore", "pipe"]});
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        await waitFor("the process listens", () => stderr.includes("listening on"), 15_000);
        secret = (await readFile(paths.secretPath, "utf8")).trim();
    });
    after(async () => {
        child?.kill("SIGKILL");
        if (dir) await rm(dir, {recursive: true, force: true});
    });

    const hello = (overrides: Partial<Hello> = {}): Hello => ({type: "hello", secret, protocolVersion, client: {kind: "other", pid: process.pid}, ...overrides});

    it("listens on a 0600 socket in a 0700 folder, beside a 0600 secret", async () => {
        assert.equal((await lstat(paths.dir)).mode & 0o777, 0o700);
        const socket = await lstat(paths.socketPath);
        assert.ok(socket.isSocket());
        assert.equal(socket.mode & 0o777, 0o600);
        assert.equal((await lstat(paths.secretPath)).mode & 0o777, 0o600);
    });

    it("welcomes a client with the secret and this protocol version, then serves its requests", async () => {
        const {answers, closedByServer} = await exchange(paths.socketPath, hello(), [{type: "request", id: 1, method: "status", params: {}}], (got) => got.some(({type}) => type === "result"));
        assert.equal(closedByServer, false);
        assert.deepEqual(answers[0], {type: "welcome", protocolVersion, pid: child.pid, windows: 0});
        const result = answers.find(({type}) => type === "result") as {result: {pid: number; clients: number}} | undefined;
        assert.equal(result?.result.pid, child.pid);
        assert.equal(result?.result.clients, 1);
    });

    for (const [what, first, reason] of [
        ["a wrong secret", () => hello({secret: "0".repeat(64)}), /it did not present the secret/],
        ["no secret", () => hello({secret: ""}), /it did not present the secret/],
        ["another protocol version", () => hello({protocolVersion: "14"}), new RegExp(`it speaks protocol 14, this process ${protocolVersion}`)],
        ["a request before any hello", () => ({type: "request", id: 1, method: "status", params: {}}), /its first message was not a hello/]
    ] as const) {
        it(`refuses ${what}, says why, logs it, and serves nothing`, async () => {
            const {answers, closedByServer} = await exchange(paths.socketPath, first(), [{type: "request", id: 2, method: "status", params: {}}], () => false);
            assert.equal(closedByServer, true, "the server closed the connection");
            assert.equal(answers.length, 1, `only the refusal: ${JSON.stringify(answers)}`);
            assert.equal(answers[0]?.type, "refused");
            assert.match(String(answers[0]?.reason), reason);
            await waitFor("the refusal is in the process's log", () => stderr.split("\n").some((line) => line.includes("Refused a connection:") && reason.test(line)));
        });
    }

    it("does not give up its socket to a second process started on the same folder", async () => {
        const second = spawn(process.execPath, ["--import", "tsx", fakeEngine, "--runtime-dir", paths.dir], {stdio: ["ignore", "ignore", "pipe"]});
        let log = "";
        second.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString("utf8")));
        const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
        assert.equal(code, 0);
        assert.match(log, /Another fake engine already serves this folder/);
        assert.ok(existsSync(paths.socketPath), "the first process's socket is still there");
        const {answers} = await exchange(paths.socketPath, hello(), [], (got) => got.length > 0);
        assert.equal(answers[0]?.pid, child.pid, "the first process still answers");
    });
});
