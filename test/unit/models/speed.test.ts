// The generation-speed estimate: measured memory speed ÷ the bytes a token reads, only where that
// basis holds, with the precision an estimate deserves; and the measurement itself.
import assert from "node:assert/strict";
import { presetById, type ModelPreset } from "../../../src/models/catalogue";
import { defaultFitPolicy, fitModel, memoryBudget } from "../../../src/models/fit";
import type { Machine } from "../../../src/models/hardware";
import { measureMemorySpeed } from "../../../src/models/memorySpeed";
import { nominalRequirements } from "../../../src/models/requirements";
import { describeSpeed, estimateTokensPerSecond, formatTokensPerSecond } from "../../../src/models/speed";

const GiB = 1024 ** 3;
const machine = (ramGiB: number, gpu: Machine["gpu"] = false, vramGiB = 0, unifiedMemory = false): Machine =>
    ({ ramBytes: ramGiB * GiB, freeRamBytes: 0, gpu, vramBytes: vramGiB * GiB, unifiedMemory, freeDiskBytes: 0 });
const preset = (id: string): ModelPreset => presetById(id) as ModelPreset;
function estimate(id: string, m: Machine, bytesPerSecond: number | undefined): number | undefined {
    const requirements = nominalRequirements(preset(id));
    const fit = fitModel(requirements, preset(id).role, memoryBudget(m), defaultFitPolicy);
    return estimateTokensPerSecond(preset(id), requirements, fit, m, bytesPerSecond);
}

describe("generation speed estimate", () => {
    it("on the CPU: memory speed ÷ the model's bytes", () => {
        assert.equal(estimate("r1-distill-qwen-7b", machine(16), 4.68e10), 10);
        assert.equal(estimate("r1-distill-qwen-7b", machine(16), undefined), undefined, "no measurement, no figure");
        assert.equal(estimate("r1-distill-qwen-7b", machine(16), 0), undefined);
    });

    it("a mixture of experts reads only the experts a token uses", () => {
        const full = estimate("deepseek-r1-671b", machine(192, "metal", 144, true), 131e9 * (37 / 671)) ?? 0;
        assert.ok(Math.abs(full - 1) < 1e-9, String(full));
    });

    it("on a discrete GPU: what is left on the CPU bounds it; all on the GPU gets no figure", () => {
        assert.equal(estimate("qwen2.5-coder-0.5b", machine(16, "cuda", 8), 16e9), undefined);
        const partial = estimate("r1-distill-qwen-32b", machine(32, "cuda", 8), 16e9) ?? 0;
        assert.ok(partial > 16e9 / 19.85e9, `faster than with every weight in RAM: ${partial}`);
    });

    it("is said with its basis, and as an estimate", () => {
        assert.equal(formatTokensPerSecond(8.46), "about 8.5 tokens/s");
        assert.equal(formatTokensPerSecond(30.1), "about 30 tokens/s");
        assert.equal(formatTokensPerSecond(1234), "about 1,200 tokens/s");
        assert.equal(formatTokensPerSecond(0.4), "under 1 token/s");
        assert.equal(formatTokensPerSecond(1.02), "about 1 token/s");
        assert.equal(
            describeSpeed([{ label: "A", use: "chat", tokensPerSecond: 8.46 }, { label: "B", use: "completions" }], 16e9),
            "Expect about 8.5 tokens/s in chat at best — an estimate: memory copies at 14.9 GB/s here (measured on one core), and each generated token reads every weight held in RAM once. The model for completions runs entirely on the GPU, whose speed Enclave has not measured."
        );
        assert.equal(describeSpeed([{ label: "A", use: "chat", tokensPerSecond: 8 }], undefined), undefined);
    });

    it("warns when a model will be slow on this machine (under 5 tokens/s), naming its use, not the model again", () => {
        const text = describeSpeed([{ label: "DeepSeek-R1-Distill-Qwen 14B", use: "chat", tokensPerSecond: 3.04 }, { label: "Qwen2.5-Coder 1.5B", use: "completions", tokensPerSecond: 41 }], 6.2 * GiB) ?? "";
        assert.equal(
            text,
            "Expect about 3 tokens/s in chat and about 41 tokens/s in completions at best — an estimate: memory copies at 6.2 GB/s here (measured on one core), and each generated token reads every weight held in RAM once. Chat will be slow on this machine, slower than you read; a smaller model (Choose…) answers faster."
        );
        assert.doesNotMatch(text, /DeepSeek|Qwen/, "the offer names each model once, before this sentence");
        const both = describeSpeed([{ label: "A", use: "chat", tokensPerSecond: 0.6 }, { label: "B", use: "completions", tokensPerSecond: 4.1 }], 6.2 * GiB) ?? "";
        assert.match(both, / Chat and completions will be slow on this machine, slower than you read; a smaller model \(Choose…\) answers faster\.$/);
    });

    it("gives no warning at 5 tokens/s or more", () => {
        assert.doesNotMatch(describeSpeed([{ label: "A", use: "chat", tokensPerSecond: 5 }], 6.2 * GiB) ?? "", /slow/);
    });
});

describe("memory speed measurement", () => {
    it("is bytes over the fastest round's time", () => {
        const times = [0, 4, 10, 12, 20, 25];
        let call = 0;
        const speed = measureMemorySpeed({ bytes: 1024, rounds: 3, now: () => times[call++] ?? 0 });
        assert.equal(speed, 1024 / 0.002);
    });

    it("measures this machine: a plausible figure for RAM (between 100 MB/s and 2 TB/s)", () => {
        const speed = measureMemorySpeed({ bytes: 32 * 1024 ** 2, rounds: 2 });
        assert.ok(speed > 1e8 && speed < 2e12, String(speed));
    });
});
