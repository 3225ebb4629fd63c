// The recommendation from the catalogue's nominal figures (before any header was read): the same
// picks the header-based engine test expects, for the machines where the call is clear.
import assert from "node:assert/strict";
import { catalogue } from "../../../src/models/catalogue";
import type { Machine } from "../../../src/models/hardware";
import { memoryBudget } from "../../../src/models/fit";
import { recommend } from "../../../src/models/recommend";

const GiB = 1024 ** 3;
const machine = (ramGiB: number, gpu: Machine["gpu"] = false, vramGiB = 0, unifiedMemory = false): Machine =>
    ({ ramBytes: ramGiB * GiB, freeRamBytes: 0, gpu, vramBytes: vramGiB * GiB, unifiedMemory, freeDiskBytes: 0 });

describe("recommendation from the catalogue", () => {
    it("an 8 GB laptop gets the 1.5B distill and the 0.5B coder", () => {
        const result = recommend(machine(8));
        assert.equal(result.chat?.preset.id, "r1-distill-qwen-1.5b");
        assert.equal(result.completion?.preset.id, "qwen2.5-coder-0.5b");
        assert.equal(result.presets.length, catalogue.length);
        assert.ok(result.presets.filter((entry) => entry.recommended).length === 2);
    });

    it("the pair fits together: the coder's memory is budgeted beside the chat model's (8, 16, 24 GB without a GPU; 192 GB unified)", () => {
        const pairs: [Machine, string, string][] = [
            [machine(8), "r1-distill-qwen-1.5b", "qwen2.5-coder-0.5b"],
            [machine(16), "r1-distill-llama-8b", "qwen2.5-coder-1.5b"],
            [machine(24), "r1-distill-qwen-14b", "qwen2.5-coder-1.5b"],
            [machine(192, "metal", 144, true), "deepseek-r1-671b", "qwen2.5-coder-7b"]
        ];
        for (const [m, chat, completion] of pairs) {
            const result = recommend(m, catalogue, { memoryBytesPerSecond: 16e9 });
            assert.deepEqual([result.chat?.preset.id, result.completion?.preset.id], [chat, completion], `${m.ramBytes / GiB} GB`);
            const together = (result.chat?.fit.neededBytes ?? Infinity) + (result.completion?.fit.neededBytes ?? Infinity);
            assert.ok(together <= memoryBudget(m).ramBytes, `${chat} + ${completion} need ${together} of ${memoryBudget(m).ramBytes}`);
            assert.ok((result.chat?.tokensPerSecond ?? 0) > 0 && (result.completion?.tokensPerSecond ?? 0) > 0, "each gets a speed estimate");
            assert.match(result.speed ?? "", /^Expect about .* in chat and about .* in completions at best — an estimate/);
        }
    });

    it("32 GB gets the 32B distill; a 192 GB Mac gets the full R1", () => {
        assert.equal(recommend(machine(32)).chat?.preset.id, "r1-distill-qwen-32b");
        const mac = recommend(machine(192, "metal", 144, true));
        assert.equal(mac.chat?.preset.id, "deepseek-r1-671b");
        assert.equal(mac.chat?.fit.placement, "gpu");
    });

    it("lists chat presets first, best first, with a verdict for each", () => {
        const result = recommend(machine(16));
        const roles = result.presets.map((entry) => entry.preset.role);
        assert.deepEqual(roles, [...roles].sort());
        assert.ok(result.presets.every((entry) => entry.fit.reason.length > 20));
        const chat = result.presets.filter((entry) => entry.preset.role === "chat");
        const fits = chat.map((entry) => entry.fit.fits);
        assert.deepEqual(fits, [...fits].sort((a, b) => Number(b) - Number(a)), "a preset that doesn't fit is listed before one that does");
        const fitting = chat.filter((entry) => entry.fit.fits).map((entry) => entry.preset.parameters);
        assert.deepEqual(fitting, [...fitting].sort((a, b) => b - a));
    });

    it("says so when nothing fits", () => {
        const result = recommend(machine(3));
        assert.equal(result.chat, undefined);
        assert.match(result.summary, /none of the models fits.*Import a smaller GGUF file/);
    });

    it("uses requirements read from headers when given, nominal figures otherwise", () => {
        const tiny = recommend(machine(8), catalogue, {
            requirements: (preset) => preset.id !== "r1-distill-qwen-7b" ? undefined : {
                totalLayers: 29, trainContextSize: 131_072, parameters: 7.6e9, weightsBytes: 1e9,
                weights: () => ({ cpuBytes: 1e9, gpuBytes: 0 }),
                context: () => ({ cpuBytes: 1e8, gpuBytes: 0 })
            }
        });
        assert.equal(tiny.chat?.preset.id, "r1-distill-qwen-7b");
    });
});
