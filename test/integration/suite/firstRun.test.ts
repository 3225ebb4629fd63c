// First run in a real VS Code. From a state with no model set, the offer names the pair the model
// process recommends for this machine — an R1 distill for chat and review and a Qwen2.5-Coder for
// inline completions — with sizes, the total and the speed to expect. Accepting it (the
// notification's primary action, as a click would) downloads both from a loopback server that
// speaks the Hugging Face paths, serving test models under the presets' own repository paths, under
// one progress notification; afterwards `enclave.chat.model` and `enclave.completion.model` name
// the two files, the chat model answers and the completion model completes. "Chat Model Only"
// downloads the distill alone; a Cancel during the coder's download keeps the distill. Settings are
// restored afterwards, so the suites after this one still see the scripted model.
import assert from "node:assert/strict";
import {existsSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import * as vscode from "vscode";
import type {ModelsOverview} from "../../../src/engine/modelManagerProtocol";
import type {ChatResult} from "../../../src/engine/protocol";
import type {EnclaveApi} from "../../../src/extension";
import {presetById, type ModelPreset} from "../../../src/models/catalogue";
import {formatFileSize} from "../../../src/models/units";
import {startHfServer, type HfServer} from "../../engine/modelsHfServer";
import {enclaveApi, waitFor} from "../enclave";
import {notificationText, screenshot, skipWithoutScreenshots} from "../screenshot";

/** `user/repo/path` of an `hf:user/repo/path` URI: the server's key for the file. */
const repoPath = (uri: string): string => uri.replace(/^hf:/, "");
const fileOf = (preset: ModelPreset): string => preset.files[0] ?? "";

describe("first run", function () {
    this.timeout(180_000);
    const config = () => vscode.workspace.getConfiguration("enclave");
    const folders: string[] = [];
    const servers: HfServer[] = [];
    let scriptedPath: string;
    let chatBytes: Buffer;
    let coderBytes: Buffer;

    /** A profile as it starts out: no chat or completion model, none loaded, an empty models folder. */
    async function freshProfile(enclave: EnclaveApi): Promise<string> {
        const modelsDir = mkdtempSync(join(tmpdir(), "enclave-it-first-run-"));
        folders.push(modelsDir);
        await config().update("models.folder", modelsDir, vscode.ConfigurationTarget.Global);
        await enclave.engine.unload();
        await config().update("chat.model", undefined, vscode.ConfigurationTarget.Global);
        await config().update("completion.model", undefined, vscode.ConfigurationTarget.Global);
        await waitFor(() => enclave.engine.configuredModel === undefined && enclave.engine.configuredCompletionModel === undefined, "no model to be configured");
        assert.match(enclave.statusBarText(), /no model/);
        return modelsDir;
    }

    /** The pair the model process recommends here, served by a loopback server at `bytesPerSecond`. */
    async function servePair(modelsDir: string, bytesPerSecond: number): Promise<{overview: ModelsOverview; chat: ModelPreset; coder: ModelPreset; server: HfServer}> {
        const enclave = await enclaveApi();
        const overview = await enclave.engine.modelsOverview(modelsDir);
        const chat = overview.recommended.chat === undefined ? undefined : presetById(overview.recommended.chat);
        const coder = overview.recommended.completion === undefined ? undefined : presetById(overview.recommended.completion);
        assert.ok(chat && coder, `a chat model and a coder fit this machine together (${overview.summary})`);
        assert.equal(coder.family, "qwen2.5-coder");
        assert.deepEqual([chat.files.length, coder.files.length], [1, 1], "the recommendation for a test machine is single files");
        const server = await startHfServer({
            files: new Map([[repoPath(fileOf(chat)), chatBytes], [repoPath(fileOf(coder)), coderBytes]]),
            bytesPerSecond,
            lifetimeMs: 170_000
        });
        servers.push(server);
        await config().update("models.huggingFaceEndpoint", server.url, vscode.ConfigurationTarget.Global);
        return {overview, chat, coder, server};
    }

    const requestsFor = (server: HfServer, preset: ModelPreset): number =>
        server.requests.filter((request) => request.path.endsWith(`/${basename(fileOf(preset))}`)).length;

    before(async () => {
        await enclaveApi();
        scriptedPath = config().inspect<string>("chat.model")?.globalValue ?? "";
        assert.ok(scriptedPath, "the test profile names the scripted model");
        chatBytes = readFileSync(scriptedPath);
        // A different file for the coder, so each download is seen to land where it belongs.
        const coderPath = vscode.workspace.getConfiguration("enclaveTest").get<string>("slowCompletionModel") ?? "";
        coderBytes = readFileSync(coderPath);
        assert.ok(!coderBytes.equals(chatBytes));
    });

    after(async () => {
        const enclave = await enclaveApi();
        await vscode.commands.executeCommand("notifications.hideList");
        await config().update("chat.model", scriptedPath, vscode.ConfigurationTarget.Global);
        await config().update("completion.model", undefined, vscode.ConfigurationTarget.Global);
        await config().update("models.folder", undefined, vscode.ConfigurationTarget.Global);
        await config().update("models.huggingFaceEndpoint", undefined, vscode.ConfigurationTarget.Global);
        await waitFor(() => enclave.engine.configuredModel?.modelPath === scriptedPath && enclave.engine.configuredCompletionModel === undefined, "the scripted model to be configured again");
        await enclave.engine.unload();
        await vscode.commands.executeCommand("notifications.clearAll");
        for (const server of servers) await server.close();
        for (const folder of folders) rmSync(folder, {recursive: true, force: true});
    });

    it("offers the pair with sizes, total and speed, downloads both under one progress, and sets both models", async function () {
        skipWithoutScreenshots(this, "checking the offer and its progress notification on screen");
        const enclave = await enclaveApi();
        const modelsDir = await freshProfile(enclave);
        const {overview, chat, coder, server} = await servePair(modelsDir, Math.ceil((chatBytes.length + coderBytes.length) / 8)); // about 8 s for both: progress to see

        const requestsBefore = server.requests.length;
        const setUp = vscode.commands.executeCommand<string | undefined>("enclave.setUp");
        await waitFor(() => enclave.models.firstRun.lastOffer !== undefined, "the first-run offer");
        const offer = enclave.models.firstRun.lastOffer ?? "";
        const total = formatFileSize(chat.sizeBytes + coder.sizeBytes);
        assert.ok(offer.startsWith(`Set up Enclave: download ${chat.label} (${formatFileSize(chat.sizeBytes)}) for chat and review and ${coder.label} (${formatFileSize(coder.sizeBytes)}) for inline completions, ${total} in all? `), offer);
        // The speed comes from the memory speed the model process measured, and says so.
        assert.ok(overview.machine.memoryBytesPerSecond !== undefined && overview.machine.memoryBytesPerSecond > 1e8, "the model process measured its memory speed");
        const figure = String.raw`(?:about [\d.,]+ tokens?/s|under 1 token/s)`;
        assert.match(offer, new RegExp(String.raw`Expect ${figure} in chat and ${figure} in completions at best — an estimate: memory copies at [\d.]+ [MG]B/s here \(measured on one core\)`));
        // Each figure is the stated memory speed ÷ the model's size (both rounded for display).
        const [, chatFigure, coderFigure, copies, unit] = /Expect (.*?) in chat and (.*?) in completions.* memory copies at ([\d.]+) ([MG])B\/s/.exec(offer) ?? [];
        const bytesPerSecond = Number(copies) * 1024 ** (unit === "G" ? 3 : 2);
        for (const [figure, preset] of [[chatFigure, chat], [coderFigure, coder]] as const) {
            const expected = bytesPerSecond / preset.sizeBytes;
            const stated = figure === "under 1 token/s" ? 1 : Number(/about ([\d.,]+)/.exec(figure ?? "")?.[1]?.replace(/,/g, ""));
            assert.ok(figure === "under 1 token/s" ? expected < 1.05 : Math.abs(stated - expected) <= 0.06 * expected + 0.06, `${figure} for ${preset.label} from ${copies} ${unit}B/s ÷ ${formatFileSize(preset.sizeBytes)} (${expected.toFixed(2)})`);
        }
        assert.deepEqual(enclave.models.firstRun.lastActions, ["Download Both", "Chat Model Only", "Choose…", "Import…"]);
        assert.equal(server.requests.length, requestsBefore, "nothing touched the network before the user accepted");
        await waitFor(() => enclave.engine.workerPid === undefined, "the model process, started only to read the hardware, to be gone while the offer waits", 10_000);
        const text = await notificationText("first-run-offer", "Download Both");
        assert.ok(["Set up Enclave: download", `${total} in all`, "Download Both", "Chat Model Only", "Choose…", "Import…"].every((part) => text.includes(part)), `the offer and its four choices are on screen:\n${text.slice(0, 2000)}`);

        // The notification's primary action ("Download Both"), as a click on it.
        const started = Date.now();
        await vscode.commands.executeCommand("notification.acceptPrimaryAction");
        await waitFor(() => (enclave.models.downloads.lastDownload?.messages ?? []).some((message) => /^.* \(2 of 2\) · .* of .* · .*\/s/.test(message)), "the coder's download under way, with a speed", 30_000);
        await notificationText("first-run-progress", `downloading ${chat.label} and ${coder.label}`, 5000);

        const chatPath = await setUp;
        const record = enclave.models.downloads.lastDownload;
        assert.equal(record?.outcome, "done");
        assert.deepEqual(record?.presetIds, [chat.id, coder.id], "both downloads in one progress");
        const coderPath = join(modelsDir, basename(fileOf(coder)));
        assert.equal(chatPath, join(modelsDir, basename(fileOf(chat))));
        assert.deepEqual(record?.entryPaths, [chatPath, coderPath]);
        assert.ok(chatPath !== undefined && readFileSync(chatPath).equals(chatBytes), "the chat file is the one served for the distill");
        assert.ok(readFileSync(coderPath).equals(coderBytes), "the coder file is the one served for the coder");
        assert.equal(existsSync(join(modelsDir, ".downloads")), false, "no partial files left");
        // One progress: the first model's messages, then the second's, with bytes of the whole.
        const messages = record?.messages ?? [];
        const order = messages.map((message) => (message.includes("(1 of 2)") ? 1 : message.includes("(2 of 2)") ? 2 : 0));
        assert.ok(order.every((part) => part > 0), `every message names its part: ${JSON.stringify(messages)}`);
        assert.deepEqual(order, [...order].sort(), "the chat model first, then the coder");
        const wholeSize = formatFileSize(chatBytes.length + coderBytes.length);
        assert.ok(messages.some((message) => message.includes(`(2 of 2) · `) && message.includes(` of ${wholeSize} · `)), `bytes of both (${wholeSize}): ${JSON.stringify(messages.slice(-5))}`);
        assert.ok(messages.some((message) => /left$/.test(message)), "with the time left");
        console.log(`  first run: ${chatBytes.length} + ${coderBytes.length} bytes in ${Date.now() - started} ms, ${messages.length} progress updates, e.g. ${messages.filter((message) => / of /.test(message)).slice(-2).join(" | ")}`);

        assert.equal(config().get<string>("chat.model"), chatPath, "enclave.chat.model is the downloaded distill");
        assert.equal(config().get<string>("completion.model"), coderPath, "enclave.completion.model is the downloaded coder");
        await waitFor(() => enclave.engine.configuredModel?.modelPath === chatPath && enclave.engine.configuredCompletionModel?.modelPath === coderPath, "the engine to take both models");
        assert.equal(enclave.engine.completionRole, "completion", "completions go to the coder, not the chat model");
        const answer = await vscode.commands.executeCommand<ChatResult>("enclave.ask", "Say hello.");
        assert.equal(answer?.answer, "Hello!");
        const completion = await enclave.engine.complete({prefix: "function add(a: number, b: number) {\n    ", suffix: "\n}\n", maxTokens: 8});
        assert.ok(completion.generatedTokens > 0 && completion.text.length > 0, `the coder completes: ${JSON.stringify(completion)}`);
        assert.ok(enclave.engine.isModelLoaded("completion"), "the coder is loaded");
        await screenshot("first-run-ready");
    });

    it("\"Chat Model Only\" skips the coder: only the distill is downloaded and set", async () => {
        const enclave = await enclaveApi();
        const modelsDir = await freshProfile(enclave);
        const {chat, coder, server} = await servePair(modelsDir, Math.ceil(chatBytes.length / 2));
        let shown: string[] = [];
        // The choice that is not the notification's primary action, picked as the user would.
        const chatPath = await enclave.models.firstRun.offer(async (_message, labels) => {
            shown = labels;
            return labels.find((label) => label === "Chat Model Only");
        });
        assert.equal(shown[1], "Chat Model Only");
        assert.equal(chatPath, join(modelsDir, basename(fileOf(chat))));
        assert.deepEqual(enclave.models.downloads.lastDownload?.presetIds, [chat.id]);
        assert.equal(enclave.models.downloads.lastDownload?.outcome, "done");
        assert.equal(config().get<string>("chat.model"), chatPath);
        assert.equal(config().get<string>("completion.model"), "", "no completion model: the chat model serves completions");
        assert.equal(requestsFor(server, coder), 0, "the coder was never asked for");
        assert.equal(existsSync(join(modelsDir, basename(fileOf(coder)))), false);
        await waitFor(() => enclave.engine.configuredModel?.modelPath === chatPath, "the engine to take the chat model");
        assert.equal(enclave.engine.completionRole, "chat");
    });

    it("one Cancel stops the pair: the coder's download never starts and neither model is set", async function () {
        skipWithoutScreenshots(this, "checking the progress notification on screen");
        const enclave = await enclaveApi();
        const modelsDir = await freshProfile(enclave);
        // Slow enough to cancel the distill's transfer midway.
        const {chat, coder, server} = await servePair(modelsDir, Math.ceil(chatBytes.length / 30));
        const setUp = enclave.models.firstRun.offer(async (_message, labels) => labels[0]);
        await waitFor(() => (enclave.models.downloads.lastDownload?.messages ?? []).some((message) => /\(1 of 2\) · .* of .* · /.test(message)) && server.openRequests() > 0, "the distill's transfer to be under way", 30_000);
        await notificationText("first-run-cancel", `downloading ${chat.label} and ${coder.label}`, 5000);
        // The progress notification's primary action is its Cancel button.
        await vscode.commands.executeCommand("notification.acceptPrimaryAction");
        assert.equal(await setUp, undefined);
        const record = enclave.models.downloads.lastDownload;
        assert.equal(record?.outcome, "cancelled");
        assert.deepEqual(record?.entryPaths, []);
        assert.equal(await server.settle(3000), 0, "no request left open on the server");
        assert.ok(server.bytesServed() < chatBytes.length, "the distill stopped before its end");
        assert.equal(requestsFor(server, coder), 0, "the coder's download never started");
        assert.equal(config().get<string>("chat.model"), "", "no chat model set");
        assert.equal(config().get<string>("completion.model"), "", "no completion model set");
        for (const preset of [chat, coder]) assert.equal(existsSync(join(modelsDir, basename(fileOf(preset)))), false, `no ${preset.label} file under its final name`);
    });
});
