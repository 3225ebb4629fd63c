import assert from "node:assert/strict";
import {setTimeout as sleep} from "node:timers/promises";
import {z} from "zod";
import {RpcClient} from "../../../src/engine/channel/rpcClient";
import {rpcMessages, type LogLevel} from "../../../src/engine/channel/rpcMessages";
import {RpcServer, type Handlers} from "../../../src/engine/channel/rpcServer";
import {SocketTransport} from "../../../src/engine/channel/transport";
import {socketPair, waitFor, type SocketPair} from "./socketPair";

/** A small method map of its own: the channel is generic, the engine's map is one user of it. */
const methods = {
    echo: {params: z.object({text: z.string()}).strict(), event: z.never(), result: z.object({text: z.string()})},
    count: {params: z.object({to: z.number().int().positive()}), event: z.object({n: z.number().int()}), result: z.object({counted: z.number(), stopped: z.boolean()})},
    hang: {params: z.object({}), event: z.never(), result: z.null()},
    /** Never answers, not even a cancel. */
    deaf: {params: z.object({}), event: z.never(), result: z.null()},
    fail: {params: z.object({}), event: z.never(), result: z.null()},
    badResult: {params: z.object({}), event: z.object({n: z.number()}), result: z.object({ok: z.boolean()})}
} as const;
const notifications = {news: z.object({headline: z.string()})} as const;
const ErrorData = z.object({code: z.enum(["Aborted", "Timeout", "Closed", "Malformed", "InvalidRequest", "Failed"]), message: z.string(), detail: z.string().optional()});
type ErrorData = z.infer<typeof ErrorData>;
const messages = rpcMessages(methods, notifications, ErrorData);

class CodedError extends Error {
    constructor(readonly code: ErrorData["code"], message: string, readonly detail?: string) {
        super(message);
    }
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorData["code"]): Promise<CodedError> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof CodedError, `expected a CodedError, got ${String(error)}`);
        assert.equal(error.code, code, error.message);
        return error;
    }
    assert.fail(`expected a ${code} rejection`);
}

