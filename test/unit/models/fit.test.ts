// The fit check's rules on made-up models whose memory is easy to work out by hand: budgets with
// headroom, unified memory counted once, the most GPU layers first and then the largest context,
// and reasons in plain words.
import assert from "node:assert/strict";
import { budgetAfter, fitModel, freeMemoryBudget, memoryBudget } from "../../../src/models/fit";
import type { Machine } from "../../../src/models/hardware";
import type { ModelRequirements } from "../../../src/models/requirements";

const GiB = 1024 ** 3;
const KiB = 1024;
const machine = (ramGiB: number, gpu: Machine["gpu"] = false, vramGiB = 0, unifiedMemory = false): Machine =>
    ({ ramBytes: ramGiB * GiB, freeRamBytes: 0, gpu, vramBytes: vramGiB * GiB, unifiedMemory, freeDiskBytes: 0 });

/** Weights spread evenly over the layers; an f16-like KV cache of `kvPerToken` bytes per token, split the same way. */
function model(weightsGiB: number, layers: number, kvPerToken: number, trainContextSize = 131_072): ModelRequirements {
    const total = layers + 1;
    const weights = weightsGiB * GiB;
    const share = (gpuLayers: number): number => Math.min(total, Math.max(0, gpuLayers)) / total;
    return {
        totalLayers: total,
        trainContextSize,
        parameters: weights * 2,
        weightsBytes: weights,
        weights: (gpuLayers) => ({ cpuBytes: weights * (1 - share(gpuLayers)), gpuBytes: weights * share(gpuLayers) }),
        context: (size, sequences, gpuLayers) => {
            const kv = kvPerToken * size * sequences;
            return { cpuBytes: kv * (1 - share(gpuLayers)), gpuBytes: kv * share(gpuLayers) };
        }
    };
}

