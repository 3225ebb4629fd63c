// The first-run offer for stated machines: the pair recommended for the machine (an R1 distill for
// chat and review, a Qwen2.5-Coder for completions) with each one's size and use, the total, and
// the speed to expect; "Chat Model Only" as the second choice; a part already in the models
// folder used as it is; and only Choose / Import when nothing fits.
import assert from "node:assert/strict";
import { overviewOf } from "../../../src/engine/worker/modelManager";
import { catalogue } from "../../../src/models/catalogue";
import type { Machine } from "../../../src/models/hardware";
import { recommend } from "../../../src/models/recommend";
import { firstRunOffer, type FirstRunOffer } from "../../../src/provider/models/firstRunOffer";

const GiB = 1024 ** 3;
const machine = (ramGiB: number, gpu: Machine["gpu"] = false, vramGiB = 0, unifiedMemory = false): Machine =>
    ({ ramBytes: ramGiB * GiB, freeRamBytes: 0, gpu, vramBytes: vramGiB * GiB, unifiedMemory, freeDiskBytes: 500 * GiB });
const disk = { modelsBytes: 0, linkedBytes: 0, partialBytes: 0, freeBytes: 500 * GiB };
/** 16 GB/s: the order of what one core of a laptop copies. */
const memorySpeed = 16e9;
const overviewFor = (m: Machine, speed: number | null = memorySpeed) =>
    overviewOf(recommend(m, catalogue, { memoryBytesPerSecond: speed ?? undefined }), [], disk, [], speed ?? undefined);
const installedCopy = (entryPath: string, presetId: string) =>
    ({ entryPath, fileName: entryPath.slice(3), files: [entryPath], sizeBytes: GiB, linked: false, roles: [], presetId, problems: [] });

function setUp(offer: FirstRunOffer): Extract<FirstRunOffer, { kind: "setUp" }> {
    assert.equal(offer.kind, "setUp", offer.message);
    return offer;
}

