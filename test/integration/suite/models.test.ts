// The model manager in a real VS Code (first run has its own suite, firstRun.test.ts): a download
// from a loopback server that speaks the Hugging Face paths is cancelled from its progress
// notification with nothing left open or half-written; an unreachable server fails within
// seconds; a file is imported and a bad one refused. Settings are restored afterwards, so the
// suites after this one still see the scripted model.
import assert from "node:assert/strict";
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {basename, dirname, join} from "node:path";
import * as vscode from "vscode";
import {catalogue, type ModelPreset} from "../../../src/models/catalogue";
import {closedPortUrl, startHfServer} from "../../engine/modelsHfServer";
import {enclaveApi, waitFor} from "../enclave";
import {notificationText, screenshot, skipWithoutScreenshots, waitForScreenText} from "../screenshot";

/** What a refused import of notes.gguf, a text file, says. */
const NOT_GGUF_SENTENCE = 'Enclave: notes.gguf is not a GGUF model file (it does not start with "GGUF"). Enclave runs models in the GGUF format of llama.cpp.';

/** `user/repo/path` of an `hf:user/repo/path` URI: the server's key for the file. */
const repoPath = (uri: string): string => uri.replace(/^hf:/, "");

describe("model manager", function () {
    this.timeout(180_000);
    const config = () => vscode.workspace.getConfiguration("enclave");
    let scriptedPath: string;
    let scriptedBytes: Buffer;
    let modelsDir: string;

    before(async () => {
        await enclaveApi();
        scriptedPath = config().inspect<string>("chat.model")?.globalValue ?? "";
        assert.ok(scriptedPath, "the test profile names the scripted model");
        scriptedBytes = readFileSync(scriptedPath);
        modelsDir = mkdtempSync(join(tmpdir(), "enclave-it-models-"));
        await config().update("models.folder", modelsDir, vscode.ConfigurationTarget.Global);
    });

    after(async () => {
        const enclave = await enclaveApi();
        await vscode.commands.executeCommand("notifications.hideList");
        await config().update("chat.model", scriptedPath, vscode.ConfigurationTarget.Global);
        await config().update("models.folder", undefined, vscode.ConfigurationTarget.Global);
        await config().update("models.huggingFaceEndpoint", undefined, vscode.ConfigurationTarget.Global);
        await waitFor(() => enclave.engine.configuredModel?.modelPath === scriptedPath, "the scripted model to be configured again");
        await enclave.engine.unload();
        await vscode.commands.executeCommand("notifications.clearAll");
        rmSync(modelsDir, {recursive: true, force: true});
    });

    it("Cancel in the progress notification stops the download: no request left open, no file under the final name", async () => {
        const enclave = await enclaveApi();
        const preset = catalogue.find((candidate) => candidate.id === "qwen2.5-coder-0.5b") as ModelPreset;
        const slow = await startHfServer({files: new Map([[repoPath(preset.files[0] ?? ""), scriptedBytes]]), bytesPerSecond: Math.ceil(scriptedBytes.length / 30), lifetimeMs: 120_000});
        try {
            await config().update("models.huggingFaceEndpoint", slow.url, vscode.ConfigurationTarget.Global);
            const download = enclave.models.downloads.download(preset, "completion");
            await waitFor(() => (enclave.models.downloads.lastDownload?.messages ?? []).some((message) => / of .* · /.test(message)) && slow.openRequests() > 0, "the transfer to be under way", 20_000);
            // For the record only (this test also runs where there are no screenshots): the notification
            // centre with the progress notification, whose primary action is its Cancel button.
            await vscode.commands.executeCommand("notifications.showList");
            await screenshot("models-download-cancel");
            const cancelled = Date.now();
            await vscode.commands.executeCommand("notification.acceptPrimaryAction");
            assert.equal(await download, undefined);
            assert.equal(enclave.models.downloads.lastDownload?.outcome, "cancelled");
            const stillOpen = await slow.settle(3000);
            const settledMs = Date.now() - cancelled;
            assert.equal(stillOpen, 0, "no request left open on the server");
            const served = slow.bytesServed();
            assert.ok(served < scriptedBytes.length, `stopped before the end (${served} of ${scriptedBytes.length} bytes)`);
            await new Promise((resolve) => setTimeout(resolve, 1000));
            assert.equal(slow.bytesServed(), served, "nothing more was sent after the cancel");
            assert.equal(existsSync(join(modelsDir, basename(preset.files[0] ?? ""))), false, "no file under the final name");
            assert.equal(config().get<string>("completion.model"), "", "the completion model is unchanged");
            console.log(`  cancel: download stopped and connections closed ${settledMs} ms after Cancel, ${served} of ${scriptedBytes.length} bytes served`);
        } finally {
            await slow.close();
        }
    });

    it("an unreachable server fails the download within 5 seconds, with nothing left behind", async () => {
        const enclave = await enclaveApi();
        const preset = catalogue.find((candidate) => candidate.role === "completion" && candidate.files.length === 1) as ModelPreset;
        await config().update("models.huggingFaceEndpoint", await closedPortUrl(), vscode.ConfigurationTarget.Global);
        const chatBefore = config().get<string>("chat.model");
        const started = Date.now();
        const result = await enclave.models.downloads.download(preset, "completion");
        const elapsed = Date.now() - started;
        assert.equal(result, undefined);
        assert.equal(enclave.models.downloads.lastDownload?.outcome, "failed");
        assert.ok(elapsed < 5000, `failed after ${elapsed} ms`);
        console.log(`  offline download failed after ${elapsed} ms`);
        assert.match(enclave.models.downloads.lastDownload?.messages.join("\n") ?? "", /^Connecting/, "it said it was connecting");
        assert.equal(existsSync(join(modelsDir, basename(preset.files[0] ?? ""))), false);
        assert.equal(config().get<string>("completion.model"), "", "the completion model is unchanged");
        assert.equal(config().get<string>("chat.model"), chatBefore);
    });

    it("on screen, the offline failure offers Import GGUF File… and its progress notification goes away", async function () {
        skipWithoutScreenshots(this, "checking the notifications on screen");
        const preset = catalogue.find((candidate) => candidate.role === "completion" && candidate.files.length === 1) as ModelPreset;
        assert.equal((await enclaveApi()).models.downloads.lastDownload?.outcome, "failed", "the test before left a failed download");
        const text = await notificationText("models-offline", "Import GGUF File");
        // The failure is shown once VS Code has closed the progress (it keeps one up for 800 ms at least).
        assert.ok(!text.includes("Connecting to the server"), `no progress left beside the failure:\n${text.slice(0, 2000)}`);
        // VS Code keeps the progress notification of a finished task briefly at most.
        await waitForScreenText("models-offline-later", (text) => !text.includes(`downloading ${preset.label}`), "the failed download's progress notification to go away");
    });

    it("imports a file and refuses a bad one with its problem in plain words", async () => {
        const enclave = await enclaveApi();
        const notGguf = join(mkdtempSync(join(tmpdir(), "enclave-it-import-")), "notes.gguf");
        writeFileSync(notGguf, "This is a text file, not a model.\n");
        try {
            assert.equal(await enclave.models.imports.importPath(notGguf, "copy", "completion"), undefined);
            assert.equal(enclave.models.imports.lastFailure, NOT_GGUF_SENTENCE);
            assert.equal(existsSync(join(modelsDir, "notes.gguf")), false);
            const imported = await enclave.models.imports.importPath(scriptedPath, "link", "completion");
            assert.equal(imported, join(modelsDir, basename(scriptedPath)));
            assert.equal(config().get<string>("completion.model"), imported);
            const overview = await enclave.engine.modelsOverview(modelsDir);
            const linked = overview.installed.find((model) => model.entryPath === imported);
            assert.equal(linked?.linked, true, "imported as a link");
            assert.equal(linked?.sizeBytes, scriptedBytes.length);
            assert.equal(overview.disk.linkedBytes, scriptedBytes.length, "a link takes no space in the models folder");
        } finally {
            await config().update("completion.model", undefined, vscode.ConfigurationTarget.Global);
            rmSync(dirname(notGguf), {recursive: true, force: true});
        }
    });

    it("on screen, a refused import says what is wrong with the file", async function () {
        skipWithoutScreenshots(this, "checking the notification on screen");
        const enclave = await enclaveApi();
        const notGguf = join(mkdtempSync(join(tmpdir(), "enclave-it-import-")), "notes.gguf");
        writeFileSync(notGguf, "This is a text file, not a model.\n");
        try {
            await vscode.commands.executeCommand("notifications.clearAll");
            assert.equal(await enclave.models.imports.importPath(notGguf, "copy", "completion"), undefined);
            // The sentence up to its quotes: the captured text may render them differently.
            const sentence = NOT_GGUF_SENTENCE.slice(0, NOT_GGUF_SENTENCE.indexOf(" (it does"));
            await notificationText("models-import-refused", sentence);
        } finally {
            rmSync(dirname(notGguf), {recursive: true, force: true});
        }
    });
});
