// Every class of damaged model file (test/models/damaged.ts: cut, corrupt counts, numbers llama.cpp
// aborts on, NaN weights, a FIFO, a link loop, … and seeded header mutants) through the real model
// process, by load and by Import: each gets a plain sentence naming the file within 2 s, the
// process that read it is still alive, its memory stays bounded, and a good model loads right after.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { EngineClient } from "../../src/engine/client";
import { EngineError } from "../../src/engine/errors";
import { damagedFiles, FUZZ_MUTANTS, type DamagedFile } from "../models/damaged";
import { coderScriptedModel } from "../models/scripted";
import { startClient } from "./harness";

const answerBoundMs = 2_000;
/** Named classes in test/models/damaged.ts (the rest are fuzz mutants). */
const DAMAGED_CLASSES = 30;
/** The worker with node-llama-cpp and the tiny scripted model needs ~200 MB; a runaway header parse needed gigabytes. */
const peakRssBound = 768 * 1024 * 1024;
/** Codes that mean the file was not judged: the process died, hung or broke. */
const notAVerdict = new Set(["EngineCrashed", "Timeout", "Internal", "Aborted"]);

/** The most memory the process has used so far (Linux: VmHWM); elsewhere its current RSS. */
function peakRssBytes(pid: number): number {
    if (process.platform === "linux") {
        const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        assert.ok(line, "no VmHWM in /proc/<pid>/status");
        return Number(line[1]) * 1024;
    }
    return Number(execFileSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).trim()) * 1024;
}

function assertAlive(pid: number | undefined, what: string): number {
    assert.ok(pid !== undefined, `no model process is running after ${what}`);
    process.kill(pid, 0); // throws when the process is gone
    return pid;
}

describe("damaged model files: load and Import", function () {
    this.timeout(120_000);
    let dir: string;
    let files: DamagedFile[];
    let good: string;
    let client: EngineClient;
    let logs: string[];
    let peakRss = 0;
    let slowestLoadMs = 0;
    let slowestImportMs = 0;

    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-damaged-"));
        files = await damagedFiles(path.join(dir, "files"));
        // The completion role, as a Qwen2.5-Coder-shaped model is: a good file must fill in the middle.
        good = await coderScriptedModel();
        ({ client, logs } = startClient());
        await loadGood();
    });

    let goodPid: number | undefined;
    let contextSize = 512;
    /** Loads the good model (a real load: another context size than last time) and lets it infill. */
    async function loadGood(): Promise<void> {
        contextSize = contextSize === 512 ? 1024 : 512;
        client.configureCompletion({ modelPath: good, contextSize });
        const infill = await client.complete({ prefix: "function add(a, b) {\n    ", suffix: "\n}\n" });
        assert.equal(infill.text, "return a - b;", "the good model loads and answers");
        goodPid = client.workerPid;
    }
    after(async () => {
        await client?.shutdown();
        await rm(dir, { recursive: true, force: true });
        console.log(`      ${files.length} files; slowest answer: load ${Math.round(slowestLoadMs)} ms, Import ${Math.round(slowestImportMs)} ms; the model process's peak RSS: ${Math.round(peakRss / 2 ** 20)} MB`);
    });
    afterEach(async function () {
        if (this.currentTest?.state !== "failed") return;
        console.log(logs.slice(-30).join("\n"));
        // The next file starts from a loaded good model, as after a test that passed.
        await loadGood();
    });

    it("the generator makes every class and the fuzz mutants", () => {
        assert.equal(files.filter((file) => file.expected === undefined).length, FUZZ_MUTANTS);
        assert.equal(files.length, DAMAGED_CLASSES + FUZZ_MUTANTS, "a class was added or removed: update DAMAGED_CLASSES");
    });

    // The list is made in `before`; mocha needs the tests now, so one test per index.
    for (let index = 0; index < DAMAGED_CLASSES + FUZZ_MUTANTS; index++) {
        it(`damaged file ${index + 1}`, async function () {
            const file = files[index] ?? assert.fail(`there is no damaged file ${index + 1}`);
            this.test!.title = file.kind;
            const name = path.basename(file.path);

            // Loaded as the completion model, which is swapped in place: the process that judges the
            // file is the one that loaded the good model before it, not a fresh one.
            client.configureCompletion({ modelPath: file.path });
            const loadStarted = performance.now();
            const loadError = await client.ensureModel(undefined, "completion").then(() => undefined, (error: unknown) => error);
            const loadMs = performance.now() - loadStarted;
            slowestLoadMs = Math.max(slowestLoadMs, loadMs);
            assert.ok(loadMs < answerBoundMs, `load answered after ${Math.round(loadMs)} ms`);
            const pid = assertAlive(client.workerPid, "the load");
            assert.equal(pid, goodPid, "the load ran in the process that had loaded the good model");
            if (loadError !== undefined) {
                assert.ok(loadError instanceof EngineError, `not an EngineError: ${loadError instanceof Error ? loadError.message : JSON.stringify(loadError)}`);
                assert.ok(!notAVerdict.has(loadError.code), `${loadError.code}: ${loadError.message}`);
                assert.ok(loadError.message.includes(name), `the message doesn't name ${name}: ${loadError.message}`);
            }

            const importStarted = performance.now();
            const imported = await client.importModel({ sourcePath: file.path, modelsDir: path.join(dir, "models", String(index)) });
            const importMs = performance.now() - importStarted;
            slowestImportMs = Math.max(slowestImportMs, importMs);
            assert.ok(importMs < answerBoundMs, `Import answered after ${Math.round(importMs)} ms`);
            assert.equal(assertAlive(client.workerPid, "the import"), pid, "Import ran in the same process");
            peakRss = Math.max(peakRss, peakRssBytes(pid));
            assert.ok(peakRss < peakRssBound, `the model process used ${Math.round(peakRss / 2 ** 20)} MB`);

            if (file.expected !== undefined) {
                assert.ok(loadError instanceof EngineError, "the load succeeded");
                assert.equal(loadError.code, file.expected.code, loadError.message);
                assert.match(loadError.message, file.expected.message);
                assert.equal(imported.ok, false, "Import accepted it");
                if (imported.ok) return;
                assert.equal(imported.error.code, "InvalidModel", imported.error.message);
                assert.deepEqual(imported.error.problems.map((problem) => problem.code), [file.expected.problem], imported.error.message);
                assert.match(imported.error.message, file.expected.message);
                assert.equal(imported.error.message, loadError.message, "load and Import say the same");
            } else {
                // A mutant may still be a good model; then both accept it. Otherwise both refuse it, in the same words.
                assert.equal(imported.ok, loadError === undefined, `Import ${imported.ok ? "accepted" : "refused"} what the load ${loadError === undefined ? "accepted" : "refused"}: ${imported.ok ? "" : imported.error.message} / ${String(loadError)}`);
                if (!imported.ok && loadError instanceof EngineError) assert.equal(imported.error.message, loadError.message);
            }

            await loadGood();
        });
    }
});
