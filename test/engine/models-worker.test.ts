// The model manager's requests through the real worker process (the extension host asks these of
// the worker, because hardware detection and GGUF checks need node-llama-cpp): the overview of this
// machine and the models folder, import with each problem in plain words, and delete — then the
// imported model loads and answers through the same worker.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { catalogue } from "../../src/models/catalogue";
import { stagingDir } from "../../src/models/modelsFolder";
import type { EngineClient } from "../../src/engine/client";
import { badModels } from "../models/bad";
import { scriptedModel } from "../models/scripted";
import { startClient } from "./harness";

describe("model manager requests in the worker", function () {
    this.timeout(60_000);
    let dir: string;
    let client: EngineClient;
    let logs: string[];

    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-models-worker-"));
        ({ client, logs } = startClient());
    });
    after(async () => {
        await client?.shutdown();
        await rm(dir, { recursive: true, force: true });
    });
    afterEach(function () {
        if (this.currentTest?.state === "failed") console.log(logs.join("\n"));
    });

    it("reports this machine and judges every preset, without loading a model", async () => {
        const overview = await client.modelsOverview(path.join(dir, "empty"));
        assert.equal(overview.machine.ramBytes, os.totalmem(), "RAM as the OS reports it");
        assert.ok(overview.machine.freeDiskBytes > 0);
        assert.deepEqual(overview.presets.map((verdict) => verdict.id).sort(), catalogue.map((preset) => preset.id).sort());
        for (const verdict of overview.presets) assert.ok(verdict.reason.length > 10, `${verdict.id} has a reason`);
        // A 671B model needs far more than any machine these tests run on.
        const huge = overview.presets.find((verdict) => verdict.id === "deepseek-r1-671b");
        assert.equal(huge?.fits, false);
        assert.match(huge?.reason ?? "", /Needs .* GB/);
        if (overview.recommended.chat) {
            const chat = overview.presets.find((verdict) => verdict.id === overview.recommended.chat);
            assert.equal(chat?.fits, true);
            assert.equal(chat?.recommended, true);
        }
        assert.deepEqual(overview.installed, []);
        assert.equal(overview.disk.modelsBytes, 0);
        assert.equal(client.state.kind, "notLoaded", "no model was loaded for it");

        const cpuOnly = await client.modelsOverview(path.join(dir, "empty"), { gpu: "off" });
        assert.equal(cpuOnly.machine.gpu, false, "with the GPU turned off, the machine is judged on its CPU");
        assert.ok(cpuOnly.presets.every((verdict) => verdict.gpuLayers === 0));
    });

    it("measures its memory speed once and reports the speed to expect from the recommended pair on it", async () => {
        const first = await client.modelsOverview(path.join(dir, "empty"), { gpu: "off" });
        const speed = first.machine.memoryBytesPerSecond ?? 0;
        assert.ok(speed > 1e8 && speed < 2e12, `a plausible memory speed: ${speed} B/s`);
        assert.equal((await client.modelsOverview(path.join(dir, "empty"), { gpu: "off" })).machine.memoryBytesPerSecond, speed, "measured once per model process");
        const chat = catalogue.find((preset) => preset.id === first.recommended.chat);
        const coder = catalogue.find((preset) => preset.id === first.recommended.completion);
        assert.ok(chat && coder, `this machine gets a pair: ${first.summary}`);
        // On the CPU alone: memory speed ÷ each model's bytes (the catalogue's, before a header is read).
        assert.ok(Math.abs((first.recommended.chatTokensPerSecond ?? 0) - speed / chat.sizeBytes) < 1e-9);
        assert.ok(Math.abs((first.recommended.completionTokensPerSecond ?? 0) - speed / coder.sizeBytes) < 1e-9);
        assert.match(first.speed ?? "", /^Expect .* in chat and .* in completions at best — an estimate: memory copies at .* here \(measured on one core\)/);
    });

    it("imports a good model, lists it with its size and role, loads it, and deletes it", async () => {
        const modelsDir = path.join(dir, "models");
        const source = await scriptedModel();
        const events: number[] = [];
        const imported = await client.importModel({ sourcePath: source, modelsDir }, { onEvent: (event) => events.push(event.copiedBytes) });
        assert.ok(imported.ok, JSON.stringify(imported));
        const size = (await stat(source)).size;
        assert.equal(imported.model.sizeBytes, size);
        assert.ok(existsSync(imported.model.entryPath));

        const overview = await client.modelsOverview(modelsDir);
        assert.equal(overview.installed.length, 1);
        const [installed] = overview.installed;
        assert.equal(installed?.sizeBytes, size);
        assert.deepEqual(installed?.roles, ["chat"], "an R1-style model with a chat template serves chat");
        assert.deepEqual(installed?.problems, []);
        assert.equal(overview.disk.modelsBytes, size);

        client.configure({ modelPath: imported.model.entryPath, gpu: "off" });
        const answer = await client.chat({ messages: [{ role: "user", content: "Say hello." }], temperature: 0 });
        assert.equal(answer.answer, "Hello!");
        await client.unload();

        const deleted = await client.deleteModel(modelsDir, imported.model.entryPath);
        assert.deepEqual(deleted, { ok: true });
        assert.equal(existsSync(imported.model.entryPath), false);
        assert.deepEqual((await client.modelsOverview(modelsDir)).installed, []);
    });

    it("refuses bad files with one plain-words problem each, and deletes nothing outside the models folder", async () => {
        const modelsDir = path.join(dir, "refused");
        const bad = await badModels();
        const expected: Array<[string, string, RegExp]> = [
            [bad.notGguf, "NotGguf", /not a GGUF model file/],
            [bad.truncated, "Truncated", /incomplete/],
            [bad.unsupportedArch, "UnsupportedArchitecture", /architecture/],
            [bad.noTokenizer, "NoTokenizer", /tokenizer/]
        ];
        for (const [file, code, message] of expected) {
            const result = await client.importModel({ sourcePath: file, modelsDir });
            assert.equal(result.ok, false, `${path.basename(file)} was refused`);
            if (result.ok) continue;
            assert.equal(result.error.code, "InvalidModel");
            assert.ok(result.error.problems.some((problem) => problem.code === code && message.test(problem.message)),
                `${path.basename(file)}: ${JSON.stringify(result.error.problems)}`);
        }
        assert.equal(existsSync(modelsDir) ? (await client.modelsOverview(modelsDir)).installed.length : 0, 0);

        const outside = await client.deleteModel(modelsDir, await scriptedModel());
        assert.equal(outside.ok, false);
        if (!outside.ok) assert.equal(outside.error.code, "OutsideModelsFolder");
        assert.ok(existsSync(await scriptedModel()), "the file outside is untouched");
    });

    it("discards an unfinished download the overview lists, and only such a one", async () => {
        const modelsDir = path.join(dir, "partials");
        const staging = stagingDir(modelsDir, "r1-qwen-1.5b");
        await mkdir(staging, { recursive: true });
        await writeFile(path.join(staging, "model.gguf.ipull"), Buffer.alloc(64 * 1024, 1));
        const before = await client.modelsOverview(modelsDir);
        assert.deepEqual(before.partials.map((partial) => partial.id), ["r1-qwen-1.5b"]);
        assert.ok(before.disk.partialBytes > 0);

        for (const id of ["..", "elsewhere"]) {
            const refused = await client.discardPartialDownload(modelsDir, id);
            assert.equal(refused.ok, false, `"${id}" is not an unfinished download here`);
        }
        assert.ok(existsSync(staging), "nothing was removed for an unknown id");

        assert.deepEqual(await client.discardPartialDownload(modelsDir, "r1-qwen-1.5b"), { ok: true });
        assert.equal(existsSync(staging), false);
        const after = await client.modelsOverview(modelsDir);
        assert.deepEqual(after.partials, []);
        assert.equal(after.disk.partialBytes, 0);
    });
});
