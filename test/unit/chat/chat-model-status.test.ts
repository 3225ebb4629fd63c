import assert from "node:assert/strict";
import {chatModelStatus} from "../../../src/provider/chat/chatModelStatus";
import type {ModelInfo} from "../../../src/engine/protocol";

describe("chatModelStatus (the chat panel's model line)", () => {
    const path = "/models/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf";

    it("names a configured model that is not loaded yet, instead of saying there is none", () => {
        assert.deepEqual(chatModelStatus(path, {kind: "notLoaded"}), {name: "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M", state: "notLoaded"});
        assert.equal(chatModelStatus(undefined, {kind: "notLoaded"}), null);
    });

    it("says loading, ready (with the model's own name and context) and error for the configured file only", () => {
        assert.equal(chatModelStatus(path, {kind: "loading", modelPath: path, fraction: 0.5})?.state, "loading");
        assert.equal(chatModelStatus(path, {kind: "loading", modelPath: "/models/other.gguf", fraction: 0.5})?.state, "notLoaded");
        const info = {modelPath: path, name: "DeepSeek R1 Distill Qwen 7B", contextSize: 8192} as ModelInfo;
        assert.deepEqual(chatModelStatus(path, {kind: "ready", info}), {name: "DeepSeek R1 Distill Qwen 7B", state: "ready", contextSize: 8192});
        // The setting changed to another file while the old one is still loaded: the new one is named.
        assert.deepEqual(chatModelStatus("/models/new.gguf", {kind: "ready", info}), {name: "new", state: "notLoaded"});
        assert.equal(chatModelStatus(path, {kind: "error", error: {code: "LoadFailed", message: "x"}} as never)?.state, "error");
    });
});
