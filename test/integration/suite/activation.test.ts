// Runs first (suites load in name order): activation must be checked before any suite loads a model.
// The extension and its engine inside a real VS Code: activation loads nothing; a question asked
// through the `enclave.ask` command is answered by the scripted model through the worker process
// that the real extension host forked; the status bar shows each state.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {ChatResult} from "../../../src/engine/protocol";
import {modelDisplayName, shortenName} from "../../../src/models/modelName";
import {enclaveApi, waitFor} from "../enclave";
import {screenshot} from "../screenshot";

describe("engine in the extension host", () => {
    it("activates without starting the model process or loading a model", async () => {
        const enclave = await enclaveApi();
        const configured = vscode.workspace.getConfiguration("enclave").get<string>("chat.model");
        assert.ok(configured, "the test settings name the scripted model");
        assert.equal(enclave.engine.workerPid, undefined, "no model process at activation");
        assert.equal(enclave.engine.state.kind, "notLoaded");
        // The model by its name (not its file name), not loaded yet; a click offers another model.
        assert.equal(enclave.statusBarText(), `$(circle-outline) Enclave: ${shortenName(modelDisplayName(configured), 40)}`);
        assert.match(enclave.statusBarView()?.tooltip ?? "", /not loaded yet: it loads on first use/);
        assert.equal(enclave.statusBarView()?.command, "enclave.pickModel");
    });

    it("answers a question with the scripted model through the worker", async () => {
        const enclave = await enclaveApi();
        const result = await vscode.commands.executeCommand<ChatResult>("enclave.ask", "Say hello.");
        assert.ok(result, "the command returned a result");
        assert.equal(result.answer, "Hello!");
        assert.equal(result.thought, "Hmm, ok.");
        const pid = enclave.engine.workerPid;
        assert.ok(pid && pid !== process.pid, "answered by a separate process");
    });

    it("shows the ready state and memory in the status bar", async () => {
        const enclave = await enclaveApi();
        await waitFor(() => enclave.engine.state.kind === "ready", "the ready state");
        // The active model by its own name (GGUF general.name) and the model process's memory.
        const state = enclave.engine.state;
        assert.equal(state.kind, "ready");
        const name = shortenName(modelDisplayName(state.info.modelPath, state.info.name), 40);
        assert.match(enclave.statusBarText(), /^\$\(check\) Enclave: .+ · \d+(\.\d)? (MB|GB)$/);
        assert.ok(enclave.statusBarText().startsWith(`$(check) Enclave: ${name} · `), `${enclave.statusBarText()} names ${name}`);
        assert.doesNotMatch(enclave.statusBarText(), /\.gguf/);
        assert.match(enclave.statusBarView()?.tooltip ?? "", /is ready/);
        assert.equal(enclave.statusBarView()?.command, "enclave.pickModel");
        await screenshot("status-bar-ready");
    });

    it("shows an error state with a clear message when the model file is missing, then recovers", async () => {
        const enclave = await enclaveApi();
        const config = vscode.workspace.getConfiguration("enclave");
        const good = config.get<string>("chat.model") as string;
        // A workspace value overrides the user setting; removing it brings the good model back.
        await config.update("chat.model", "/nonexistent/model.gguf", vscode.ConfigurationTarget.Workspace);
        try {
            await waitFor(() => enclave.engine.configuredModel?.modelPath === "/nonexistent/model.gguf", "the new setting to reach the engine");
            await assert.rejects(enclave.engine.ensureModel(), /does not exist/);
            assert.equal(enclave.engine.state.kind, "error");
            // Which model failed and why, in the tooltip, and a click that fixes it (choose another).
            assert.equal(enclave.statusBarText(), "$(error) Enclave: model failed");
            const view = enclave.statusBarView();
            assert.match(view?.tooltip ?? "", /could not use model\./);
            assert.match(view?.tooltip ?? "", /does not exist/);
            assert.match(view?.tooltip ?? "", /Click to choose another model\./);
            assert.equal(view?.command, "enclave.pickModel");
            await screenshot("status-bar-error");
        } finally {
            await config.update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
        }
        await waitFor(
            () => enclave.engine.configuredModel?.modelPath === good,
            () => `the good setting to reach the engine (engine has ${enclave.engine.configuredModel?.modelPath}, want ${good})`
        );
        const result = await vscode.commands.executeCommand<ChatResult>("enclave.ask", "Again.");
        assert.equal(result?.answer, "Hello!");
    });
});
