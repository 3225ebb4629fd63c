// Every load is planned from the file's own GGUF header and the memory free now, and uses the plan.
// Header-only GGUFs in the shapes of the R1 distills from 1.5B to 70B are planned in the real model
// process against stated machines (ENCLAVE_TEST_MEMORY, the worker's test override of the memory it
// reads): the chosen context, GPU layers and sequences, and the refusals with their numbers. Then a
// loadable (scripted) model: the load uses the plan's context and sequences, a load that does not fit
// is refused with the numbers before anything is allocated — the process stays up — and "load
// anyway" really loads it.
import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { EngineClient } from "../../src/engine/client";
import { EngineError } from "../../src/engine/errors";
import type { ModelPlanData } from "../../src/engine/modelManagerProtocol";
import { denseModel, Q4_K_M, Q8_0, SHAPES, writeHeaderOnly } from "../models/headerOnly";
import { scriptedModel } from "../models/scripted";
import { rejection, startClient } from "./harness";

const GiB = 1024 ** 3;

interface StatedMemory {
    ramBytes: number;
    freeRamBytes: number;
    gpu?: "cuda" | "metal";
    vramBytes?: number;
    freeVramBytes?: number;
    unifiedMemory?: boolean;
}

/** A 16 GB desktop without a GPU, with 10 GB free (or only 3 GB: a browser and a build running). */
const desktop16 = (freeGiB: number): StatedMemory => ({ ramBytes: 16 * GiB, freeRamBytes: freeGiB * GiB });
/** 32 GB of RAM (20 GB free) and a 24 GB CUDA card with 22 GB free. */
const cuda24: StatedMemory = { ramBytes: 32 * GiB, freeRamBytes: 20 * GiB, gpu: "cuda", vramBytes: 24 * GiB, freeVramBytes: 22 * GiB };
/** A 1 GB machine with 573 MB free: 10 MB usable after the reserve. */
const starved: StatedMemory = { ramBytes: GiB, freeRamBytes: 0.56 * GiB };

const distills = {
    "1.5B": denseModel("DeepSeek R1 Distill Qwen 1.5B", SHAPES.r1Qwen1_5B, Q8_0),
    "7B": denseModel("DeepSeek R1 Distill Qwen 7B", SHAPES.r1Qwen7B, Q4_K_M),
    "8B": denseModel("DeepSeek R1 Distill Llama 8B", SHAPES.r1Llama8B, Q4_K_M),
    "14B": denseModel("DeepSeek R1 Distill Qwen 14B", SHAPES.r1Qwen14B, Q4_K_M),
    "32B": denseModel("DeepSeek R1 Distill Qwen 32B", SHAPES.r1Qwen32B, Q4_K_M),
    "70B": denseModel("DeepSeek R1 Distill Llama 70B", SHAPES.r1Llama70B, Q4_K_M)
} as const;
type Size = keyof typeof distills;

