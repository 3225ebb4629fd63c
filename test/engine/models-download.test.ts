// Model downloads end to end: the download process (src/models/downloadProcess.ts, run with tsx)
// drives node-llama-cpp's real downloader against a loopback server that speaks the Hugging Face
// paths, and the server's own records show what happened on the wire — that a cancel left no
// request open and nothing more was sent, that a restart asked only for the missing ranges.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDownload, type DownloadHandle } from "../../src/models/downloadClient";
import type { DownloadProgress, DownloadRequest, DownloadSettings } from "../../src/models/downloadProtocol";
import { ModelError } from "../../src/models/errors";
import { checkGgufFile } from "../../src/models/ggufCheck";
import { stagingDir } from "../../src/models/modelsFolder";
import { checkReachable } from "../../src/models/reachability";
import { gguf, writeGguf } from "../models/gguf-writer";
import { constantF32 } from "../models/qwen2";
import { scriptedModel } from "../models/scripted";
import { VocabBuilder } from "../models/vocab";
import { rejection } from "./harness";
import { splitGguf } from "./modelsGgufSplit";
import { closedPortUrl, startHfServer, startSilentServer, type HfServer } from "./modelsHfServer";

const processPath = path.resolve(import.meta.dirname, "../../src/models/downloadProcess.ts");
const MiB = 1024 * 1024;

/**
 * A valid GGUF of `mib` MiB (a qwen2 header with a tokenizer and the numbers the file check holds
 * against llama.cpp's limits, and one zero tensor): big enough to cancel halfway.
 */
async function writeBigGguf(file: string, mib: number): Promise<void> {
    const vocab = new VocabBuilder().build();
    const floats = (mib * MiB) / 4;
    await writeGguf(file, {
        "general.architecture": gguf.str("qwen2"),
        "general.name": gguf.str("Enclave download test"),
        "qwen2.block_count": gguf.u32(1),
        "qwen2.embedding_length": gguf.u32(64),
        ...vocab.metadata()
    }, [{ name: "padding.weight", dims: [1024, floats / 1024], ...constantF32(floats, 0) }]);
}

interface Run {
    readonly handle: DownloadHandle;
    readonly progress: DownloadProgress[];
}

function run(request: DownloadRequest, settings: DownloadSettings = {}): Run {
    const progress: DownloadProgress[] = [];
    const handle = startDownload(request, { progressIntervalMs: 100, ...settings }, {
        processPath,
        execArgv: ["--import", "tsx"],
        onProgress: (update) => progress.push(update)
    });
    return { handle, progress };
}