describe("fit check", () => {
    it("keeps headroom for the OS and VS Code, and for the display on a discrete GPU", () => {
        assert.equal(memoryBudget(machine(16)).ramBytes, 16 * GiB - 3 * GiB - 1.6 * GiB);
        assert.equal(memoryBudget(machine(16)).gpuBytes, 0);
        const gpu = memoryBudget(machine(32, "cuda", 24));
        assert.equal(gpu.gpuBytes, 24 * GiB - 1 * GiB - 1.2 * GiB);
        assert.equal(gpu.unified, false);
    });

    it("counts unified memory once: the GPU's share is a limit inside RAM, not extra memory", () => {
        const mac = memoryBudget(machine(128, "metal", 96, true));
        assert.equal(mac.ramBytes, 128 * GiB - 3 * GiB - 12.8 * GiB);
        assert.equal(mac.gpuBytes, 96 * GiB);
        const after = budgetAfter(mac, { cpuBytes: 2 * GiB, gpuBytes: 10 * GiB }, "the chat model");
        assert.equal(after.ramBytes, mac.ramBytes - 12 * GiB);
        assert.equal(after.gpuBytes, 86 * GiB);

        // 100 GB of weights: more than the GPU may use, less than the pool — fits, partly on the GPU.
        const big = fitModel(model(100, 60, 16 * KiB), "chat", mac);
        assert.equal(big.fits, true);
        assert.equal(big.placement, "partial");
        assert.ok(big.neededBytes <= mac.ramBytes);
        assert.ok(big.memory.gpuBytes <= 96 * GiB);
        // The same memory on a discrete card plus RAM would be two pools; here it is one.
        assert.equal(big.usableBytes, mac.ramBytes);
    });

    it("picks the largest useful context that fits on a CPU machine", () => {
        const budget = memoryBudget(machine(16));
        // 4 GB + 64 KB × 16,384 × 3 = 7 GB ≤ 11.4 GB.
        const fit = fitModel(model(4, 32, 64 * KiB), "chat", budget);
        assert.equal(fit.fits, true);
        assert.equal(fit.contextSize, 16_384);
        assert.equal(fit.sequences, 3);
        assert.equal(fit.placement, "cpu");
        assert.equal(fit.gpuLayers, 0);
        assert.match(fit.reason, /^Fits in memory with a 16,384-token context \(needs 7 GB of 11\.4 GB usable\); runs on the CPU\.$/);
        // Completions: one sequence, at most 8,192 tokens.
        assert.equal(fitModel(model(1, 24, 12 * KiB), "completion", budget).contextSize, 8192);
    });

    it("shrinks the context before giving up, and says what it would need", () => {
        const budget = memoryBudget(machine(16));
        // 8 GB + 128 KB per token: 16,384 × 3 needs 14 GB, 8,192 × 3 needs 11 GB.
        assert.equal(fitModel(model(8, 40, 128 * KiB), "chat", budget).contextSize, 8192);
        const tooBig = fitModel(model(40, 80, 128 * KiB), "chat", budget);
        assert.equal(tooBig.fits, false);
        assert.equal(tooBig.contextSize, 4096);
        assert.equal(tooBig.reason, "Needs 41.5 GB with a 4,096-token context; this machine has 16 GB of RAM, of which 11.4 GB is usable beside the OS and VS Code.");
    });

    it("refuses a model trained for less than a useful context", () => {
        const fit = fitModel(model(1, 24, 16 * KiB, 2048), "chat", memoryBudget(machine(16)));
        assert.equal(fit.fits, false);
        assert.equal(fit.reason, "It was trained for 2,048 tokens; chat needs at least 4,096.");
        assert.equal(fitModel(model(1, 24, 16 * KiB, 2048), "completion", memoryBudget(machine(16))).fits, true);
    });

    it("puts as many layers on a discrete GPU as fit, and no more", () => {
        const budget = memoryBudget(machine(64, "cuda", 24));
        const fit = fitModel(model(40, 79, 32 * KiB), "chat", budget);
        assert.equal(fit.fits, true);
        assert.equal(fit.placement, "partial");
        const layers = fit.gpuLayers;
        const gpuAt = (gpuLayers: number): number => {
            const m = model(40, 79, 32 * KiB);
            return m.weights(gpuLayers).gpuBytes + m.context(fit.contextSize, 3, gpuLayers).gpuBytes;
        };
        assert.ok(gpuAt(layers) <= budget.gpuBytes && gpuAt(layers + 1) > budget.gpuBytes, `${layers} layers is not the most that fit`);
        assert.match(fit.reason, new RegExp(`^Fits with ${layers} of 80 layers on the GPU and a 4,096-token context .*the rest runs on the CPU, which is slower\\.$`));
    });

    it("keeps every layer on the GPU rather than grow the context", () => {
        const budget = memoryBudget(machine(64, "cuda", 12));
        // 9 GB of weights all on the GPU; 64 KB per token: 4,096 × 3 adds 0.75 GB, 16,384 × 3 would add 3 GB.
        const fit = fitModel(model(9, 40, 64 * KiB), "chat", budget);
        assert.equal(fit.placement, "gpu");
        assert.equal(fit.gpuLayers, 41);
        // 8,192 tokens would push one layer off the GPU.
        assert.equal(fit.contextSize, 4096);
        assert.match(fit.reason, /^Fits on the GPU with a/);
    });

    it("runs on the CPU when no layer fits on the GPU", () => {
        const budget = budgetAfter(memoryBudget(machine(32, "cuda", 8)), { cpuBytes: 0, gpuBytes: 7 * GiB }, "the chat model");
        const fit = fitModel(model(2, 24, 16 * KiB), "completion", budget);
        assert.equal(fit.placement, "cpu");
        assert.match(fit.reason, /no layer fits on the GPU/);
    });

    it("plans a load with the memory free now, less a reserve, and says how much is free", () => {
        // 32 GB of RAM, 6 GB free: 6 − (0.5 + 1.6) = 3.9 GB usable.
        const budget = freeMemoryBudget(machine(32), { ramBytes: 6 * GiB, vramBytes: 0 });
        assert.equal(budget.ramBytes, 6 * GiB - 0.5 * GiB - 1.6 * GiB);
        // The same 4 GB model that fits a 16 GB machine by its totals does not fit 3.9 GB free.
        const fit = fitModel(model(4, 32, 64 * KiB), "chat", budget);
        assert.equal(fit.fits, false);
        assert.equal(fit.reason, "Needs 4.8 GB with a 4,096-token context; 6 GB of RAM is free now, of which 3.9 GB is usable.");
        assert.equal(fit.smallerContextSize, undefined, "the weights alone are more than is usable: no context fits");
        // A discrete GPU: its free memory less its reserve.
        const gpu = freeMemoryBudget(machine(32, "cuda", 24), { ramBytes: 8 * GiB, vramBytes: 10 * GiB });
        assert.equal(gpu.gpuBytes, 10 * GiB - 0.25 * GiB - 0.48 * GiB);
        assert.match(fitModel(model(40, 79, 32 * KiB), "chat", gpu).reason, /8 GB of RAM and 10 GB of GPU memory are free now, of which/);
    });

    it("checks the user's context size and GPU layers against the plan, and offers a smaller context that fits", () => {
        const budget = memoryBudget(machine(16));
        // 4 GB + 64 KB per token × 3 sequences: 32,768 tokens need 10 GB (fits 11.4), 65,536 need 16 GB.
        const fixed = fitModel(model(4, 32, 64 * KiB), "chat", budget, undefined, { contextSize: 32_768 });
        assert.equal(fixed.fits, true);
        assert.equal(fixed.contextSize, 32_768);
        const tooLong = fitModel(model(4, 32, 64 * KiB), "chat", budget, undefined, { contextSize: 65_536 });
        assert.equal(tooLong.fits, false);
        assert.match(tooLong.reason, /^Needs 16 GB with a 65,536-token context;/);
        assert.equal(tooLong.smallerContextSize, 32_768);
        // Fewer sequences (no completion sequence beside a separate completion model) need less: 49,152 × 3 needs 13 GB, × 2 10 GB.
        assert.equal(fitModel(model(4, 32, 64 * KiB), "chat", budget, undefined, { contextSize: 49_152 }).fits, false);
        assert.equal(fitModel(model(4, 32, 64 * KiB), "chat", budget, undefined, { contextSize: 49_152, sequences: 2 }).fits, true);
        // GPU layers: exactly the number asked, refused when they don't fit on the card.
        const card = memoryBudget(machine(64, "cuda", 12));
        const some = fitModel(model(9, 40, 64 * KiB), "chat", card, undefined, { gpuLayers: 10 });
        assert.equal(some.gpuLayers, 10);
        assert.equal(some.fits, true);
        const more = fitModel(model(20, 40, 64 * KiB), "chat", card, undefined, { gpuLayers: 41 });
        assert.equal(more.fits, false);
        assert.equal(more.gpuLayers, 41);
    });
});