describe("first-run offer", () => {
    it("8 GB laptop: the 1.5B distill and the 0.5B coder, each with its size and use, the total, and a speed from the measured memory", () => {
        const offer = setUp(firstRunOffer(overviewFor(machine(8))));
        assert.deepEqual(offer.parts.map((part) => [part.role, part.preset.id, part.entryPath]), [
            ["chat", "r1-distill-qwen-1.5b", undefined], ["completion", "qwen2.5-coder-0.5b", undefined]
        ]);
        assert.match(offer.message, /^Set up Enclave: download DeepSeek-R1-Distill-Qwen 1\.5B \(1\.89 GB\) for chat and review and Qwen2\.5-Coder 0\.5B \(531 MB\) for inline completions, 2\.42 GB in all\? Recommended for this machine: 8 GB RAM, no GPU\./);
        // 16e9 B/s ÷ 1.89e9 B ≈ 8.5 and ÷ 0.531e9 B ≈ 30: the figures follow from the measurement, not a constant.
        assert.match(offer.message, /Expect about 8\.5 tokens\/s in chat and about 30 tokens\/s in completions at best — an estimate: memory copies at 14\.9 GB\/s here \(measured on one core\)/);
        assert.deepEqual(offer.choices.map((choice) => choice.label), ["Download Both", "Chat Model Only"]);
        assert.deepEqual(offer.choices[1]?.parts.map((part) => part.preset.id), ["r1-distill-qwen-1.5b"], "the coder is skippable");
    });

    it("a faster memory gives a proportionally faster estimate; without a measurement the offer claims no speed", () => {
        assert.match(setUp(firstRunOffer(overviewFor(machine(8), 32e9))).message, /Expect about 17 tokens\/s in chat and about 60 tokens\/s in completions/);
        const unmeasured = setUp(firstRunOffer(overviewFor(machine(8), null)));
        assert.doesNotMatch(unmeasured.message, /tokens\/s|Expect/);
    });

    it("16 GB without a GPU: the 8B distill with the 1.5B coder beside it", () => {
        const offer = setUp(firstRunOffer(overviewFor(machine(16))));
        assert.deepEqual(offer.parts.map((part) => part.preset.id), ["r1-distill-llama-8b", "qwen2.5-coder-1.5b"]);
        assert.deepEqual(offer.choices.map((choice) => choice.label), ["Download Both", "Chat Model Only"]);
    });

    it("24 GB without a GPU: the 14B distill and the 1.5B coder, 10.6 GB in all", () => {
        const offer = setUp(firstRunOffer(overviewFor(machine(24))));
        assert.deepEqual(offer.parts.map((part) => part.preset.id), ["r1-distill-qwen-14b", "qwen2.5-coder-1.5b"]);
        assert.match(offer.message, /download DeepSeek-R1-Distill-Qwen 14B \(8\.99 GB\) for chat and review and Qwen2\.5-Coder 1\.5B \(1\.65 GB\) for inline completions, 10\.6 GB in all\?/);
        assert.deepEqual(offer.choices.map((choice) => choice.label), ["Download Both", "Chat Model Only"]);
    });

    it("192 GB unified memory: the full R1 in 3 parts with a coder beside it, its speed from the experts a token uses", () => {
        const offer = setUp(firstRunOffer(overviewFor(machine(192, "metal", 144, true))));
        assert.deepEqual(offer.parts.map((part) => part.preset.id), ["deepseek-r1-671b", "qwen2.5-coder-7b"]);
        assert.match(offer.message, /download DeepSeek-R1 671B \(1\.58-bit\) \(131 GB in 3 parts\) for chat and review and Qwen2\.5-Coder 7B \(8\.1 GB\) for inline completions, 139 GB in all\?/);
        // 16e9 ÷ (131e9 × 37/671) ≈ 2.2: a dense estimate (0.12) would be twenty times too slow.
        assert.match(offer.message, /Expect about 2\.2 tokens\/s in chat/);
    });

    it("a discrete GPU that holds a model gets no made-up figure for it", () => {
        const offer = setUp(firstRunOffer(overviewFor(machine(16, "cuda", 8))));
        const coder = offer.parts[1]?.preset.label ?? "";
        assert.match(offer.message, / The model for completions runs entirely on the GPU, whose speed Enclave has not measured\.$/);
        assert.equal(offer.message.split(coder).length, 2, "the coder is named once");
    });

    it("uses what is already in the models folder and downloads only the rest", () => {
        const overview = overviewFor(machine(8));
        const chatInstalled = { ...overview, installed: [installedCopy("/m/r1.gguf", "r1-distill-qwen-1.5b")] };
        const offer = setUp(firstRunOffer(chatInstalled));
        assert.equal(offer.parts[0]?.entryPath, "/m/r1.gguf");
        assert.match(offer.message, /^Set up Enclave: use DeepSeek-R1-Distill-Qwen 1\.5B, already in the models folder, for chat and review, and download Qwen2\.5-Coder 0\.5B \(531 MB\) for inline completions\?/);
        assert.deepEqual(offer.choices.map((choice) => choice.label), ["Set Up Both", "Chat Model Only"]);
        const both = { ...overview, installed: [installedCopy("/m/r1.gguf", "r1-distill-qwen-1.5b"), installedCopy("/m/c.gguf", "qwen2.5-coder-0.5b")] };
        assert.equal(setUp(firstRunOffer(both)).choices[0]?.label, "Use Both");
        // A damaged copy is not offered for use.
        const broken = { ...overview, installed: [{ ...installedCopy("/m/r1.gguf", "r1-distill-qwen-1.5b"), problems: [{ code: "Truncated", message: "r1.gguf is incomplete." }] }] };
        assert.equal(setUp(firstRunOffer(broken)).parts[0]?.entryPath, undefined);
    });

    it("leaves a completion model the user configured alone: only the chat model is offered", () => {
        const offer = setUp(firstRunOffer(overviewFor(machine(8)), { completionConfigured: true }));
        assert.deepEqual(offer.parts.map((part) => part.preset.id), ["r1-distill-qwen-1.5b"]);
        assert.deepEqual(offer.choices.map((choice) => choice.label), ["Download"]);
        assert.match(offer.message, /^Set up Enclave: download DeepSeek-R1-Distill-Qwen 1\.5B \(1\.89 GB\) for chat and review\?/);
    });

    it("when no coder fits beside the chat model, the chat model alone is offered, for completions too", () => {
        const overview = overviewFor(machine(8));
        const offer = setUp(firstRunOffer({ ...overview, recommended: { chat: overview.recommended.chat } }));
        assert.equal(offer.parts.length, 1);
        assert.match(offer.message, /for chat, review and completions\?/);
    });

    it("when nothing fits, says so and offers no download", () => {
        const offer = firstRunOffer(overviewFor(machine(3)));
        assert.equal(offer.kind, "none");
        assert.match(offer.message, /^Enclave needs a model\. .*none of the models fits.*Import a smaller GGUF file/);
    });
});
