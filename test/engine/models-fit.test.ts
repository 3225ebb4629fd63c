// The fit check and the recommendation from real GGUF headers: every catalogue model is written as a
// header-only GGUF in its published shape and quantisation (test/models/headerOnly.ts; DeepSeek-R1
// and V3 split into parts as unsloth ships them), node-llama-cpp's GgufInsights reads them, and the
// recommendation for stated machines — an 8 GB laptop up to a 192 GB Mac — must be the expected one,
// with plain reasons for every model that doesn't fit.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { catalogue, presetById } from "../../src/models/catalogue";
import { maxEstimatedContext, readModelRequirements } from "../../src/models/ggufRequirements";
import type { Machine } from "../../src/models/hardware";
import { recommend, type Recommendation } from "../../src/models/recommend";
import type { ModelRequirements } from "../../src/models/requirements";
import { deepseek2Model, denseModel, modelBytes, Q4_K_M, Q8_0, SHAPES, writeHeaderOnly, type HeaderOnlyModel } from "../models/headerOnly";
import { startHfServer } from "./modelsHfServer";

const GiB = 1024 ** 3;
const machine = (ramGiB: number, gpu: Machine["gpu"] = false, vramGiB = 0, unifiedMemory = false): Machine =>
    ({ ramBytes: ramGiB * GiB, freeRamBytes: ramGiB * GiB / 2, gpu, vramBytes: vramGiB * GiB, unifiedMemory, freeDiskBytes: 2000 * GiB });

const laptop8 = machine(8);
const desktop16 = machine(16);
const desktop32 = machine(32);
const gpu24 = machine(32, "cuda", 24);
// Metal lets the GPU use about three quarters of a Mac's memory.
const mac192 = machine(192, "metal", 144, true);

/** The catalogue's models as header-only files: [preset id, model, parts]. */
const headerModels: readonly (readonly [string, HeaderOnlyModel, number])[] = [
    ["r1-distill-qwen-1.5b", denseModel("DeepSeek R1 Distill Qwen 1.5B", SHAPES.r1Qwen1_5B, Q8_0), 1],
    ["r1-distill-qwen-7b", denseModel("DeepSeek R1 Distill Qwen 7B", SHAPES.r1Qwen7B, Q4_K_M), 1],
    ["r1-distill-llama-8b", denseModel("DeepSeek R1 Distill Llama 8B", SHAPES.r1Llama8B, Q4_K_M), 1],
    ["r1-distill-qwen-14b", denseModel("DeepSeek R1 Distill Qwen 14B", SHAPES.r1Qwen14B, Q4_K_M), 1],
    ["r1-distill-qwen-32b", denseModel("DeepSeek R1 Distill Qwen 32B", SHAPES.r1Qwen32B, Q4_K_M), 1],
    ["r1-distill-llama-70b", denseModel("DeepSeek R1 Distill Llama 70B", SHAPES.r1Llama70B, Q4_K_M), 1],
    ["deepseek-r1-671b", deepseek2Model("DeepSeek R1", { gateUp: "IQ1_S", down: "IQ1_S" }), 3],
    ["deepseek-v3-671b", deepseek2Model("DeepSeek V3 0324", { gateUp: "IQ2_XXS", down: "IQ1_M" }), 4],
    ["qwen2.5-coder-0.5b", denseModel("Qwen2.5 Coder 0.5B", SHAPES.coder0_5B, Q8_0), 1],
    ["qwen2.5-coder-1.5b", denseModel("Qwen2.5 Coder 1.5B", SHAPES.coder1_5B, Q8_0), 1],
    ["qwen2.5-coder-3b", denseModel("Qwen2.5 Coder 3B", SHAPES.coder3B, Q8_0), 1],
    ["qwen2.5-coder-7b", denseModel("Qwen2.5 Coder 7B", SHAPES.coder7B, Q8_0), 1]
];

