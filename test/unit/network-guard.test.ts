// The test network guard (test/support/network-guard.cjs): loopback keeps working; a public address
// or a host name is refused before anything leaves the machine. "Before anything leaves" is shown
// directly: the refusal is synchronous (or an already-rejected promise), and the real
// net.Socket#connect underneath the guard is never called. No test here waits for a timeout.
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {createServer, type Server} from "node:http";
import * as http from "node:http";
import * as https from "node:https";
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import tls from "node:tls";
import * as guard from "../support/network-guard.cjs";

const BLOCKED = {code: "ENCLAVE_NETWORK_BLOCKED"};
type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

describe("network guard", function () {
    // Every refusal is immediate; a slow test here would mean a real connection attempt.
    this.timeout(5000);

    let server: Server;
    let port = 0;
    let scratch = "";
    let logFile = "";
    let previousLog: string | undefined;
    const realConnects: string[] = [];
    let realConnect: Connect;

    before(async () => {
        // Re-install the guard over a spy, so the tests can see whether the real connect ran.
        guard.uninstall();
        realConnect = Reflect.get(net.Socket.prototype, "connect") as Connect;
        Reflect.set(net.Socket.prototype, "connect", function spy(this: net.Socket, ...args: unknown[]) {
            realConnects.push(JSON.stringify(args[0]));
            return realConnect.apply(this, args);
        });
        guard.install();
        previousLog = process.env.ENCLAVE_NETWORK_GUARD_LOG;
        scratch = mkdtempSync(join(tmpdir(), "enclave-guard-test-"));
        logFile = join(scratch, "violations.log");
        process.env.ENCLAVE_NETWORK_GUARD_LOG = logFile;
        server = createServer((_request, response) => response.end("local"));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const address = server.address();
        port = typeof address === "object" && address ? address.port : 0;
    });

    after(async () => {
        guard.uninstall();
        Reflect.set(net.Socket.prototype, "connect", realConnect);
        if (previousLog === undefined) delete process.env.ENCLAVE_NETWORK_GUARD_LOG;
        else process.env.ENCLAVE_NETWORK_GUARD_LOG = previousLog;
        await new Promise((resolve) => server.close(resolve));
        rmSync(scratch, {recursive: true, force: true});
        // Leave the process guarded if the runner started it guarded (npm test's NODE_OPTIONS).
        if ((process.env.NODE_OPTIONS ?? "").includes("network-guard.cjs")) guard.install();
    });

    beforeEach(() => {
        realConnects.length = 0;
    });

    it("lets loopback HTTP through, by address and by the name localhost", async () => {
        for (const host of ["127.0.0.1", "localhost"]) {
            const body = await new Promise<string>((resolve, reject) => {
                http.get({host, port}, (response) => {
                    let text = "";
                    response.on("data", (chunk: Buffer) => (text += chunk.toString()));
                    response.on("end", () => resolve(text));
                }).on("error", reject);
            });
            assert.equal(body, "local");
        }
        assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "local");
        assert.ok(realConnects.length >= 3, "loopback connections reach the real connect");
    });

    it("resolves localhost (from /etc/hosts, no DNS server)", async () => {
        const {address} = await dns.promises.lookup("localhost");
        assert.ok(guard.isLoopbackHost(address));
    });

    it("refuses 1.1.1.1 on every TCP path before the real connect", async () => {
        assert.throws(() => net.connect(443, "1.1.1.1"), BLOCKED);
        assert.throws(() => net.createConnection({host: "1.1.1.1", port: 80}), BLOCKED);
        assert.throws(() => new net.Socket().connect(53, "1.1.1.1"), BLOCKED);
        assert.throws(() => tls.connect(443, "1.1.1.1"), BLOCKED);
        assert.throws(() => http.get("http://1.1.1.1/"), BLOCKED);
        assert.throws(() => https.request({host: "1.1.1.1", port: 443}), BLOCKED);
        await assert.rejects(fetch("https://1.1.1.1/"), (error: Error) => (error.cause as {code?: string}).code === BLOCKED.code);
        assert.deepEqual(realConnects, []);
    });

    it("refuses host names other than localhost before any DNS query", async () => {
        assert.throws(() => dns.lookup("example.com", () => undefined), BLOCKED);
        await assert.rejects(dns.promises.lookup("example.com"), BLOCKED);
        assert.throws(() => dns.resolve4("example.com", () => undefined), BLOCKED);
        await assert.rejects(dns.promises.resolve("example.com"), BLOCKED);
        await assert.rejects(new dns.promises.Resolver().resolve6("example.com"), BLOCKED);
        assert.throws(() => net.connect(80, "example.com"), BLOCKED);
        assert.throws(() => https.get("https://example.com/"), BLOCKED);
        await assert.rejects(fetch("https://example.com/"), (error: Error) => (error.cause as {code?: string}).code === BLOCKED.code);
        assert.deepEqual(realConnects, []);
    });

    it("refuses UDP to a public address", () => {
        const socket = dgram.createSocket("udp4");
        try {
            assert.throws(() => socket.send("x", 53, "1.1.1.1"), BLOCKED);
            assert.throws(() => socket.connect(53, "1.1.1.1"), BLOCKED);
        } finally {
            socket.close();
        }
    });

    it("allows Unix sockets", async () => {
        const path = join(scratch, "s.sock");
        const unix = net.createServer((socket) => socket.end("unix"));
        await new Promise<void>((resolve) => unix.listen(path, resolve));
        try {
            const text = await new Promise<string>((resolve, reject) => {
                const client = net.connect(path);
                client.on("data", (chunk: Buffer) => resolve(chunk.toString()));
                client.on("error", reject);
            });
            assert.equal(text, "unix");
        } finally {
            await new Promise((resolve) => unix.close(resolve));
        }
    });

    it("records each refusal as a JSON line with a stack", () => {
        assert.throws(() => net.connect(443, "203.0.113.7"), BLOCKED);
        const records = readFileSync(logFile, "utf8").trim().split("\n").map((line) => JSON.parse(line) as {kind: string; target: string; stack: string[]});
        const last = records.at(-1);
        assert.equal(last?.kind, "connect");
        assert.equal(last?.target, "203.0.113.7:443");
        assert.ok(last.stack.some((frame) => frame.includes("network-guard.test")));
    });

    it("classifies addresses", () => {
        for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LOCALHOST.", "app.localhost", "0.0.0.0", "::"]) {
            assert.equal(guard.isLoopbackHost(host), true, host);
        }
        for (const host of ["1.1.1.1", "10.0.0.1", "192.168.1.1", "::ffff:1.1.1.1", "2606:4700::1111", "example.com", "localhost.example.com", "", undefined]) {
            assert.equal(guard.isLoopbackHost(host), false, String(host));
        }
    });
});
