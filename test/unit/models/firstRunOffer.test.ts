// The first-run offer for stated machines: the recommended chat preset with its size, "use" when it
// is already installed, and only Choose / Import when nothing fits.
import assert from "node:assert/strict";
import { overviewOf } from "../../../src/engine/worker/modelManager";
import { catalogue } from "../../../src/models/catalogue";
import type { Machine } from "../../../src/models/hardware";
import { recommend } from "../../../src/models/recommend";
import { firstRunOffer } from "../../../src/provider/models/firstRunOffer";

const GiB = 1024 ** 3;
const machine = (ramGiB: number, gpu: Machine["gpu"] = false, vramGiB = 0, unifiedMemory = false): Machine =>
    ({ ramBytes: ramGiB * GiB, freeRamBytes: 0, gpu, vramBytes: vramGiB * GiB, unifiedMemory, freeDiskBytes: 500 * GiB });
const disk = { modelsBytes: 0, linkedBytes: 0, partialBytes: 0, freeBytes: 500 * GiB };
const overviewFor = (m: Machine) => overviewOf(recommend(m, catalogue), [], disk, []);

describe("first-run offer", () => {
    it("offers the recommended distill with its download size", () => {
        const offer = firstRunOffer(overviewFor(machine(8)));
        assert.equal(offer.kind, "download");
        assert.ok(offer.kind === "download");
        assert.equal(offer.preset.id, "r1-distill-qwen-1.5b");
        assert.equal(offer.action, "Download");
        assert.match(offer.message, /^Set up Enclave: download DeepSeek-R1-Distill-Qwen 1\.5B \(1\.8 GB\)\? For this machine \(8 GB RAM, no GPU\): /);
    });

    it("names the parts of a split model (a 192 GB Mac gets the full R1)", () => {
        const offer = firstRunOffer(overviewFor(machine(192, "metal", 144, true)));
        assert.ok(offer.kind === "download");
        assert.equal(offer.preset.id, "deepseek-r1-671b");
        assert.match(offer.message, /download DeepSeek-R1 671B \(1\.58-bit\) \(122 GB in 3 parts\)\?/);
    });

    it("uses the recommended preset when it is already in the models folder", () => {
        const overview = overviewFor(machine(8));
        const installed = { ...overview, installed: [{ entryPath: "/m/r1.gguf", fileName: "r1.gguf", files: ["/m/r1.gguf"], sizeBytes: GiB, linked: false, roles: ["chat" as const], presetId: "r1-distill-qwen-1.5b", problems: [] }] };
        const offer = firstRunOffer(installed);
        assert.ok(offer.kind === "use");
        assert.equal(offer.entryPath, "/m/r1.gguf");
        assert.equal(offer.action, "Use DeepSeek-R1-Distill-Qwen 1.5B");
        // A damaged copy is not offered for use.
        const broken = { ...installed, installed: installed.installed.map((model) => ({ ...model, problems: [{ code: "Truncated", message: "r1.gguf is incomplete." }] })) };
        assert.equal(firstRunOffer(broken).kind, "download");
    });

    it("when nothing fits, says so and offers no download", () => {
        const offer = firstRunOffer(overviewFor(machine(3)));
        assert.equal(offer.kind, "none");
        assert.match(offer.message, /^Enclave needs a model\. .*none of the models fits.*Import a smaller GGUF file/);
    });
});
