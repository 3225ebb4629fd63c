import assert from "node:assert/strict";
import type {EngineState} from "../../../src/engine/client";
import type {ModelInfo} from "../../../src/engine/protocol";
import {completionStatusView} from "../../../src/provider/status/completionStatusView";
import {engineStatusView, type EngineStatusContext} from "../../../src/provider/status/engineStatusView";
import {formatMessage} from "../../../src/provider/status/translate";
import {remoteStatusView} from "../../../src/provider/status/remoteStatusView";
import {parseEndpoint} from "../../../src/engine/remote/endpoint";

const chatModel = "/models/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf";
const context: EngineStatusContext = {chatModel, completionModel: undefined, sharedWindows: 1};

function info(): ModelInfo {
    return {
        modelPath: chatModel,
        name: "DeepSeek R1 Distill Qwen 7B",
        architecture: "qwen2",
        parameterCount: 7.6e9,
        contextSize: 8192,
        threads: 4,
        gpu: "cpu",
        memory: {rssBytes: 5.6 * 1024 ** 3, modelBytes: 4.4 * 1024 ** 3}
    } as unknown as ModelInfo;
}

describe("the model's status bar item (engineStatusView)", () => {
    const states: Array<[string, EngineState, typeof context]> = [
        ["no model", {kind: "notLoaded"}, {...context, chatModel: undefined}],
        ["not loaded", {kind: "notLoaded"}, context],
        ["loading", {kind: "loading", modelPath: chatModel, fraction: 0.42}, context],
        ["ready", {kind: "ready", info: info()}, context],
        ["error", {kind: "error", error: {code: "CorruptModel", message: "The file is damaged: its header ends early."}}, context]
    ];

    it("a click does something useful in every state: never only the log when there is a better action", () => {
        const commands = Object.fromEntries(states.map(([name, state, ctx]) => [name, engineStatusView(state, ctx, formatMessage).command]));
        assert.deepEqual(commands, {
            "no model": "enclave.setUp",
            "not loaded": "enclave.pickModel",
            loading: "enclave.showModelInfo",
            ready: "enclave.pickModel",
            error: "enclave.pickModel"
        });
        for (const [name, state, ctx] of states) {
            const view = engineStatusView(state, ctx, formatMessage);
            assert.match(view.tooltip, /Click to /, `${name}: the tooltip says what a click does`);
        }
    });

    it("names the model by its own name, not its file name", () => {
        assert.equal(engineStatusView({kind: "notLoaded"}, context, formatMessage).text, "$(circle-outline) Enclave: DeepSeek R1 Distill Qwen 7B · Q4_K_M");
        assert.equal(engineStatusView({kind: "ready", info: info()}, context, formatMessage).text, "$(check) Enclave: DeepSeek R1 Distill Qwen 7B · Q4_K_M · 5.6 GB");
        assert.equal(engineStatusView({kind: "ready", info: info()}, {...context, sharedWindows: 3}, formatMessage).text, "$(check) Enclave: DeepSeek R1 Distill Qwen 7B · Q4_K_M · 5.6 GB · 3 windows");
        assert.doesNotMatch(engineStatusView({kind: "loading", modelPath: chatModel, fraction: 0.42}, context, formatMessage).tooltip, /\.gguf/);
    });

    it("an error says which model and why in the tooltip, and the click fits the error", () => {
        const view = engineStatusView({kind: "error", error: {code: "CorruptModel", message: "The file is damaged: its header ends early."}}, context, formatMessage);
        assert.equal(view.text, "$(error) Enclave: DeepSeek R1 Distill Qwen 7B · Q4_K_M failed");
        assert.equal(view.severity, "error");
        assert.match(view.tooltip, /could not use DeepSeek R1 Distill Qwen 7B · Q4_K_M/);
        assert.match(view.tooltip, /header ends early/);
        assert.match(view.tooltip, /Click to choose another model\./);
        const crashed = engineStatusView({kind: "error", error: {code: "EngineCrashed", message: "The model process ended."}}, context, formatMessage);
        assert.equal(crashed.command, "enclave.restartEngine");
        const none = engineStatusView({kind: "error", error: {code: "NoModelConfigured", message: "No model."}}, {...context, chatModel: undefined}, formatMessage);
        assert.equal(none.command, "enclave.setUp");
    });
});

describe("the completions' status bar item (completionStatusView)", () => {
    it("says what it is, with the last latency, and has tokens/s and the cache-hit rate in its tooltip", () => {
        const view = completionStatusView(true, {busy: false, lastLatencyMs: 41.6, lastTokensPerSecond: 23.46, cacheHitRate: 0.6}, formatMessage);
        assert.equal(view.text, "$(sparkle) Enclave completions · 42 ms");
        assert.match(view.tooltip, /23\.5 tokens\/s/);
        assert.match(view.tooltip, /cache: 60%/);
        assert.equal(view.command, "enclave.toggleCompletions");
    });

    it("names itself when idle, busy, failing and off", () => {
        assert.equal(completionStatusView(true, {busy: false}, formatMessage).text, "$(sparkle) Enclave completions");
        assert.equal(completionStatusView(true, {busy: true}, formatMessage).text, "$(loading~spin) Enclave completions");
        const failing = completionStatusView(true, {busy: false, error: "the model is not loaded"}, formatMessage);
        assert.equal(failing.text, "$(warning) Enclave completions");
        assert.equal(failing.severity, "warning");
        assert.match(failing.tooltip, /the model is not loaded/);
        assert.equal(completionStatusView(false, {busy: false, lastLatencyMs: 40}, formatMessage).text, "$(circle-slash) Enclave completions: off");
    });
});

describe("remote server status item", () => {
    const endpointOf = (url: string) => {
        const parsed = parseEndpoint(url, "deepseek-r1:32b");
        assert.ok(parsed.ok);
        return parsed.endpoint;
    };

    it("is hidden while every role runs on this machine", () => {
        assert.equal(remoteStatusView([], endpointOf("http://gpu-box:8000"), undefined, formatMessage), undefined);
    });

    it("says which roles go where, with a cloud for another machine and a VM for a server on this one, and a click switches to local", () => {
        const remote = remoteStatusView(["chat"], endpointOf("http://gpu-box:8000/v1"), undefined, formatMessage);
        assert.equal(remote?.text, "$(cloud) Enclave chat → gpu-box:8000");
        assert.match(remote?.tooltip ?? "", /\*\*chat\*\* runs on http:\/\/gpu-box:8000 \(another machine: your code is sent there\), model `deepseek-r1:32b`\./);
        assert.equal(remote?.command, "enclave.remote.switchToLocal");
        assert.equal(remoteStatusView(["chat"], endpointOf("http://localhost:11434"), undefined, formatMessage)?.text, "$(vm) Enclave chat → localhost:11434");
    });

    it("warns when the setting cannot be used, and says why", () => {
        const broken = remoteStatusView(["chat"], undefined, "\"gpu-box\" is not a URL.", formatMessage);
        assert.equal(broken?.severity, "warning");
        assert.match(broken?.tooltip ?? "", /^"gpu-box" is not a URL\. Click to run chat on this machine again\.$/);
    });
});
