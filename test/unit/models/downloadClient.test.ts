// The download client against a fake download process (test/fixtures/fake-download-process.mjs)
// that sends what the real one never should: what arrives malformed is dropped, not acted on; a
// cancel reaches the process as a cancel message, and ends it within the grace even when it does
// not listen.
import assert from "node:assert/strict";
import {fileURLToPath} from "node:url";
import {startDownload, type DownloadHandle} from "../../../src/models/downloadClient";
import type {DownloadProgress} from "../../../src/models/downloadProtocol";
import {ModelError} from "../../../src/models/errors";

const fakeProcess = fileURLToPath(new URL("../../fixtures/fake-download-process.mjs", import.meta.url));
// Long enough that a process which listens always beats it, even on a busy machine.
const graceMs = 1_000;

interface Run {
    readonly handle: DownloadHandle;
    readonly progress: DownloadProgress[];
    readonly logs: string[];
}

function run(behaviour: string): Run {
    const progress: DownloadProgress[] = [];
    const logs: string[] = [];
    const handle = startDownload({id: behaviour, files: ["hf:u/r/m.gguf"], modelsDir: "/models"}, {}, {
        processPath: fakeProcess,
        cancelGraceMs: graceMs,
        onProgress: (update) => progress.push(update),
        log: (level, message) => logs.push(`${level}: ${message}`)
    });
    return {handle, progress, logs};
}

async function rejection(promise: Promise<unknown>): Promise<ModelError> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
        return error;
    }
    assert.fail("expected a rejection");
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, "ESRCH");
        return false;
    }
}

/** Polls (bounded) until `condition` holds. */
async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
        if (performance.now() > deadline) throw new Error(`the condition did not hold within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
}

/** Cancels a download once it is under way: how long cancel() took, whether the process outlived it, what the download ended with. */
async function cancelUnderWay(behaviour: string): Promise<{elapsed: number; alive: boolean; error: ModelError}> {
    const {handle, progress} = run(behaviour);
    await waitFor(() => progress.length > 0);
    const started = performance.now();
    await handle.cancel();
    const elapsed = performance.now() - started;
    return {elapsed, alive: isAlive(handle.pid!), error: await rejection(handle.result)};
}

describe("download client (against a fake download process)", function () {
    this.timeout(15_000);

    it("drops a malformed progress and an error with an unknown code, and acts on the good messages after them", async () => {
        const {handle, progress, logs} = run("malformed");
        const result = await handle.result;
        assert.equal(result.entryPath, "/models/m.gguf", "the result after the malformed error was not taken");
        assert.deepEqual(progress.map((update) => update.downloadedBytes), [50], "a malformed progress reached onProgress");
        assert.equal(logs.filter((line) => line.startsWith("error: Dropped a malformed download event")).length, 2, logs.join("\n"));
        assert.ok(logs.some((line) => line.startsWith("error: Ignored a malformed message") && line.includes("code")), logs.join("\n"));
    });

    it("a cancel reaches the process, which answers Cancelled and exits before the grace runs out", async () => {
        const {elapsed, alive, error} = await cancelUnderWay("honour-cancel");
        assert.equal(alive, false, "the process still runs after cancel() resolved");
        assert.equal(error.code, "Cancelled");
        assert.equal(error.message, "cancelled by request", "the process's own answer was not the one taken");
        assert.ok(elapsed < graceMs, `cancel took ${Math.round(elapsed)} ms: the process was killed, not told`);
    });

    it("a process deaf to the cancel is killed when the grace runs out: its pid is gone when cancel() resolves", async () => {
        const {elapsed, alive, error} = await cancelUnderWay("ignore-cancel");
        assert.equal(alive, false, "the process still runs after cancel() resolved");
        assert.equal(error.code, "Cancelled");
        assert.ok(elapsed >= graceMs - 20, `cancel resolved after ${Math.round(elapsed)} ms, before the grace of ${graceMs} ms`);
        // Generous: the kill and the exit it causes take milliseconds, on a machine that may be busy.
        assert.ok(elapsed < graceMs + 2_000, `cancel took ${Math.round(elapsed)} ms with a grace of ${graceMs} ms`);
    });

    it("a process that dies fails the download with its exit code and the end of its stderr", async () => {
        const error = await rejection(run("crash").handle.result);
        assert.equal(error.code, "DownloadFailed");
        assert.equal(error.message, "The download process stopped unexpectedly.");
        assert.match(error.detail ?? "", /exit code 3/);
        assert.match(error.detail ?? "", /giving up/);
    });

    it("a process that cannot be started fails the download and cancel() still resolves", async () => {
        const handle = startDownload({id: "x", files: ["hf:u/r/m.gguf"], modelsDir: "/models"}, {}, {processPath: fakeProcess, execPath: "/nonexistent/node"});
        const error = await rejection(handle.result);
        assert.equal(error.code, "DownloadFailed");
        assert.equal(error.message, "The download could not be started.");
        await handle.cancel();
    });
});