describe("fit check and recommendation from GGUF headers", function () {
    this.timeout(60_000);
    let dir: string;
    const requirements = new Map<string, ModelRequirements>();
    const fromHeaders = (target: Machine): Recommendation => recommend(target, catalogue, { requirements: (preset) => requirements.get(preset.id) });

    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-fit-"));
        for (const [id, model, parts] of headerModels) {
            const file = await writeHeaderOnly(dir, id, model, parts);
            requirements.set(id, await readModelRequirements(file));
        }
    });
    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    const verdict = (result: Recommendation, id: string) => {
        const found = result.presets.find((entry) => entry.preset.id === id);
        assert.ok(found != null, `no verdict for ${id}`);
        return found;
    };
    const rejected = (result: Recommendation): string[] => result.presets.filter((entry) => !entry.fit.fits).map((entry) => entry.preset.id).sort();

    it("the headers describe the models' real sizes", () => {
        // Nominal sizes are the repositories' listings; the generated headers land within a few percent.
        for (const [id, model] of headerModels) {
            const preset = presetById(id)!;
            const ratio = modelBytes(model) / preset.sizeBytes;
            assert.ok(ratio > 0.93 && ratio < 1.07, `${id}: ${modelBytes(model)} bytes vs nominal ${preset.sizeBytes}`);
            const parameters = requirements.get(id)!.parameters;
            assert.ok(Math.abs(parameters / preset.parameters - 1) < 0.03, `${id}: ${parameters} parameters`);
        }
    });

    it("an 8 GB laptop: the 1.5B distill and the 0.5B coder, everything from 7B up rejected with the numbers", () => {
        const result = fromHeaders(laptop8);
        assert.equal(result.chat?.preset.id, "r1-distill-qwen-1.5b");
        assert.equal(result.chat?.fit.placement, "cpu");
        assert.equal(result.chat.fit.contextSize, 4096);
        assert.equal(result.completion?.preset.id, "qwen2.5-coder-0.5b");
        assert.deepEqual(rejected(result), [
            "deepseek-r1-671b", "deepseek-v3-671b", "qwen2.5-coder-7b", "r1-distill-llama-70b", "r1-distill-llama-8b",
            "r1-distill-qwen-14b", "r1-distill-qwen-32b", "r1-distill-qwen-7b"
        ]);
        const seven = verdict(result, "r1-distill-qwen-7b").fit;
        assert.match(seven.reason, /^Needs 6(\.\d)? GB with a 4,096-token context; this machine has 8 GB of RAM, of which 4\.2 GB is usable beside the OS and VS Code\.$/);
        assert.match(verdict(result, "deepseek-r1-671b").fit.reason, /^Needs 1\d\d\.\d GB/);
        assert.match(verdict(result, "qwen2.5-coder-3b").note ?? "", /too slow for completions/);
        assert.match(result.summary, /DeepSeek-R1-Distill-Qwen 1\.5B for chat and Qwen2\.5-Coder 0\.5B for completions/);
    });

    it("16 GB without a GPU: the Llama 8B distill beside the 1.5B coder; 14B needs more than is usable", () => {
        const result = fromHeaders(desktop16);
        assert.equal(result.chat?.preset.id, "r1-distill-llama-8b");
        assert.equal(result.chat?.fit.contextSize, 8192);
        assert.equal(result.completion?.preset.id, "qwen2.5-coder-1.5b");
        assert.match(verdict(result, "r1-distill-qwen-14b").fit.reason, /^Needs 11\.\d GB .* 16 GB of RAM, of which 11\.4 GB is usable/);
        assert.match(verdict(result, "qwen2.5-coder-7b").note ?? "", /too slow for completions/);
        assert.deepEqual(rejected(result), ["deepseek-r1-671b", "deepseek-v3-671b", "r1-distill-llama-70b", "r1-distill-qwen-14b", "r1-distill-qwen-32b"]);
    });

    it("32 GB without a GPU: the 32B distill with the smallest useful context", () => {
        const result = fromHeaders(desktop32);
        assert.equal(result.chat?.preset.id, "r1-distill-qwen-32b");
        assert.equal(result.chat?.fit.contextSize, 4096);
        assert.equal(result.completion?.preset.id, "qwen2.5-coder-1.5b");
        assert.deepEqual(rejected(result), ["deepseek-r1-671b", "deepseek-v3-671b", "r1-distill-llama-70b"]);
        // A model that fits gets the largest useful context: 14B alone gets 16,384 tokens.
        assert.equal(verdict(result, "r1-distill-qwen-14b").fit.contextSize, 16_384);
    });

    it("a 24 GB GPU: the largest distill that runs entirely on it; bigger ones run only partly there", () => {
        const result = fromHeaders(gpu24);
        // 32B at 4,096 tokens × 3 sequences needs about half a GB more than the card's 21.8 usable GB.
        assert.equal(result.chat?.preset.id, "r1-distill-qwen-14b");
        assert.equal(result.chat?.fit.placement, "gpu");
        assert.equal(result.chat?.fit.gpuLayers, result.chat?.fit.totalLayers);
        // 16,384 tokens would fit alone; 8,192 leaves GPU room for the completion model.
        assert.equal(result.chat?.fit.contextSize, 8192);
        assert.equal(verdict(result, "r1-distill-qwen-14b").fit.contextSize, 16_384);
        const partly = verdict(result, "r1-distill-qwen-32b");
        assert.equal(partly.fit.placement, "partial");
        assert.ok(partly.fit.gpuLayers >= 55 && partly.fit.gpuLayers < partly.fit.totalLayers);
        assert.match(partly.fit.reason, /^Fits with \d+ of 65 layers on the GPU/);
        assert.match(partly.note ?? "", /only partly on the GPU/);
        assert.equal(verdict(result, "r1-distill-llama-70b").fit.placement, "partial");
        assert.equal(result.completion?.preset.id, "qwen2.5-coder-3b");
        assert.equal(result.completion?.fit.placement, "gpu");
        assert.deepEqual(rejected(result), ["deepseek-r1-671b", "deepseek-v3-671b"]);
        assert.match(verdict(result, "deepseek-r1-671b").fit.reason, /32 GB of RAM and a 24 GB GPU, of which 47\.6 GB is usable/);
    });

    it("a 192 GB unified-memory Mac: the full DeepSeek-R1 from its split parts, memory counted once", () => {
        const result = fromHeaders(mac192);
        assert.equal(result.chat?.preset.id, "deepseek-r1-671b");
        assert.equal(result.chat?.fit.placement, "gpu");
        assert.ok(result.chat.fit.contextSize >= 4096);
        assert.ok(result.chat.fit.neededBytes > 128 * GiB);
        assert.equal(result.completion?.fit.placement, "gpu");
        // V3 is larger than the GPU's share of memory: it fits only partly on the GPU, and R1 outranks it anyway.
        const v3 = verdict(result, "deepseek-v3-671b").fit;
        assert.equal(v3.placement, "partial");
        assert.deepEqual(rejected(result), []);
        // Counted once: what the reasons call usable is RAM minus headroom, not RAM plus the GPU's share.
        assert.ok(v3.usableBytes < 192 * GiB * 0.9);
        assert.match(result.summary, /192 GB unified memory \(Metal\).*DeepSeek-R1 671B/);
    });

    it("a split model reads the same as the single file it was split from", async () => {
        const model = headerModels.find(([id]) => id === "deepseek-r1-671b")![1];
        const single = await readModelRequirements(await writeHeaderOnly(dir, "r1-single", model, 1));
        const split = requirements.get("deepseek-r1-671b")!;
        assert.equal(split.weightsBytes, single.weightsBytes);
        assert.equal(split.parameters, single.parameters);
        assert.deepEqual(split.weights(30), single.weights(30));
        assert.deepEqual(split.context(8192, 3, 62), single.context(8192, 3, 62));
    });

    it("fits a model before downloading it, from its header on the server (split parts included)", async () => {
        const names = (await readdir(dir)).filter((name) => name.startsWith("deepseek-r1-671b-"));
        const files = new Map<string, Buffer>();
        for (const name of names) files.set(`enclave/R1-GGUF/UD-IQ1_S/${name}`, await readFile(path.join(dir, name)));
        const server = await startHfServer({ files });
        try {
            const remote = await readModelRequirements("hf:enclave/R1-GGUF/UD-IQ1_S/deepseek-r1-671b-00001-of-00003.gguf", {
                endpoint: server.url,
                signal: AbortSignal.timeout(10_000)
            });
            assert.equal(remote.weightsBytes, requirements.get("deepseek-r1-671b")!.weightsBytes);
            assert.equal(new Set(server.requests.map((entry) => entry.path)).size, 3);
            assert.ok(server.requests.every((entry) => entry.range != null), "only ranges of the headers were fetched");
            assert.equal(await server.settle(1000), 0);
        } finally {
            await server.close();
        }
    });

    it("caps context estimates, so asking about a huge context allocates nothing, and scales beyond the cap", () => {
        const r1 = requirements.get("deepseek-r1-671b")!;
        const started = performance.now();
        const capped = r1.context(maxEstimatedContext, 3, 62);
        const huge = r1.context(maxEstimatedContext * 4, 3, 62);
        assert.deepEqual(huge, { cpuBytes: capped.cpuBytes * 4, gpuBytes: capped.gpuBytes * 4 });
        for (const target of [laptop8, desktop16, desktop32, gpu24, mac192]) fromHeaders(target);
        assert.ok(performance.now() - started < 5000);
    });
});
