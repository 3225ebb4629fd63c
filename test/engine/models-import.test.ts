// "Import GGUF File…" and the models folder: a good model imports (copied or linked) and loads in
// node-llama-cpp, a split model comes in whole from any of its parts, and each kind of bad file is
// refused with its own code and its own sentence — before anything is written to the models folder.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Llama } from "node-llama-cpp";
import { ModelError, type ModelProblemCode } from "../../src/models/errors";
import { importGguf } from "../../src/models/importGguf";
import { deleteInstalledModel, discardPartialDownload, diskUsage, listInstalledModels, listPartialDownloads } from "../../src/models/library";
import { stagingDir } from "../../src/models/modelsFolder";
import { badModels, type BadModels } from "../models/bad";
import { scriptedModel } from "../models/scripted";
import { splitGguf } from "./modelsGgufSplit";

async function importError(source: string, modelsDir: string): Promise<ModelError> {
    try {
        await importGguf(source, modelsDir);
    } catch (error) {
        assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
        return error;
    }
    assert.fail(`${path.basename(source)} was imported`);
}

describe("importing GGUF files and the models folder", function () {
    this.timeout(60_000);
    let dir: string;
    let scripted: string;
    let bad: BadModels;
    let parts: string[];
    let llama: Llama;

    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-import-"));
        const source = path.join(dir, "source");
        await mkdir(source);
        scripted = path.join(source, "Scripted-R1-Q8_0.gguf");
        await copyFile(await scriptedModel(), scripted);
        bad = await badModels();
        parts = await splitGguf(await scriptedModel(), source, "Scripted-Split", 3);
        const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
        llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    });
    after(async () => {
        await llama?.dispose();
        await rm(dir, { recursive: true, force: true });
    });

    /** Loads the model and lets the scripted chain complete a line: proof that the imported files are whole. */
    async function completes(modelPath: string): Promise<string> {
        const { LlamaCompletion } = await import("node-llama-cpp");
        const model = await llama.loadModel({ modelPath });
        const context = await model.createContext({ contextSize: 512, threads: Math.min(2, os.availableParallelism()) });
        try {
            return await new LlamaCompletion({ contextSequence: context.getSequence() }).generateCompletion("function add(a, b) {", { maxTokens: 16 });
        } finally {
            await context.dispose();
            await model.dispose();
        }
    }

    it("the scripted model imports as a copy and loads", async () => {
        const modelsDir = path.join(dir, "models");
        const imported = await importGguf(scripted, modelsDir);
        assert.equal(imported.entryPath, path.join(modelsDir, "Scripted-R1-Q8_0.gguf"));
        assert.equal(imported.linked, false);
        assert.equal(imported.alreadyInstalled, false);
        assert.ok((await readFile(imported.entryPath)).equals(await readFile(scripted)));
        assert.deepEqual((await readdir(modelsDir)).filter((name) => name.endsWith(".tmp")), [], "a temporary file was left behind");
        assert.equal(await completes(imported.entryPath), "console.log(42);\n}");

        const again = await importGguf(scripted, modelsDir);
        assert.equal(again.alreadyInstalled, true);
    });

    it("imports by link when asked: the file stays where it is, and deleting removes only the link", async () => {
        const modelsDir = path.join(dir, "models-linked");
        const imported = await importGguf(scripted, modelsDir, { mode: "link" });
        assert.equal(imported.linked, true);
        assert.ok((await lstat(imported.entryPath)).isSymbolicLink());
        const [listed] = await listInstalledModels(modelsDir);
        assert.equal(listed?.linked, true);
        assert.equal((await diskUsage(modelsDir)).linkedBytes, (await readFile(scripted)).length);

        await deleteInstalledModel(modelsDir, imported.entryPath);
        assert.equal(existsSync(imported.entryPath), false);
        assert.ok(existsSync(scripted), "deleting the link deleted the original");
    });

    it("a split model comes in whole from any of its parts and loads", async () => {
        const modelsDir = path.join(dir, "models-split");
        const imported = await importGguf(parts[1]!, modelsDir);
        assert.equal(imported.entryPath, path.join(modelsDir, "Scripted-Split-00001-of-00003.gguf"));
        assert.deepEqual((await readdir(modelsDir)).sort(), parts.map((part) => path.basename(part)));
        assert.equal(await completes(imported.entryPath), "console.log(42);\n}");
    });

    it("a split model with a part missing is refused, naming the part", async () => {
        const incomplete = path.join(dir, "incomplete");
        await mkdir(incomplete);
        for (const part of [parts[0]!, parts[2]!]) await copyFile(part, path.join(incomplete, path.basename(part)));
        const modelsDir = path.join(dir, "models-incomplete");
        const error = await importError(path.join(incomplete, path.basename(parts[0]!)), modelsDir);
        assert.deepEqual(error.problems.map((problem) => problem.code), ["MissingParts"]);
        assert.match(error.message, /split into 3 files, and one of them is missing beside Scripted-Split-00001-of-00003\.gguf: Scripted-Split-00002-of-00003\.gguf\./);
        assert.equal(existsSync(modelsDir), false, "something was written to the models folder");
    });

    it("refuses each kind of bad file with its own code and its own message", async () => {
        const modelsDir = path.join(dir, "models-bad");
        const head = await readFile(scripted);
        const oldVersion = path.join(dir, "old-version.gguf");
        await writeFile(oldVersion, Buffer.concat([head.subarray(0, 4), Buffer.from([1, 0, 0, 0]), head.subarray(8)]));
        // A metadata value type that doesn't exist: the header is there but unreadable.
        const corrupt = path.join(dir, "corrupt.gguf");
        const damaged = Buffer.from(head);
        damaged.writeUInt32LE(99, 32 + Number(damaged.readBigUInt64LE(24)));
        await writeFile(corrupt, damaged);

        const cases: readonly (readonly [string, ModelProblemCode, RegExp])[] = [
            [bad.notGguf, "NotGguf", /is not a GGUF model file/],
            [bad.truncated, "Truncated", /is incomplete: it has .* of the .* its header describes/],
            [bad.unsupportedArch, "UnsupportedArchitecture", /uses the model architecture "enclave-unknown", which the llama\.cpp bundled with Enclave cannot run/],
            [bad.noTokenizer, "NoTokenizer", /has no tokenizer/],
            [bad.missing, "NotFound", /does not exist/],
            [oldVersion, "UnsupportedVersion", /version 1; llama\.cpp reads versions 2 and 3/],
            [corrupt, "Corrupt", /is damaged: its metadata entry general\.architecture has an unknown type \(99\)/]
        ];
        const messages = new Set<string>();
        for (const [file, code, message] of cases) {
            const error = await importError(file, modelsDir);
            assert.equal(error.code, "InvalidModel");
            assert.deepEqual(error.problems.map((problem) => problem.code), [code], `${path.basename(file)}: ${error.message}`);
            assert.match(error.message, message);
            assert.ok(error.message.includes(path.basename(file)), `the message doesn't name the file: ${error.message}`);
            messages.add(error.problems[0]!.message.replace(path.basename(file), "FILE"));
        }
        assert.equal(messages.size, cases.length, "two kinds of bad file got the same message");
        assert.equal(existsSync(modelsDir), false, "something was written to the models folder");
    });

    it("lists installed models with sizes and roles from their metadata, and deletes them with all their parts", async () => {
        const modelsDir = path.join(dir, "models-library");
        await importGguf(scripted, modelsDir);
        await importGguf(parts[0]!, modelsDir);
        await mkdir(stagingDir(modelsDir, "r1-distill-qwen-7b"), { recursive: true });
        await writeFile(path.join(stagingDir(modelsDir, "r1-distill-qwen-7b"), "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf.ipull"), Buffer.alloc(4096, 1));

        const models = await listInstalledModels(modelsDir);
        assert.deepEqual(models.map((model) => model.fileName), ["Scripted-R1-Q8_0.gguf", "Scripted-Split-00001-of-00003.gguf"]);
        const [single, split] = models;
        assert.equal(single?.sizeBytes, (await readFile(scripted)).length);
        assert.equal(single?.architecture, "qwen2");
        assert.equal(single?.quantization, "Q8_0");
        assert.deepEqual(single?.roles, ["chat"], "a reasoning model is for chat, FIM tokens or not");
        assert.ok((single?.parameters ?? 0) > 0);
        assert.deepEqual(single?.problems, []);
        assert.equal(split?.files.length, 3);
        assert.equal(split?.sizeBytes, (await Promise.all(parts.map((part) => readFile(part)))).reduce((sum, part) => sum + part.length, 0));

        const usage = await diskUsage(modelsDir);
        assert.equal(usage.modelsBytes, (single?.sizeBytes ?? 0) + (split?.sizeBytes ?? 0));
        assert.equal(usage.partialBytes, 4096);
        assert.ok(usage.freeBytes > 0);
        assert.deepEqual((await listPartialDownloads(modelsDir)).map((partial) => partial.id), ["r1-distill-qwen-7b"]);
        await discardPartialDownload(modelsDir, "r1-distill-qwen-7b");
        assert.deepEqual(await listPartialDownloads(modelsDir), []);

        await assert.rejects(deleteInstalledModel(modelsDir, scripted), (error: unknown) => error instanceof ModelError && error.code === "OutsideModelsFolder");
        await deleteInstalledModel(modelsDir, split.entryPath);
        assert.deepEqual((await listInstalledModels(modelsDir)).map((model) => model.fileName), ["Scripted-R1-Q8_0.gguf"]);
        assert.ok(existsSync(parts[0]!), "deleting from the models folder touched the source");
    });
});