describe("load plan: header and free memory decide context and GPU layers", function () {
    this.timeout(120_000);
    let dir: string;
    const files = new Map<Size, string>();
    const clients: EngineClient[] = [];

    /** A model process that sees `memory` as this machine's. */
    const onMachine = (memory: StatedMemory): EngineClient => {
        const { client } = startClient({ env: { ENCLAVE_TEST_MEMORY: JSON.stringify(memory) } });
        clients.push(client);
        return client;
    };
    const plan = async (client: EngineClient, size: Size, options: { separateCompletion?: boolean; contextSize?: number; gpuLayers?: number } = {}): Promise<ModelPlanData> => {
        const result = await client.planModel({ modelPath: files.get(size)!, role: "chat", ...options });
        assert.ok(result.ok, result.ok ? "" : result.error.message);
        return result.plan;
    };

    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-plan-"));
        for (const [size, model] of Object.entries(distills)) files.set(size as Size, await writeHeaderOnly(dir, `r1-${size}`, model));
    });
    after(async () => {
        for (const client of clients) await client.shutdown();
        await rm(dir, { recursive: true, force: true });
    });

    it("16 GB, 10 GB free, no GPU: 1.5B to 8B fit with the largest context that does; 14B and up are refused with the numbers", async () => {
        const client = onMachine(desktop16(10));
        const planned = new Map<Size, ModelPlanData>();
        for (const size of files.keys()) planned.set(size, await plan(client, size));
        const summary = [...planned].map(([size, p]) => [size, p.fits, p.contextSize, p.sequences, p.gpuLayers]);
        assert.deepEqual(summary, [
            // Four sequences: chat, review and two for completions (models/sequences.ts).
            ["1.5B", true, 16_384, 4, 0],
            ["7B", true, 8192, 4, 0],
            ["8B", true, 4096, 4, 0],
            ["14B", false, 4096, 4, 0],
            ["32B", false, 4096, 4, 0],
            ["70B", false, 4096, 4, 0]
        ]);
        assert.match(planned.get("7B")!.reason, /^Fits in memory with an 8,192-token context \(needs 8\.2 GB of 8\.7 GB usable\); runs on the CPU\.$/);
        assert.equal(planned.get("14B")!.reason, "Needs 12.9 GB with a 4,096-token context; 10 GB of RAM is free now, of which 8.7 GB is usable.");
        assert.match(planned.get("70B")!.reason, /^Needs 46\.8 GB with a 4,096-token context; 10 GB of RAM is free now/);
    });

    it("the same machine with 3 GB free: nothing fits — free memory, not the total, decides", async () => {
        const client = onMachine(desktop16(3));
        for (const size of files.keys()) assert.equal((await plan(client, size)).fits, false, `${size} should not fit in 3 GB free`);
        assert.match((await plan(client, "1.5B")).reason, /^Needs 2\.9 GB with a 4,096-token context; 3 GB of RAM is free now, of which 1\.7 GB is usable\.$/);
    });

    it("a 24 GB GPU: up to 14B entirely on it, 32B partly (wholly without the completion sequences), 70B refused", async () => {
        const client = onMachine(cuda24);
        for (const size of ["1.5B", "7B", "8B"] as const) {
            const p = await plan(client, size);
            assert.deepEqual([p.fits, p.gpuLayers, p.contextSize], [true, p.totalLayers, 16_384], size);
            assert.match(p.reason, /^Fits on the GPU with a 16,384-token context/);
        }
        // 14B's KV cache (192 KB a token) × 4 sequences keeps it on the GPU at 8,192 tokens, not 16,384.
        const mid = await plan(client, "14B");
        assert.deepEqual([mid.fits, mid.gpuLayers, mid.totalLayers, mid.contextSize], [true, 49, 49, 8192]);
        const big = await plan(client, "32B");
        assert.deepEqual([big.fits, big.gpuLayers, big.totalLayers, big.contextSize], [true, 58, 65, 4096]);
        assert.match(big.reason, /^Fits with 58 of 65 layers on the GPU and a 4,096-token context/);
        // Beside a separate completion model the chat model has two sequences: its KV cache is smaller, every layer fits.
        const beside = await plan(client, "32B", { separateCompletion: true });
        assert.deepEqual([beside.fits, beside.sequences, beside.gpuLayers], [true, 2, 65]);
        assert.ok(beside.neededBytes < big.neededBytes);
        const huge = await plan(client, "70B");
        assert.equal(huge.fits, false);
        assert.match(huge.reason, /^Needs 47\.1 GB with a 4,096-token context; 20 GB of RAM and 22 GB of GPU memory are free now, of which 39\.2 GB is usable\.$/);
    });

    it("the user's context size and GPU layers win, checked against the plan", async () => {
        const cpu = onMachine(desktop16(10));
        const long = await plan(cpu, "7B", { contextSize: 131_072 });
        assert.equal(long.fits, false);
        assert.match(long.reason, /^Needs \d+(\.\d)? GB with a 131,072-token context;/);
        assert.equal(long.smallerContextSize, 8192, "the largest halving of 131,072 that fits");
        const gpu = onMachine(cuda24);
        const ten = await plan(gpu, "14B", { gpuLayers: 10 });
        assert.deepEqual([ten.fits, ten.gpuLayers], [true, 10]);
        assert.match(ten.reason, /^Fits with 10 of 49 layers on the GPU/);
        // 32B fits with the plan's 61 GPU layers, but with only 10 the rest is more than the free RAM.
        const few = await plan(gpu, "32B", { gpuLayers: 10 });
        assert.deepEqual([few.fits, few.gpuLayers], [false, 10]);
        assert.match(few.reason, /^With 10 layers on the GPU it needs 20\.1 GB of RAM with a 4,096-token context; 17\.9 GB of RAM is usable\.$/);
    });

    it("a load uses the plan's context and sequences; a separate completion model leaves out the completion sequences", async () => {
        const client = onMachine(desktop16(10));
        const modelPath = await scriptedModel();
        const planned = await client.planModel({ modelPath, role: "chat" });
        assert.ok(planned.ok);
        client.configure({ modelPath, threads: 1 });
        const info = await client.ensureModel();
        assert.equal(info.contextSize, planned.plan.contextSize);
        assert.equal(info.gpuLayers, planned.plan.gpuLayers);
        assert.deepEqual(info.sequences, ["chat", "completion", "completion", "review"]);
        assert.equal(info.sequences.length, planned.plan.sequences);
        assert.equal(info.fit, planned.plan.reason);

        client.configureCompletion({ modelPath, threads: 1 });
        await client.unload();
        const beside = await client.ensureModel();
        assert.deepEqual(beside.sequences, ["chat", "review"]);
        // The completion model has the pool of completion sequences instead.
        const coder = await client.ensureModel(undefined, "completion");
        assert.deepEqual(coder.sequences, ["completion", "completion", "completion"]);
        assert.equal((await client.chat({ messages: [{ role: "user", content: "hi" }] })).answer, "Hello!");
        client.configureCompletion(undefined);
    });

    it("the picker's Installed rows carry the same plan a load would make", async () => {
        const client = onMachine(starved);
        const modelsDir = path.join(dir, "models");
        await mkdir(modelsDir, { recursive: true });
        await copyFile(await scriptedModel(), path.join(modelsDir, "scripted.gguf"));
        const overview = await client.modelsOverview(modelsDir);
        const row = overview.installed.find((model) => model.fileName === "scripted.gguf");
        assert.ok(row != null && row.problems.length === 0, JSON.stringify(row));
        const planned = await client.planModel({ modelPath: row.entryPath, role: "chat" });
        assert.ok(planned.ok);
        assert.deepEqual(row.plans?.chat, planned.plan);
        assert.equal(row.plans?.chat?.fits, false);
        assert.match(row.plans?.chat?.reason ?? "", /573\.4 MB of RAM is free now, of which 10\.2 MB is usable/);
    });

    it("a model that does not fit is refused with the numbers, the process stays up, and Load Anyway loads it", async () => {
        const client = onMachine(starved);
        client.configure({ modelPath: await scriptedModel(), threads: 1 });
        const error = await rejection(client.ensureModel(), EngineError);
        assert.equal(error.code, "InsufficientMemory");
        assert.match(error.message, /^scripted-[\w-]+\.gguf does not fit in the memory free now\. Needs 165\.\d MB with a 4,096-token context; 573\.4 MB of RAM is free now, of which 10\.2 MB is usable\. Choose a smaller context, another model, or load it anyway\.$/);
        const pid = client.workerPid;
        assert.ok(pid != null, "the model process is still running");
        await client.loadAnyway();
        assert.equal(client.workerPid, pid, "loaded in the same process");
        assert.equal(client.state.kind, "ready");
        assert.equal((await client.chat({ messages: [{ role: "user", content: "hi" }] })).answer, "Hello!");
    });
});
