/**
 * The host's side against the real worker bundle (dist/indexWorker.cjs, built here first): the
 * requests go through the thread and back, a build can be cancelled, and a thread that dies fails
 * what was in flight with a clear message while the next request starts a new one.
 */
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import {join} from "node:path";
import type {Worker} from "node:worker_threads";
import {IndexClient, IndexError} from "../../../src/workspaceIndex/indexClient";
import type {BuildProgress, IndexedFolder} from "../../../src/workspaceIndex/indexProtocol";
import {indexFileFor} from "../../../src/workspaceIndex/indexStore";
import {repoRoot, rules, tempFolder, writeTree} from "./support";

const workerPath = join(repoRoot, "dist", "indexWorker.cjs");
const distGrammars = join(repoRoot, "dist", "grammars");
const fileCount = 400;

describe("workspace index: IndexClient with the real worker thread", function () {
    this.timeout(60_000);
    let folder: ReturnType<typeof tempFolder>;
    let storage: ReturnType<typeof tempFolder>;
    let client: IndexClient;
    let folders: IndexedFolder[];
    const logged: string[] = [];

    before(() => {
        // The bundle under test is the one built from this tree.
        execFileSync(process.execPath, ["esbuild.mjs"], {cwd: repoRoot, stdio: "ignore"});
    });

    beforeEach(() => {
        folder = tempFolder();
        storage = tempFolder("enclave-storage-");
        writeTree(
            folder.path,
            Object.fromEntries(Array.from({length: fileCount}, (_, i) => [`src/part${i}.ts`, `/** Decodes frame ${i} of the stream. */\nexport function decodeFrame${i}(bytes: Uint8Array): number {\n    return bytes[${i}] ?? 0;\n}\n`]))
        );
        folders = [{rootPath: folder.path, indexFile: indexFileFor(storage.path, folder.path), rules: rules()}];
        logged.length = 0;
        client = new IndexClient({workerPath, log: (level, message) => logged.push(`${level}: ${message}`)});
    });

    afterEach(async () => {
        await client.stop();
        folder.cleanup();
        storage.cleanup();
    });

    const workerOf = (indexClient: IndexClient) => (indexClient as unknown as {thread?: {worker: Worker}}).thread?.worker;

    it("open → build → search → status round trip through the thread", async () => {
        assert.equal(client.isRunning, false, "no thread before the first request");
        const opened = await client.open(folders, distGrammars);
        assert.equal(client.isRunning, true);
        assert.deepEqual(opened.folders, [{rootPath: folder.path, files: 0, chunks: 0, ready: false}]);
        const progress: BuildProgress[] = [];
        const built = await client.build(new AbortController().signal, (step) => progress.push(step));
        assert.equal(built.folders[0]?.files, fileCount);
        assert.equal(built.folders[0]?.indexed, fileCount);
        assert.deepEqual(progress.at(-1), {rootPath: folder.path, phase: "indexing", done: fileCount, total: fileCount});
        const {hits} = await client.search("decodeFrame123", 3);
        assert.equal(hits[0]?.path, "src/part123.ts");
        assert.equal(hits[0]?.symbol, "decodeFrame123");
        assert.deepEqual([hits[0]?.startLine, hits[0]?.endLine, hits[0]?.languageId], [1, 4, "typescript"]);
        assert.match(hits[0]?.content ?? "", /bytes\[123\]/);
        assert.equal((await client.status()).folders[0]?.ready, true);
        assert.ok(!logged.some((line) => line.startsWith("error")), logged.join("\n"));
    });

    it("a request the protocol refuses fails with a message naming it, and the thread serves the next one", async () => {
        await client.open(folders, distGrammars);
        await assert.rejects(client.search("x", 0), (error: Error) => /limit/i.test(error.message) || /invalid/i.test(error.message));
        await assert.rejects(client.update("/not/an/indexed/folder", ["a.ts"]), (error: Error) => error instanceof IndexError && /not an indexed folder/.test(error.message));
        assert.deepEqual((await client.status()).folders.length, 1);
    });

    it("a cancelled build rejects as cancelled, keeps what was read, and the next build reads the rest", async () => {
        await client.open(folders, distGrammars);
        const controller = new AbortController();
        let doneAtCancel = 0;
        const cancelled = client.build(controller.signal, (step) => {
            if (step.phase === "indexing" && doneAtCancel === 0) {
                doneAtCancel = step.done;
                controller.abort();
            }
        });
        await assert.rejects(cancelled, (error: Error) => error instanceof IndexError && error.cancelled);
        assert.ok(doneAtCancel > 0 && doneAtCancel < fileCount);
        // The thread may have read a few more files before the cancel reached it; never all.
        const kept = (await client.status()).folders[0]?.files ?? 0;
        assert.ok(kept >= doneAtCancel && kept < fileCount, `${kept} files kept after a cancel at ${doneAtCancel}`);
        const next = await client.build(new AbortController().signal, () => undefined);
        assert.equal(next.folders[0]?.indexed, fileCount - kept);
        assert.equal(next.folders[0]?.files, fileCount);
    });

    it("a thread that dies fails the calls in flight with a clear message; the next call starts a new thread that works after open", async () => {
        await client.open(folders, distGrammars);
        const generation = client.threadGeneration;
        let started = false;
        const inFlight = client.build(new AbortController().signal, () => (started = true));
        const worker = workerOf(client);
        assert.ok(worker);
        await waitFor(() => started);
        await worker.terminate();
        await assert.rejects(inFlight, (error: Error) => error instanceof IndexError && !error.cancelled && /not running|stopped/.test(error.message) && /starts again/.test(error.message));
        // The owner sees a new thread and opens again; the index saved nothing half-written, so it rebuilds or continues.
        const reopened = await client.open(folders, distGrammars);
        assert.equal(client.threadGeneration, generation + 1);
        assert.equal(reopened.folders[0]?.rootPath, folder.path);
        await client.build(new AbortController().signal, () => undefined);
        assert.equal((await client.search("decodeFrame7", 1)).hits[0]?.path, "src/part7.ts");
    });

    it("stop saves the index, so a new client opens it ready", async () => {
        await client.open(folders, distGrammars);
        await client.build(new AbortController().signal, () => undefined);
        await client.stop();
        assert.equal(client.isRunning, false);
        const second = new IndexClient({workerPath, log: () => undefined});
        try {
            const opened = await second.open(folders, distGrammars);
            assert.deepEqual(opened.folders[0], {rootPath: folder.path, files: fileCount, chunks: fileCount, ready: true});
        } finally {
            await second.stop();
        }
    });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error("the condition did not come true in time");
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
}