describe("RpcClient and RpcServer over a Unix socket", () => {
    let pair: SocketPair;
    let client: RpcClient<typeof methods, typeof notifications, ErrorData>;
    let server: RpcServer<typeof methods, typeof notifications, ErrorData>;
    let clientTransport: SocketTransport;
    let serverTransport: SocketTransport;
    let clientLog: string[];
    let serverMalformed: string[];
    let news: string[];
    /** What each handler saw of its AbortSignal, by method. */
    let aborted: Set<string>;
    let activity: number[];

    const handlers: Handlers<typeof methods> = {
        echo: async ({text}) => ({text}),
        count: async ({to}, signal, emit) => {
            let n = 0;
            while (n < to && !signal.aborted) {
                emit({n: ++n});
                await sleep(5);
            }
            if (signal.aborted) aborted.add("count");
            return {counted: n, stopped: signal.aborted};
        },
        hang: (_params, signal) =>
            new Promise((_resolve, reject) =>
                signal.addEventListener("abort", () => {
                    aborted.add("hang");
                    reject(new Error("stopped"));
                })
            ),
        deaf: () => new Promise(() => undefined),
        fail: async () => {
            throw new CodedError("Failed", "it went wrong");
        },
        badResult: async (_params, _signal, emit) => {
            emit({n: "one"} as unknown as {n: number});
            return {ok: "yes"} as unknown as {ok: boolean};
        }
    };

    beforeEach(async () => {
        pair = await socketPair();
        clientLog = [];
        serverMalformed = [];
        news = [];
        aborted = new Set();
        activity = [];
        clientTransport = new SocketTransport(pair.client);
        serverTransport = new SocketTransport(pair.server);
        server = new RpcServer(
            serverTransport,
            {
                messages,
                handlers,
                toErrorData: (error, wasAborted) =>
                    error instanceof CodedError ? {code: error.code, message: error.message} : {code: wasAborted ? "Aborted" : "Failed", message: String(error)},
                invalidRequest: (method, detail) => ({code: "InvalidRequest", message: `Invalid ${method} request.`, detail}),
                onActivity: (active) => activity.push(active)
            },
            (detail) => serverMalformed.push(detail)
        );
        client = new RpcClient(clientTransport, {
            messages,
            requestTimeoutMs: 5_000,
            cancelGraceMs: 200,
            log: (level: LogLevel, message: string) => clientLog.push(`${level}: ${message}`),
            onNotify: (name, data) => news.push(`${name}: ${data.headline}`),
            errors: {
                aborted: () => new CodedError("Aborted", "cancelled"),
                timeout: (ms) => new CodedError("Timeout", `no answer within ${ms} ms`),
                closed: () => new CodedError("Closed", "the other end is gone"),
                malformedResult: (method, detail) => new CodedError("Malformed", `malformed ${method} result`, detail),
                fromData: (data) => new CodedError(data.code, data.message, data.detail)
            }
        });
    });
    afterEach(async () => {
        await pair.close();
    });

    it("answers a request with its result, and several requests each with their own", async () => {
        assert.deepEqual(await client.request("echo", {text: "hi"}), {text: "hi"});
        const answers = await Promise.all(["a", "b", "c"].map((text) => client.request("echo", {text})));
        assert.deepEqual(answers, [{text: "a"}, {text: "b"}, {text: "c"}]);
        assert.equal(client.inFlight, 0);
        assert.equal(activity.at(-1), 0, "the server's activity count is back to 0");
    });

    it("streams a request's events, in order, before its result", async () => {
        const events: number[] = [];
        const result = await client.request("count", {to: 5}, {onEvent: (event) => events.push(event.n)});
        assert.deepEqual(events, [1, 2, 3, 4, 5]);
        assert.deepEqual(result, {counted: 5, stopped: false});
    });

    it("a cancel aborts the handler's signal and the partial result comes back", async () => {
        const controller = new AbortController();
        const events: number[] = [];
        const result = await client.request("count", {to: 10_000}, {
            signal: controller.signal,
            onEvent: (event) => {
                events.push(event.n);
                if (event.n === 3) controller.abort();
            }
        });
        assert.equal(result.stopped, true);
        assert.ok(result.counted >= 3 && result.counted < 100, `partial count: ${result.counted}`);
        assert.ok(aborted.has("count"), "the handler saw its signal abort");
        await rejectsWith(client.request("echo", {text: "x"}, {signal: controller.signal}), "Aborted");
    });

    it("a cancelled request the other end cannot stop ends after the grace period", async () => {
        const controller = new AbortController();
        const pending = client.request("deaf", {}, {signal: controller.signal});
        await waitFor("the server runs the request", () => server.activeCount === 1);
        const started = Date.now();
        controller.abort();
        await rejectsWith(pending, "Aborted");
        const elapsed = Date.now() - started;
        assert.ok(elapsed >= 190 && elapsed < 2_000, `waited for the 200 ms grace, not longer (${elapsed} ms)`);
    });

    it("invalid params are refused as InvalidRequest with the reason, and the handler never runs", async () => {
        const error = await rejectsWith(client.request("count", {to: -1}), "InvalidRequest");
        assert.match(error.message, /Invalid count request/);
        assert.match(error.detail ?? "", /to/);
        await rejectsWith(client.request("echo", {text: "x", extra: 1} as unknown as {text: string}), "InvalidRequest");
        assert.deepEqual(activity, [], "no handler started");
        assert.deepEqual(await client.request("echo", {text: "still fine"}), {text: "still fine"});
    });

    it("a handler's error reaches the caller as its error data", async () => {
        const error = await rejectsWith(client.request("fail", {}), "Failed");
        assert.equal(error.message, "it went wrong");
    });

    it("a malformed message is logged and dropped, in either direction, and the channel goes on", async () => {
        assert.equal(clientTransport.send({type: "explode", id: 1}), true);
        assert.equal(clientTransport.send({type: "request", id: 2, method: "rm -rf", params: {}}), true);
        await waitFor("the server noted both", () => serverMalformed.length === 2);
        assert.ok(serverMalformed.every((detail) => detail.length > 0), "each with a reason");

        assert.equal(serverTransport.send({type: "result"}), true);
        assert.equal(serverTransport.send({type: "notify", name: "news", data: {headline: 42}}), true);
        server.notify("news", {headline: "all well"});
        await waitFor("the client heard the good notice", () => news.length === 1);
        assert.deepEqual(news, ["news: all well"]);
        assert.ok(clientLog.some((line) => line.startsWith("error: Ignored a malformed message")), clientLog.join("\n"));
        assert.ok(clientLog.some((line) => line.startsWith("error: Ignored a malformed news notice")), clientLog.join("\n"));

        const events: number[] = [];
        await rejectsWith(client.request("badResult", {}, {onEvent: (event) => events.push(event.n)}), "Malformed");
        assert.deepEqual(events, [], "the malformed event was dropped");
        assert.ok(clientLog.some((line) => line.startsWith("error: Dropped a malformed badResult event")), clientLog.join("\n"));
        assert.deepEqual(await client.request("echo", {text: "after"}), {text: "after"});
    });

    it("server log lines reach the client's log", async () => {
        server.log("warn", "careful");
        await waitFor("the log line arrived", () => clientLog.includes("warn: careful"));
    });

    it("the other end closing fails the requests in flight, and the server stops their work", async () => {
        const first = client.request("hang", {});
        const second = client.request("count", {to: 100_000});
        await waitFor("the server runs both", () => server.activeCount === 2);
        pair.server.destroy();
        await rejectsWith(first, "Closed");
        await rejectsWith(second, "Closed");
        assert.equal(client.isOpen, false);
        await waitFor("both handlers were aborted", () => aborted.has("hang") && aborted.has("count"));
        await rejectsWith(client.request("echo", {text: "late"}), "Closed");
    });

    it("the client closing aborts the server's handlers", async () => {
        const pending = client.request("hang", {}).catch((error: unknown) => error);
        await waitFor("the server runs it", () => server.activeCount === 1);
        client.close();
        await waitFor("the handler was aborted", () => aborted.has("hang"));
        assert.ok((await pending) instanceof CodedError);
    });

    it("a request with no sign of life fails with a timeout and is cancelled on the other end", async () => {
        const error = await rejectsWith(client.request("hang", {}, {timeoutMs: 150}), "Timeout");
        assert.match(error.message, /150 ms/);
        await waitFor("the server was told to stop", () => aborted.has("hang"));
    });

    it("events keep a request alive past its timeout", async () => {
        // 60 events 5 ms apart take ~300 ms, far past the 100 ms a silent request would get.
        const result = await client.request("count", {to: 60}, {timeoutMs: 100});
        assert.deepEqual(result, {counted: 60, stopped: false});
    });
});
