import assert from "node:assert/strict";
import {parseClientMessage, parsePart, parseServerMessage} from "../../src/engine/protocol";

describe("protocol", () => {
    it("accepts well-formed messages in both directions", () => {
        assert.ok(parseClientMessage({type: "request", id: 1, method: "chat", params: {}}).ok);
        assert.ok(parseClientMessage({type: "request", id: 2, method: "exit", params: {}}).ok);
        assert.ok(parseClientMessage({type: "request", id: 3, method: "status", params: {}}).ok);
        assert.ok(parseClientMessage({type: "request", id: 4, method: "unloadModel", params: {modelPath: "/m.gguf"}}).ok);
        assert.ok(parseClientMessage({type: "cancel", id: 1}).ok);
        assert.ok(parseServerMessage({type: "error", id: 2, error: {code: "EngineCrashed", message: "x"}}).ok);
        assert.ok(parseServerMessage({type: "log", level: "warn", message: "x"}).ok);
        assert.ok(parseServerMessage({type: "notify", name: "bye", data: {reason: "idle"}}).ok);
        assert.ok(parseServerMessage({type: "notify", name: "sharing", data: {windows: 2, clients: 3}}).ok);
    });

    it("rejects malformed messages with a readable reason", () => {
        const cases: unknown[] = [
            null,
            "request",
            {type: "request", id: -1, method: "chat", params: {}},
            {type: "request", id: 1.5, method: "chat", params: {}},
            {type: "request", id: 1, method: "rm -rf", params: {}},
            // The old IPC design's stop message: the shared process is ended with the `exit` method, by request.
            {type: "shutdown"},
            {type: "explode"},
            {type: "cancel"}
        ];
        for (const value of cases) {
            const parsed = parseClientMessage(value);
            assert.equal(parsed.ok, false, JSON.stringify(value));
            assert.ok(!parsed.ok && parsed.error.length > 0, `no reason given for ${JSON.stringify(value)}`);
        }
        assert.equal(parseServerMessage({type: "error", id: 1, error: {code: "NotACode", message: "x"}}).ok, false);
        assert.equal(parseServerMessage({type: "notify", name: "gossip", data: {}}).ok, false, "only the engine's notifications");
        assert.equal(parseServerMessage({type: "request", id: 1, method: "chat", params: {}}).ok, false, "a client message is not a server message");
    });

    it("validates each method's params, events and results", () => {
        assert.ok(parsePart("chat", "params", {messages: [{role: "user", content: "hi"}], thoughtBudget: -1}).ok);
        assert.equal(parsePart("chat", "params", {messages: []}).ok, false, "a chat needs a message");
        assert.equal(parsePart("chat", "params", {messages: [{role: "system", content: "x"}]}).ok, false, "no system role");
        assert.equal(parsePart("chat", "params", {messages: [{role: "user", content: "x"}], temperature: 9}).ok, false);
        assert.ok(parsePart("complete", "params", {prefix: "a", suffix: "b", stop: ["\n\n"], timeCapMs: 500}).ok);
        assert.equal(parsePart("complete", "params", {prefix: "a", stop: [""]}).ok, false, "empty stop strings would stop at once");
        assert.equal(parsePart("load", "params", {modelPath: ""}).ok, false);
        assert.equal(parsePart("unload", "params", {extra: 1}).ok, false, "strict: no unknown keys");
        assert.ok(parsePart("exit", "params", {}).ok);
        assert.equal(parsePart("exit", "params", {force: true}).ok, false, "strict: no unknown keys");
        assert.equal(parsePart("unloadModel", "params", {modelPath: ""}).ok, false, "a model path is needed");
        assert.ok(parsePart("status", "result", {pid: 1, protocolVersion: "15", windows: 2, clients: 3, models: [{modelPath: "/m.gguf", role: "chat", users: 2, idleMs: 0}], activeRequests: 1, idleExitMs: 1000}).ok);
        assert.equal(parsePart("status", "result", {pid: 1, protocolVersion: "15", windows: -1, clients: 0, models: [], activeRequests: 0, idleExitMs: 0}).ok, false);
        assert.ok(parsePart("chat", "event", {kind: "thought", text: "hm", tokens: 1}).ok);
        assert.equal(parsePart("chat", "event", {kind: "thought", text: "hm"}).ok, false);
        assert.equal(parsePart("tokenize", "result", {tokens: [1.5]}).ok, false);
    });
});
