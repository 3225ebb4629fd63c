// A model that does not fit, in a real VS Code: the model process plans the load from the file's
// header with the memory it is told is free (ENCLAVE_TEST_MEMORY, the worker's test override; the
// model process inherits it from this extension host), refuses it with the numbers, and the user is
// offered the ways forward — a smaller context when one fits, another model, load anyway — which
// really do what they say. Settings and the override are restored afterwards.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {ChatResult} from "../../../src/engine/protocol";
import {enclaveApi, waitFor} from "../enclave";
import {notificationText, skipWithoutScreenshots} from "../screenshot";

const GiB = 1024 ** 3;

describe("a model that does not fit", function () {
    this.timeout(120_000);
    const engineConfig = () => vscode.workspace.getConfiguration("enclave.engine");

    afterEach(async () => {
        delete process.env.ENCLAVE_TEST_MEMORY;
        await engineConfig().update("contextSize", undefined, vscode.ConfigurationTarget.Global);
        const enclave = await enclaveApi();
        await waitFor(() => (enclave.engine.configuredModel?.contextSize ?? 0) === 0, "the context size setting to be back to automatic");
        await enclave.engine.unload();
        await vscode.commands.executeCommand("notifications.clearAll");
        await vscode.commands.executeCommand("notifications.hideList");
    });

    /** Asks for the model on a 1 GB machine with 573 MB free (10 MB usable, less than the scripted model needs); returns the refusal. */
    const refuseOnStarvedMachine = async () => {
        const enclave = await enclaveApi();
        await enclave.engine.unload();
        process.env.ENCLAVE_TEST_MEMORY = JSON.stringify({ramBytes: GiB, freeRamBytes: 0.56 * GiB});
        enclave.errors.lastMessage = undefined;
        await vscode.commands.executeCommand("enclave.showModelInfo");
        await waitFor(() => enclave.errors.lastMessage !== undefined, "the refusal");
        return enclave.errors.lastMessage!;
    };

    // Before the Load Anyway test: the engine keeps loading anyway until the model is configured again.
    it("on screen, the refusal says the model does not fit and offers Load Anyway", async function () {
        skipWithoutScreenshots(this, "checking the refusal on screen");
        await refuseOnStarvedMachine();
        const text = await notificationText("fit-refused", "does not fit in the memory free now");
        assert.ok(text.includes("Load Anyway"), `with the Load Anyway button:\n${text.slice(0, 2000)}`);
    });

    it("is refused with the numbers and the choices; Load Anyway loads it and it answers", async () => {
        const enclave = await enclaveApi();
        const shown = await refuseOnStarvedMachine();
        assert.match(shown.text, /^Enclave: scripted-[\w-]+\.gguf does not fit in the memory free now\. Needs \d+(\.\d)? MB with a 4,096-token context; 573\.4 MB of RAM is free now, of which 10\.2 MB is usable\. Choose a smaller context, another model, or load it anyway\.$/);
        assert.deepEqual(shown.actions, ["Choose Model…", "Load Anyway", "Show Log"]);
        assert.equal(enclave.engine.state.kind, "error");
        assert.ok(enclave.engine.workerPid !== undefined, "the model process is still running");

        // The "Load Anyway" button runs this command.
        await vscode.commands.executeCommand("enclave.loadModelAnyway");
        await waitFor(() => enclave.engine.state.kind === "ready", "the model loaded anyway");
        const result = await vscode.commands.executeCommand<ChatResult>("enclave.ask", "Say hello.");
        assert.equal(result?.answer, "Hello!");
    });

    it("a context too large for the free memory offers the smaller one that fits, and choosing it loads", async () => {
        const enclave = await enclaveApi();
        await enclave.engine.unload();
        // 8 GB with 2 GB free: 1.1 GB usable — not enough for 65,536 tokens on each of three sequences.
        process.env.ENCLAVE_TEST_MEMORY = JSON.stringify({ramBytes: 8 * GiB, freeRamBytes: 2 * GiB});
        await engineConfig().update("contextSize", 65_536, vscode.ConfigurationTarget.Global);
        await waitFor(() => enclave.engine.configuredModel?.contextSize === 65_536, "the engine to take the context size");
        enclave.errors.lastMessage = undefined;
        await vscode.commands.executeCommand("enclave.showModelInfo");
        await waitFor(() => enclave.errors.lastMessage !== undefined, "the refusal");
        const shown = enclave.errors.lastMessage!;
        assert.match(shown.text, /does not fit in the memory free now\. Needs [\d.]+ GB with a 65,536-token context; 2 GB of RAM is free now, of which 1\.1 GB is usable\. A ([\d,]+)-token context would fit\./);
        const offered = /A ([\d,]+)-token context would fit/.exec(shown.text)![1]!;
        assert.deepEqual(shown.actions, [`Use a ${offered}-Token Context`, "Choose Model…", "Load Anyway", "Show Log"]);

        // The "Use a …-Token Context" button runs this command with the size.
        const tokens = Number(offered.replace(/,/g, ""));
        await vscode.commands.executeCommand("enclave.useContextSize", tokens);
        assert.equal(engineConfig().get<number>("contextSize"), tokens);
        await waitFor(() => enclave.engine.configuredModel?.contextSize === tokens, "the engine to take the smaller context");
        const info = await enclave.engine.ensureModel();
        assert.equal(info.contextSize >= tokens, true, `context ${info.contextSize} for ${tokens} asked`);
    });
});