/** Polls (bounded) until `condition` holds. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!(await condition())) {
        if (performance.now() > deadline) throw new Error(`the condition did not hold within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("model downloads (loopback Hugging Face server)", function () {
    this.timeout(60_000);
    let dir: string;
    let big: Buffer;
    let scripted: Buffer;
    let parts: Buffer[];

    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-download-"));
        await writeBigGguf(path.join(dir, "big.gguf"), 24);
        big = await readFile(path.join(dir, "big.gguf"));
        scripted = await readFile(await scriptedModel());
        const partFiles = await splitGguf(await scriptedModel(), dir, "Scripted-R1", 3);
        parts = await Promise.all(partFiles.map((file) => readFile(file)));
    });
    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    describe("a single file", () => {
        let server: HfServer;
        before(async () => {
            server = await startHfServer({ files: new Map([["enclave/big-GGUF/Big-Q8_0.gguf", big]]), bytesPerSecond: 6 * MiB });
        });
        after(() => server.close());

        it("reports monotonic progress that reaches the size, then checks the file and moves it into place", async () => {
            const modelsDir = path.join(dir, "models-progress");
            const { handle, progress } = run({ id: "big", files: ["hf:enclave/big-GGUF/Big-Q8_0.gguf"], modelsDir, endpoint: server.url });
            const result = await handle.result;

            const downloading = progress.filter((update) => update.phase === "downloading");
            assert.ok(downloading.length >= 4, `only ${downloading.length} progress updates`);
            for (let i = 1; i < progress.length; i++)
                assert.ok(progress[i]!.downloadedBytes >= progress[i - 1]!.downloadedBytes, `progress went back at update ${i}`);
            assert.ok(downloading.every((update) => update.totalBytes === big.length));
            assert.ok(downloading.some((update) => update.bytesPerSecond > 0 && update.secondsLeft != null && update.secondsLeft > 0));
            const last = progress.at(-1)!;
            assert.equal(last.phase, "verifying");
            assert.equal(last.downloadedBytes, big.length);

            assert.equal(result.entryPath, path.join(modelsDir, "Big-Q8_0.gguf"));
            assert.equal(result.resumedBytes, 0);
            assert.ok((await readFile(result.entryPath)).equals(big));
            assert.deepEqual(await readdir(modelsDir), ["Big-Q8_0.gguf"], "the partial-download folder is gone");
            assert.equal(await server.settle(1000), 0, "a request is still open");
        });

        it("a download process whose extension goes away stops its transfer and exits", async () => {
            const modelsDir = path.join(dir, "models-orphan");
            const child = fork(processPath, [], { execArgv: ["--import", "tsx"], serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"] });
            const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
            let downloaded = 0;
            child.on("message", (message: { type?: string, event?: { downloadedBytes?: number } }) => {
                if (message.type === "event") downloaded = message.event?.downloadedBytes ?? downloaded;
            });
            const request = { id: "orphan", files: ["hf:enclave/big-GGUF/Big-Q8_0.gguf"], modelsDir, endpoint: server.url };
            child.send({ type: "request", id: 1, method: "download", params: { request, settings: { progressIntervalMs: 100 } } });
            await waitFor(async () => downloaded > 0);
            const started = performance.now();
            child.disconnect();
            await exited;
            const exitMs = performance.now() - started;
            assert.ok(exitMs < 6_000, `the orphaned process took ${Math.round(exitMs)} ms to exit`);
            assert.equal(await server.settle(1000), 0, "a request is still open after the process exited");
            assert.equal(existsSync(path.join(modelsDir, "Big-Q8_0.gguf")), false);
            console.log(`      orphaned download process exited ${Math.round(exitMs)} ms after the disconnect`);
        });

        it("answers an invalid request with an error that says what is wrong, and exits", async () => {
            const { handle } = run({ id: "no-files", files: [], modelsDir: path.join(dir, "models-invalid") });
            const error = await rejection(handle.result, ModelError);
            assert.equal(error.code, "DownloadFailed");
            assert.equal(error.message, "The download process was sent an invalid download request.");
            assert.match(error.detail ?? "", /A download needs at least one file\./);
            const pid = handle.pid!;
            await waitFor(async () => {
                try {
                    process.kill(pid, 0);
                    return false;
                } catch {
                    return true;
                }
            }, 5_000);
        });

        it("downloads only when asked: an installed model is checked, not fetched again", async () => {
            const modelsDir = path.join(dir, "models-progress");
            const before = server.requests.length;
            const result = await run({ id: "big", files: ["hf:enclave/big-GGUF/Big-Q8_0.gguf"], modelsDir, endpoint: server.url }).handle.result;
            assert.equal(result.alreadyInstalled, true);
            assert.equal(server.requests.length, before);
        });
    });

    describe("checked against the size and SHA-256 the server publishes", () => {
        const fake14B = "enclave/R1-14B-GGUF/R1-14B-Q4_K_M.gguf";
        const uri = `hf:${fake14B}`;
        const nothingUnderFinalName = async (modelsDir: string): Promise<void> =>
            assert.deepEqual((await readdir(modelsDir)).filter((name) => name.endsWith(".gguf")), [], "a file is under its final name");

        it("a file that matches is used, and the published facts were asked with a HEAD that moves no data", async () => {
            const server = await startHfServer({ files: new Map([[fake14B, scripted]]) });
            try {
                const modelsDir = path.join(dir, "models-published-match");
                const result = await run({ id: "published-match", files: [uri], modelsDir, endpoint: server.url }).handle.result;
                assert.ok((await readFile(result.entryPath)).equals(scripted));
                const heads = server.requests.filter((entry) => entry.method === "HEAD" && entry.path.endsWith("R1-14B-Q4_K_M.gguf"));
                assert.ok(heads.length >= 1 && heads.every((entry) => entry.bytesServed === 0));
            } finally {
                await server.close();
            }
        });

        it("a small file served under a 14B model's name, which publishes 8.99 GB, fails with both sizes and leaves nothing", async () => {
            const published = 8_988_880_000;
            const server = await startHfServer({ files: new Map([[fake14B, scripted]]), linked: new Map([[fake14B, { size: published }]]) });
            try {
                const modelsDir = path.join(dir, "models-published-size");
                const error = await rejection(run({ id: "published-size", files: [uri], modelsDir, endpoint: server.url }).handle.result, ModelError);
                assert.equal(error.code, "InvalidModel");
                assert.equal(error.problems[0]?.code, "SizeMismatch");
                const host = new URL(server.url).host;
                assert.equal(error.message, `The downloaded file R1-14B-Q4_K_M.gguf is ${Number((scripted.length / 1000).toPrecision(3))} KB (${scripted.length.toLocaleString("en")} bytes), but ${host} publishes 8.99 GB (8,988,880,000 bytes) for it. It was deleted; start the download again.`);
                await nothingUnderFinalName(modelsDir);
                assert.equal(existsSync(path.join(stagingDir(modelsDir, "published-size"), "R1-14B-Q4_K_M.gguf")), false, "the bad file was kept for a resume");
            } finally {
                await server.close();
            }
        });

        it("a file whose SHA-256 is not the published one fails and leaves nothing", async () => {
            const server = await startHfServer({ files: new Map([[fake14B, scripted]]), linked: new Map([[fake14B, { sha256: "ab".repeat(32) }]]) });
            try {
                const modelsDir = path.join(dir, "models-published-sha");
                const error = await rejection(run({ id: "published-sha", files: [uri], modelsDir, endpoint: server.url }).handle.result, ModelError);
                assert.equal(error.problems[0]?.code, "ChecksumMismatch");
                assert.match(error.message, new RegExp(`^The downloaded file R1-14B-Q4_K_M\\.gguf has the SHA-256 [0-9a-f]{64}, but .* publishes ${"ab".repeat(32)} for it`));
                await nothingUnderFinalName(modelsDir);
            } finally {
                await server.close();
            }
        });
    });

    describe("cancel and resume", () => {
        let server: HfServer;
        const modelsDir = (): string => path.join(dir, "models-resume");
        const request = (): DownloadRequest => ({ id: "big-resume", files: ["hf:enclave/big-GGUF/Big-Q8_0.gguf"], modelsDir: modelsDir(), endpoint: server.url });
        before(async () => {
            server = await startHfServer({ files: new Map([["enclave/big-GGUF/Big-Q8_0.gguf", big]]), bytesPerSecond: 2 * MiB });
        });
        after(() => server.close());

        it("a cancel mid-download stops all traffic and leaves no file under the final name", async () => {
            const { handle, progress } = run(request());
            // Until the partial file records a completed chunk (the downloader appends its progress
            // after the data), so there is something to resume from; and well before the end.
            const partial = path.join(stagingDir(modelsDir(), "big-resume"), "Big-Q8_0.gguf.ipull");
            await waitFor(async () => ((await stat(partial).catch(() => undefined))?.size ?? 0) > big.length);
            assert.ok((progress.at(-1)?.downloadedBytes ?? 0) < big.length - 4 * MiB, "the download was nearly done before the cancel");
            const started = performance.now();
            await handle.cancel();
            const cancelMs = performance.now() - started;
            const error = await rejection(handle.result, ModelError);
            assert.equal(error.code, "Cancelled");

            const stillOpen = await server.settle(500);
            const stoppedMs = performance.now() - started;
            assert.equal(stillOpen, 0, "a request is still open after the cancel");
            const served = server.bytesServed();
            const requests = server.requests.length;
            await wait(700);
            assert.equal(server.bytesServed(), served, "bytes were sent after the cancel");
            assert.equal(server.requests.length, requests, "a request was made after the cancel");
            assert.ok(served < big.length, "the whole file was sent before the cancel took effect");

            assert.equal(existsSync(path.join(modelsDir(), "Big-Q8_0.gguf")), false);
            assert.deepEqual(await readdir(stagingDir(modelsDir(), "big-resume")), ["Big-Q8_0.gguf.ipull"]);
            console.log(`      cancel: process gone in ${Math.round(cancelMs)} ms, server idle ${Math.round(stoppedMs)} ms after cancel`);
        });

        it("a restart resumes from the partial file with range requests", async () => {
            const firstSession = server.requests.length;
            server.setBytesPerSecond(8 * MiB);
            const { handle } = run(request());
            const result = await handle.result;

            // The downloader saves progress per completed 5 MB chunk: at least one was complete at the cancel.
            assert.ok(result.resumedBytes >= 5 * MiB, `resumed from only ${result.resumedBytes} bytes`);
            assert.ok((await readFile(result.entryPath)).equals(big), "the resumed file differs from the original");
            const resumed = server.requests.slice(firstSession);
            const ranged = resumed.filter((entry) => entry.range != null && entry.status === 206);
            assert.ok(ranged.length > 0, "no range request after the restart");
            assert.ok(ranged.some((entry) => !entry.range!.startsWith("bytes=0-")), "the restart asked for the file from its start");
            // Bytes the server wrote (a stream that reaches a finished chunk hangs up with a little more in flight).
            const rangedBytes = ranged.reduce((sum, entry) => sum + entry.bytesServed, 0);
            assert.ok(rangedBytes < big.length, `the restart was served ${rangedBytes} bytes: the whole file again`);
            assert.equal(existsSync(stagingDir(modelsDir(), "big-resume")), false);
        });

        it("a stalled transfer fails instead of hanging", async () => {
            const stalling = await startHfServer({ files: new Map([["enclave/big-GGUF/Big-Q8_0.gguf", big]]), bytesPerSecond: 4 * MiB, stallAfterBytes: MiB });
            try {
                const started = performance.now();
                const { handle } = run({ ...request(), id: "big-stall", modelsDir: path.join(dir, "models-stall"), endpoint: stalling.url }, { stallTimeoutMs: 1500 });
                const error = await rejection(handle.result, ModelError);
                assert.equal(error.code, "Stalled");
                assert.match(error.message, /received nothing/);
                assert.ok(performance.now() - started < 15_000);
                assert.equal(await stalling.settle(1000), 0, "the stalled requests are still open");
            } finally {
                await stalling.close();
            }
        });
    });

    describe("several files", () => {
        let server: HfServer;
        before(async () => {
            const files = new Map<string, Buffer>(parts.map((part, i) => [`enclave/split-GGUF/Scripted-R1-0000${i + 1}-of-00003.gguf`, part]));
            files.set("enclave/scripted-GGUF/Scripted-Q8_0.gguf", scripted);
            files.set("enclave/scripted-GGUF/Scripted-Copy-Q8_0.gguf", scripted);
            server = await startHfServer({ files, manifests: new Map([["enclave/scripted-GGUF:Q8_0", "Scripted-Q8_0.gguf"]]) });
        });
        after(() => server.close());

        it("downloads every part of a split model", async () => {
            const modelsDir = path.join(dir, "models-split");
            const files = [1, 2, 3].map((i) => `hf:enclave/split-GGUF/Scripted-R1-0000${i}-of-00003.gguf`);
            const result = await run({ id: "split", files, modelsDir, endpoint: server.url }).handle.result;

            assert.deepEqual(result.files.map((file) => path.basename(file)), ["Scripted-R1-00001-of-00003.gguf", "Scripted-R1-00002-of-00003.gguf", "Scripted-R1-00003-of-00003.gguf"]);
            for (const [i, file] of result.files.entries()) assert.ok((await readFile(file)).equals(parts[i]!), `part ${i + 1} differs`);
            assert.equal(result.totalBytes, parts.reduce((sum, part) => sum + part.length, 0));
            const check = await checkGgufFile(result.entryPath);
            assert.deepEqual(check.problems, []);
            assert.equal(check.info?.splicedParts, 3);
            const fetched = new Set(server.requests.filter((entry) => entry.path.includes("/resolve/")).map((entry) => path.basename(entry.path)));
            assert.equal(fetched.size, 3);
        });

        it("downloads a model of several files: single files combined, a split series after them", async () => {
            const modelsDir = path.join(dir, "models-series");
            const singles = ["hf:enclave/scripted-GGUF/Scripted-Q8_0.gguf", "hf:enclave/scripted-GGUF/Scripted-Copy-Q8_0.gguf"];
            const combined = await run({ id: "singles", files: singles, modelsDir, endpoint: server.url }).handle.result;
            assert.equal(combined.totalBytes, 2 * scripted.length);

            const splitParts = [1, 2, 3].map((i) => `hf:enclave/split-GGUF/Scripted-R1-0000${i}-of-00003.gguf`);
            const { handle, progress } = run({ id: "mixed", files: [singles[0]!, ...splitParts], modelsDir: path.join(dir, "models-mixed"), endpoint: server.url });
            const mixed = await handle.result;
            assert.equal(mixed.entryPath, path.join(dir, "models-mixed", "Scripted-Q8_0.gguf"));
            assert.deepEqual((await readdir(path.join(dir, "models-mixed"))).sort(), [
                "Scripted-Q8_0.gguf", "Scripted-R1-00001-of-00003.gguf", "Scripted-R1-00002-of-00003.gguf", "Scripted-R1-00003-of-00003.gguf"
            ]);
            assert.equal(mixed.totalBytes, scripted.length + parts.reduce((sum, part) => sum + part.length, 0));
            assert.equal(progress.at(-1)?.downloadedBytes, mixed.totalBytes);
        });

        it("fails before downloading when the disk is too small", async () => {
            const modelsDir = path.join(dir, "models-disk");
            const error = await rejection(run({ id: "scripted", files: ["hf:enclave/scripted-GGUF/Scripted-Q8_0.gguf"], modelsDir, endpoint: server.url },
                { diskMarginBytes: 1e18 }).handle.result, ModelError);
            assert.equal(error.code, "NotEnoughDisk");
            assert.match(error.message, /free disk space/);
            assert.equal(existsSync(path.join(modelsDir, "Scripted-Q8_0.gguf")), false);
        });

        it("says so when the server does not have the file", async () => {
            const error = await rejection(run({ id: "gone", files: ["hf:enclave/scripted-GGUF/Gone-Q8_0.gguf"], modelsDir: path.join(dir, "models-gone"), endpoint: server.url }).handle.result, ModelError);
            assert.equal(error.code, "NotFound");
            assert.match(error.message, /404/);
        });

        it("the reachability check reads a tag's manifest and a file's first bytes, and leaves nothing open", async () => {
            const tag = await checkReachable("hf:enclave/scripted-GGUF:Q8_0", { endpoint: server.url });
            assert.equal(tag.fileName, "Scripted-Q8_0.gguf");
            const file = await checkReachable("hf:enclave/scripted-GGUF/Scripted-Q8_0.gguf", { endpoint: server.url });
            assert.equal(file.totalBytes, scripted.length);
            assert.equal(await server.settle(1000), 0);
        });
    });

    describe("offline", () => {
        const offline = async (endpoint: string, id: string, expect: { code: string; message: RegExp } = { code: "Offline", message: /offline/ }): Promise<number> => {
            const started = performance.now();
            const error = await rejection(run({ id, files: ["hf:enclave/scripted-GGUF/Scripted-Q8_0.gguf"], modelsDir: path.join(dir, `models-${id}`), endpoint }).handle.result, ModelError);
            const elapsed = performance.now() - started;
            assert.equal(error.code, expect.code);
            assert.match(error.message, expect.message);
            assert.match(error.message, /import a GGUF file/);
            assert.ok(elapsed < 5000, `took ${Math.round(elapsed)} ms`);
            assert.equal(existsSync(path.join(dir, `models-${id}`, "Scripted-Q8_0.gguf")), false);
            return elapsed;
        };

        it("a loopback endpoint that refuses connections fails in under 5 seconds, naming the server, not offline", async () => {
            const endpoint = await closedPortUrl();
            const server = endpoint.replace(/\/$/, "").replace(/[.]/g, "\\.");
            const elapsed = await offline(endpoint, "refused", { code: "Unreachable", message: new RegExp(`^The server at ${server} refused the connection: no server is running at that port on this computer\\.`) });
            assert.doesNotMatch((await rejection(run({ id: "refused-again", files: ["hf:enclave/scripted-GGUF/Scripted-Q8_0.gguf"], modelsDir: path.join(dir, "models-refused-again"), endpoint }).handle.result, ModelError)).message, /offline/);
            console.log(`      offline (connection refused) reported in ${Math.round(elapsed)} ms`);
        });

        it("an endpoint that accepts but never answers fails in under 5 seconds with the offline message", async () => {
            const silent = await startSilentServer();
            try {
                const elapsed = await offline(silent.url, "silent");
                assert.ok(silent.connections() >= 1);
                console.log(`      offline (silent server) reported in ${Math.round(elapsed)} ms`);
            } finally {
                await silent.close();
            }
        });
    });
});
