// The model picker's items from the catalogue, the fit verdicts for a stated machine and the models
// folder: sections in order, an installed preset listed once, the recommendation on top, presets
// that do not fit marked with the fit check's reason, installed models with their disk size.
import assert from "node:assert/strict";
import type { InstalledModelData } from "../../../src/engine/modelManagerProtocol";
import { overviewOf } from "../../../src/engine/worker/modelManager";
import { catalogue } from "../../../src/models/catalogue";
import type { Machine } from "../../../src/models/hardware";
import { recommend } from "../../../src/models/recommend";
import { buildPickerEntries, type PickerEntry } from "../../../src/provider/models/pickerItems";

const GiB = 1024 ** 3;
const laptop: Machine = { ramBytes: 8 * GiB, freeRamBytes: 0, gpu: false, vramBytes: 0, unifiedMemory: false, freeDiskBytes: 100 * GiB };
const disk = { modelsBytes: 0, linkedBytes: 0, partialBytes: 0, freeBytes: 100 * GiB };

function installed(fileName: string, overrides: Partial<InstalledModelData> = {}): InstalledModelData {
    return { entryPath: `/models/${fileName}`, fileName, files: [`/models/${fileName}`], sizeBytes: 2 * GiB, linked: false, roles: ["chat"], problems: [], ...overrides };
}

function overview(models: InstalledModelData[] = []) {
    return { ...overviewOf(recommend(laptop, catalogue), [], disk, []), installed: models };
}

const separators = (entries: PickerEntry[]) => entries.filter((entry) => entry.kind === "separator").map((entry) => entry.label);
const labels = (entries: PickerEntry[], kind: PickerEntry["kind"]) => entries.filter((entry) => entry.kind === kind).map((entry) => entry.label);

describe("model picker items", () => {
    it("an 8 GB laptop with nothing installed: the recommended distill first, then every other chat preset, then actions", () => {
        const entries = buildPickerEntries({ role: "chat", overview: overview(), presets: catalogue });
        assert.deepEqual(separators(entries), ["Recommended for this machine", "All presets", "Other"]);
        const presets = entries.filter((entry) => entry.kind === "preset");
        assert.equal(presets[0]?.preset.id, "r1-distill-qwen-1.5b");
        assert.match(presets[0]?.label ?? "", /^\$\(star-full\) DeepSeek-R1-Distill-Qwen 1\.5B$/);
        assert.match(presets[0]?.description ?? "", /^1\.89 GB download · Q8_0$/);
        assert.match(presets[0]?.detail ?? "", /^Fits in memory with a .*-token context/);
        assert.deepEqual(presets.map((entry) => entry.preset.role).filter((role) => role !== "chat"), [], "chat presets only");
        assert.equal(presets.length, catalogue.filter((preset) => preset.role === "chat").length);
        assert.deepEqual(labels(entries, "action"), ["$(folder-opened) Import GGUF File…", "$(file) Use a GGUF File Where It Is…"]);
    });

    it("presets that do not fit say why, with the numbers from the fit check", () => {
        const entries = buildPickerEntries({ role: "chat", overview: overview(), presets: catalogue });
        const huge = entries.find((entry) => entry.kind === "preset" && entry.preset.id === "deepseek-r1-671b");
        assert.ok(huge?.kind === "preset");
        assert.equal(huge.verdict.fits, false);
        assert.match(huge.label, /^\$\(circle-slash\) /);
        assert.match(huge.detail, /^Does not fit: Needs .* GB with a 4,096-token context; this machine has 8 GB of RAM/);
        assert.match(huge.description, /in 3 parts/);
    });

    it("an installed preset is listed once, under Installed, with its size, and marked when in use", () => {
        const file = installed("DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf", { presetId: "r1-distill-qwen-1.5b", quantization: "Q8_0", sizeBytes: 1_894_532_128 });
        const entries = buildPickerEntries({ role: "chat", overview: overview([file]), presets: catalogue, current: file.entryPath });
        assert.deepEqual(separators(entries), ["Installed", "All presets", "Other"], "nothing left to recommend: it is installed");
        const [entry] = entries.filter((item) => item.kind === "installed");
        assert.equal(entry?.label, "$(check) DeepSeek-R1-Distill-Qwen 1.5B");
        assert.equal(entry?.description, "1.89 GB · Q8_0 · in use");
        assert.ok(!entries.some((item) => item.kind === "preset" && item.preset.id === "r1-distill-qwen-1.5b"));
    });

    it("an installed model shows what loading it now would do, per role: the worker's plan from its header and the free memory", () => {
        const plan = (fits: boolean, reason: string) => ({ fits, reason, contextSize: 4096, sequences: 3, gpuLayers: 0, totalLayers: 29, neededBytes: GiB, usableBytes: GiB });
        const file = installed("big.gguf", {
            roles: ["chat", "completion"],
            plans: {
                chat: plan(false, "Needs 11.9 GB with a 4,096-token context; 10 GB of RAM is free now, of which 8.7 GB is usable."),
                completion: plan(true, "Fits in memory with an 8,192-token context (needs 3 GB of 8.7 GB usable); runs on the CPU.")
            }
        });
        const [chat] = buildPickerEntries({ role: "chat", overview: overview([file]), presets: catalogue }).filter((item) => item.kind === "installed");
        assert.equal(chat?.label, "$(circle-slash) big.gguf");
        assert.equal(chat?.detail, "big.gguf · Does not fit now: Needs 11.9 GB with a 4,096-token context; 10 GB of RAM is free now, of which 8.7 GB is usable.");
        const [completion] = buildPickerEntries({ role: "completion", overview: overview([file]), presets: catalogue }).filter((item) => item.kind === "installed");
        assert.equal(completion?.label, "$(file) big.gguf");
        assert.equal(completion?.detail, "big.gguf · Fits in memory with an 8,192-token context (needs 3 GB of 8.7 GB usable); runs on the CPU.");
    });

    it("lists installed models by role; a broken one is shown with its problem; completions can fall back to the chat model", () => {
        const models = [
            installed("r1.gguf", { name: "Some R1", roles: ["chat"] }),
            installed("coder.gguf", { roles: ["completion"], linked: true, sizeBytes: 500 * 1000 ** 2 }),
            installed("broken.gguf", { roles: [], problems: [{ code: "Truncated", message: "broken.gguf is incomplete." }] })
        ];
        const completion = buildPickerEntries({ role: "completion", overview: overview(models), presets: catalogue });
        const rows = completion.filter((entry) => entry.kind === "installed");
        assert.deepEqual(rows.map((entry) => entry.label), ["$(file) coder.gguf", "$(warning) broken.gguf"]);
        assert.equal(rows[0]?.description, "500 MB · linked");
        assert.equal(rows[1]?.detail, "Cannot be used: broken.gguf is incomplete.");
        assert.equal(rows[1]?.usable, false);
        const completionPresets = completion.filter((entry) => entry.kind === "preset");
        assert.equal(completionPresets[0]?.preset.id, "qwen2.5-coder-0.5b", "the recommended coder first");
        assert.ok(completionPresets.every((entry) => entry.preset.role === "completion"));
        assert.deepEqual(labels(completion, "action").at(-1), "$(check) No Separate Completion Model");

        const chat = buildPickerEntries({ role: "chat", overview: overview(models), presets: catalogue });
        assert.deepEqual(chat.filter((entry) => entry.kind === "installed").map((entry) => entry.label), ["$(file) Some R1", "$(warning) broken.gguf"]);
    });
});
