/**
 * Chat through an OpenAI-compatible server (src/engine/remote/openAiChat.ts) against a loopback
 * fake that speaks each shape servers use and each way they fail.
 */
import assert from "node:assert/strict";
import {createServer} from "node:net";
import type {ChatEvent} from "../../src/engine/protocol";
import {parseEndpoint, type RemoteEndpoint} from "../../src/engine/remote/endpoint";
import {remoteChat, remoteModels} from "../../src/engine/remote/openAiChat";
import {RemoteError, type RemoteErrorCode} from "../../src/engine/remote/remoteErrors";
import {delta, FakeOpenAiServer} from "./fakeOpenAiServer";

const messages = [{role: "user" as const, content: "Why is the sky blue?"}];

/** `text` as content deltas of `size` characters: tags fall across chunk boundaries. */
const contentChunks = (text: string, size: number): object[] => Array.from({length: Math.ceil(text.length / size)}, (_, index) => delta({content: text.slice(index * size, (index + 1) * size)}));

describe("remote chat (OpenAI-compatible server)", function () {
    this.timeout(20_000);
    let server: FakeOpenAiServer;
    let endpoint: RemoteEndpoint;
    beforeEach(async () => {
        server = await FakeOpenAiServer.start();
        const parsed = parseEndpoint(server.url, "r1-distill", "sk-test");
        assert.ok(parsed.ok);
        endpoint = parsed.endpoint;
    });
    afterEach(() => server.stop());

    const chat = async (options: {firstByteTimeoutMs?: number; idleTimeoutMs?: number; signal?: AbortSignal} = {}) => {
        const events: ChatEvent[] = [];
        const result = await remoteChat(endpoint, {messages, temperature: 0.6, maxTokens: 100, thoughtBudget: 50}, {signal: options.signal ?? new AbortController().signal, onEvent: (event) => events.push(event), ...options});
        return {result, events};
    };
    const fails = async (code: RemoteErrorCode, message: RegExp, options: Parameters<typeof chat>[0] = {}) => {
        const started = Date.now();
        await assert.rejects(chat(options), (error: unknown) => {
            assert.ok(error instanceof RemoteError, String(error));
            assert.equal(error.code, code, error.message);
            assert.match(error.message, message);
            return true;
        });
        return Date.now() - started;
    };

    it("streams reasoning_content as the thought and content as the answer, and sends the model, the messages and the key", async () => {
        server.script({kind: "stream", events: [delta({reasoning_content: "Rayleigh "}), delta({reasoning_content: "scattering."}), delta({content: "Short "}), delta({content: "waves scatter."}, "stop")]});
        const {result, events} = await chat();
        assert.deepEqual(events.map((event) => [event.kind, event.text]), [["thought", "Rayleigh "], ["thought", "scattering."], ["answer", "Short "], ["answer", "waves scatter."]]);
        assert.equal(result.thought, "Rayleigh scattering.");
        assert.equal(result.answer, "Short waves scatter.");
        assert.equal(result.stopReason, "eos");
        assert.equal(result.thoughtTokens, 2);
        assert.equal(result.answerTokens, 2);
        const [request] = server.requests;
        assert.equal(request?.url, "/v1/chat/completions");
        assert.equal(request?.headers.authorization, "Bearer sk-test");
        assert.deepEqual(request?.body, {model: "r1-distill", messages, stream: true, temperature: 0.6, max_tokens: 150});
    });

    it("reads the reasoning field (Ollama, OpenRouter) the same way", async () => {
        server.script({kind: "stream", events: [delta({reasoning: "Think."}), delta({content: "Blue."}, "stop")]});
        const {result} = await chat();
        assert.deepEqual([result.thought, result.answer], ["Think.", "Blue."]);
    });

    it("splits <think> in the content, with the tags falling across chunks", async () => {
        const text = "<think>\nShort waves scatter more.\n</think>\n\nBecause of Rayleigh scattering.";
        for (const size of [1, 3, 7]) {
            server.script({kind: "stream", events: [...contentChunks(text, size), delta({}, "stop")]});
            const {result, events} = await chat();
            assert.equal(result.thought, "\nShort waves scatter more.\n", `chunks of ${size}`);
            assert.equal(result.answer, "Because of Rayleigh scattering.", `chunks of ${size}`);
            assert.ok(!events.some((event) => event.text.includes("<") && event.kind === "answer"), "no tag reaches the answer");
        }
    });

    it("takes what comes before a lone </think> as the thought (a template that opened it), and text with no thought at all as the answer", async () => {
        server.script({kind: "stream", events: [...contentChunks("Hmm, blue.</think>\n\nBlue light scatters.", 4), delta({}, "stop")]});
        const closedOnly = await chat();
        assert.deepEqual([closedOnly.result.thought, closedOnly.result.answer], ["Hmm, blue.", "Blue light scatters."]);
        server.script({kind: "stream", events: [...contentChunks("It is blue.", 4), delta({}, "stop")]});
        const plain = await chat();
        assert.deepEqual([plain.result.thought, plain.result.answer], ["", "It is blue."]);
        assert.deepEqual(plain.events.filter((event) => event.kind === "answer").map((event) => event.text), ["It is blue."], "the view gets it as the answer");
    });

    it("says maxTokens when the server stopped at the length limit, and skips malformed lines that come with an answer", async () => {
        server.script({kind: "stream", rawLines: ["data: {not json", ": keep-alive comment"], events: [delta({reasoning_content: "t"}), delta({content: "cut"}, "length")]});
        const {result} = await chat();
        assert.equal(result.stopReason, "maxTokens");
        assert.equal(result.answer, "cut");
    });

    it("fails clearly when the server sends nothing readable", async () => {
        server.script({kind: "stream", rawLines: ["data: <html>", "data: oops"], events: [], noDone: false});
        await fails("malformed", /sent 2 line\(s\) Enclave could not read and no answer: is it an OpenAI-compatible server\?/);
    });

    it("names the server and what to do for refused, 401, unknown model, wrong path, 429 and 500", async () => {
        const closed = createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as {port: number}).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        const refused = parseEndpoint(`http://127.0.0.1:${port}`, "m");
        assert.ok(refused.ok);
        await assert.rejects(remoteChat(refused.endpoint, {messages}, {signal: new AbortController().signal}), (error: unknown) => error instanceof RemoteError && error.code === "refused" && error.message.includes(`http://127.0.0.1:${port} refused the connection`) && error.retryable);

        server.script({kind: "status", status: 401, body: '{"error":"invalid api key"}'});
        await fails("unauthorized", /refused the API key \(HTTP 401\): set it with Enclave: Set API Key\. It said: "\{"error":"invalid api key"\}"/);
        server.script({kind: "status", status: 404, body: '{"error":{"message":"model \\"r1-distill\\" not found"}}'});
        await fails("noSuchModel", /has no model "r1-distill": choose one it serves/);
        server.script({kind: "status", status: 404, body: "Not Found"});
        await fails("noSuchModel", /has no \/v1\/chat\/completions \(HTTP 404\): is the address right/);
        server.script({kind: "status", status: 429});
        await fails("rateLimited", /is busy \(HTTP 429\): try again in a moment\.$/);
        server.script({kind: "status", status: 500, body: "CUDA out of memory"});
        await fails("server", /failed \(HTTP 500\)\. It said: "CUDA out of memory"/);
    });

    it("does not follow a redirect: the code goes only to the server the user confirmed", async () => {
        const other = await FakeOpenAiServer.start();
        try {
            server.script({kind: "status", status: 307, headers: {location: `${other.url}/v1/chat/completions`}});
            await fails("failed", /answered with a redirect to another address\. Enclave does not follow it/);
            assert.equal(other.requests.length, 0, "nothing reached the other server");
        } finally {
            await other.stop();
        }
    });

    it("keeps what a model that does not think wrote as its answer when the stream breaks off", async () => {
        server.script({kind: "reset", events: [delta({content: "Half of "}), delta({content: "an answer"})], after: 2});
        const events: ChatEvent[] = [];
        await assert.rejects(remoteChat(endpoint, {messages}, {signal: new AbortController().signal, onEvent: (event) => events.push(event)}), RemoteError);
        assert.deepEqual(events.filter((event) => event.kind === "answer").map((event) => event.text), ["Half of an answer"]);
    });

    it("fails within its bounds when the server never answers, goes quiet mid-answer, or drops the connection", async () => {
        server.script({kind: "never"});
        const neverMs = await fails("timeout", /did not start answering within 0.3 s/, {firstByteTimeoutMs: 300});
        assert.ok(neverMs < 3_000, `never answered: failed after ${neverMs} ms`);
        server.script({kind: "stall", events: [delta({reasoning_content: "a"}), delta({content: "b"})], after: 2});
        const stallMs = await fails("stalled", /stopped sending the answer for 0.3 s; what came is kept/, {idleTimeoutMs: 300});
        assert.ok(stallMs < 3_000, `stalled: failed after ${stallMs} ms`);
        server.script({kind: "reset", events: [delta({content: "half an ans"})], after: 1});
        await fails("cutOff", /broke off in the middle of the answer|closed the connection|ended without its end mark/);
        server.script({kind: "stream", events: [delta({content: "no end"})], noDone: true});
        await fails("cutOff", /ended without its end mark/);
    });

    it("cancel closes the HTTP request at once, so the server stops generating, and keeps what came", async () => {
        const events = Array.from({length: 200}, (_, index) => delta({content: `word${index} `}));
        server.script({kind: "stream", events, delayMs: 20});
        const controller = new AbortController();
        const received: ChatEvent[] = [];
        const running = remoteChat(endpoint, {messages}, {signal: controller.signal, onEvent: (event) => {
            received.push(event);
            if (received.length === 3) controller.abort();
        }});
        const started = Date.now();
        const result = await running;
        assert.ok(Date.now() - started < 1_000);
        assert.equal(result.stopReason, "abort");
        assert.equal(result.answer, "word0 word1 word2 ", "what came before the cancel is kept");
        const deadline = Date.now() + 5_000;
        while (!server.requests[0]?.clientClosed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(server.requests[0]?.clientClosed, true, "the server saw the connection closed before its reply ended");
    });

    it("lists the models the server serves, and says when /v1/models is not what it should be", async () => {
        server.script({kind: "json", body: {object: "list", data: [{id: "deepseek-r1:14b"}, {id: "qwen2.5-coder:1.5b"}, {name: "no id"}]}});
        assert.deepEqual(await remoteModels(endpoint, new AbortController().signal), ["deepseek-r1:14b", "qwen2.5-coder:1.5b"]);
        assert.equal(server.requests[0]?.url, "/v1/models");
        server.script({kind: "json", body: {models: []}});
        await assert.rejects(remoteModels(endpoint, new AbortController().signal), /answered \/v1\/models with something Enclave cannot read/);
        server.script({kind: "never"});
        await assert.rejects(remoteModels(endpoint, new AbortController().signal, 300), (error: unknown) => error instanceof RemoteError && error.code === "timeout");
    });
});
