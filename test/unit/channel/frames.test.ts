import assert from "node:assert/strict";
import {FrameDecoder, FrameTooLarge, encodeFrame} from "../../../src/engine/channel/frames";
import {SocketTransport} from "../../../src/engine/channel/transport";
import {socketPair, waitFor, type SocketPair} from "./socketPair";

const header = (length: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(length, 0);
    return bytes;
};

describe("channel frames", () => {
    describe("FrameDecoder", () => {
        it("puts a frame split across chunks back together, even byte by byte", () => {
            const message = {type: "request", id: 7, text: "héllo ✓ — split"};
            const frame = encodeFrame(message);
            const decoder = new FrameDecoder();
            const seen: unknown[] = [];
            for (const byte of frame) {
                const decoded = decoder.push(Buffer.from([byte]));
                assert.equal(decoded.error, undefined);
                seen.push(...decoded.messages);
            }
            assert.deepEqual(seen, [message]);
        });

        it("hands out several frames of one chunk in order, and keeps a trailing partial one for later", () => {
            const messages = [{n: 1}, {n: 2}, {n: 3, text: "x".repeat(1000)}];
            const third = encodeFrame(messages[2]);
            const chunk = Buffer.concat([encodeFrame(messages[0]), encodeFrame(messages[1]), third.subarray(0, 10)]);
            const decoder = new FrameDecoder();
            assert.deepEqual(decoder.push(chunk), {messages: [messages[0], messages[1]]});
            assert.deepEqual(decoder.push(third.subarray(10)), {messages: [messages[2]]});
        });

        it("refuses a length over the limit as soon as the header arrives, without its body, and hands out the frames before it", () => {
            const decoder = new FrameDecoder(1024);
            const fits = {fits: "x".repeat(900)};
            const {messages, error} = decoder.push(Buffer.concat([encodeFrame(fits, 1024), header(1025), Buffer.from("{")]));
            assert.deepEqual(messages, [fits]);
            assert.ok(error instanceof FrameTooLarge, `got ${String(error)}`);
            assert.equal(error.bytes, 1025);
            assert.equal(error.limit, 1024);
            assert.match(error.message, /1025 bytes is over the limit of 1024 bytes/);
            assert.deepEqual(decoder.push(encodeFrame({more: 1})), {messages: [], error}, "the stream stays unusable");
        });

        it("reports garbled JSON as the stream's error", () => {
            const {messages, error} = new FrameDecoder().push(Buffer.concat([header(5), Buffer.from("{oops")]));
            assert.deepEqual(messages, []);
            assert.ok(error instanceof SyntaxError, `got ${String(error)}`);
        });

        it("encodeFrame refuses a message over the limit", () => {
            assert.throws(() => encodeFrame({text: "x".repeat(100)}, 50), FrameTooLarge);
        });
    });

    describe("SocketTransport over a Unix socket", () => {
        let pair: SocketPair;
        beforeEach(async () => {
            pair = await socketPair();
        });
        afterEach(async () => {
            await pair.close();
        });

        it("carries messages whole and in order, however the bytes are chunked", async () => {
            const client = new SocketTransport(pair.client);
            const received: unknown[] = [];
            new SocketTransport(pair.server).onMessage((message) => received.push(message));
            const big = {text: "y".repeat(300_000)};
            assert.equal(client.send({n: 1}), true);
            assert.equal(client.send(big), true);
            // A frame written in pieces by hand: the reader must not care where the chunks end.
            const frame = encodeFrame({n: 3});
            await new Promise((resolve) => pair.client.write(frame.subarray(0, 3), resolve));
            pair.client.write(frame.subarray(3));
            await waitFor("three messages arrived", () => received.length === 3);
            assert.deepEqual(received, [{n: 1}, big, {n: 3}]);
        });

        it("closes with FrameTooLarge when the other end announces an oversized frame, before its body comes", async () => {
            const server = new SocketTransport(pair.server, 1024);
            const received: unknown[] = [];
            let closedWith: Error | undefined;
            let closed = false;
            server.onMessage((message) => received.push(message));
            server.onClose((error) => {
                closed = true;
                closedWith = error;
            });
            // 1 GiB announced, a few bytes sent: waiting for the body would hang (and could exhaust memory).
            pair.client.write(Buffer.concat([encodeFrame({ok: true}), header(1024 ** 3), Buffer.from('{"x":')]));
            await waitFor("the transport closed", () => closed);
            assert.deepEqual(received, [{ok: true}], "the frame before it was delivered");
            assert.ok(closedWith instanceof FrameTooLarge, `closed with ${String(closedWith)}`);
            assert.equal(closedWith.bytes, 1024 ** 3);
            assert.equal(server.isOpen, false);
            assert.equal(server.send({late: true}), false, "nothing is sent on a closed transport");
            await waitFor("the socket was destroyed", () => pair.server.destroyed);
        });

        it("refuses to send a message over its limit and stays open", async () => {
            const client = new SocketTransport(pair.client, 1024);
            const received: unknown[] = [];
            new SocketTransport(pair.server, 1024).onMessage((message) => received.push(message));
            assert.equal(client.send({text: "x".repeat(2000)}), false);
            assert.equal(client.isOpen, true);
            assert.equal(client.send({small: 1}), true);
            await waitFor("the small message arrived", () => received.length === 1);
            assert.deepEqual(received, [{small: 1}]);
        });

        it("closes on garbled JSON: the stream cannot be trusted to be in step any more", async () => {
            const server = new SocketTransport(pair.server);
            let closedWith: Error | undefined;
            server.onClose((error) => (closedWith = error ?? new Error("closed without a reason")));
            pair.client.write(Buffer.concat([header(5), Buffer.from("{oops")]));
            await waitFor("the transport closed", () => closedWith !== undefined);
            assert.ok(closedWith instanceof SyntaxError, `closed with ${String(closedWith)}`);
        });

        it("reports the other end's close once", async () => {
            const server = new SocketTransport(pair.server);
            const closes: Array<Error | undefined> = [];
            server.onClose((error) => closes.push(error));
            new SocketTransport(pair.client).close();
            await waitFor("the server end saw the close", () => closes.length > 0);
            assert.deepEqual(closes, [undefined]);
            let late = 0;
            server.onClose(() => late++);
            assert.equal(late, 1, "a listener added after the close is told at once");
        });
    });
});
