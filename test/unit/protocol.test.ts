import assert from "node:assert/strict";
import {parseHostMessage, parsePart, parseWorkerMessage} from "../../src/engine/protocol";

describe("protocol", () => {
    it("accepts well-formed messages in both directions", () => {
        assert.ok(parseHostMessage({type: "request", id: 1, method: "chat", params: {}}).ok);
        assert.ok(parseHostMessage({type: "cancel", id: 1}).ok);
        assert.ok(parseHostMessage({type: "shutdown"}).ok);
        assert.ok(parseWorkerMessage({type: "error", id: 2, error: {code: "EngineCrashed", message: "x"}}).ok);
        assert.ok(parseWorkerMessage({type: "log", level: "warn", message: "x"}).ok);
    });

    it("rejects malformed messages with a readable reason", () => {
        const cases: unknown[] = [
            null,
            "request",
            {type: "request", id: -1, method: "chat", params: {}},
            {type: "request", id: 1, method: "rm -rf", params: {}},
            {type: "explode"},
            {type: "cancel"}
        ];
        for (const value of cases) {
            const parsed = parseHostMessage(value);
            assert.equal(parsed.ok, false, JSON.stringify(value));
            if (!parsed.ok) assert.ok(parsed.error.length > 0);
        }
        assert.equal(parseWorkerMessage({type: "error", id: 1, error: {code: "NotACode", message: "x"}}).ok, false);
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
        assert.ok(parsePart("chat", "event", {kind: "thought", text: "hm"}).ok);
        assert.equal(parsePart("chat", "event", {kind: "thought"}).ok, false);
        assert.equal(parsePart("tokenize", "result", {tokens: [1.5]}).ok, false);
    });
});
