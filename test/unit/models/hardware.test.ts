// Hardware detection on machines this test doesn't run on: node-llama-cpp's answers are stood in
// for, so the unified-memory, discrete-GPU and CPU-only readings are each checked.
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import { describeMachine, detectMachine, freeDiskSpace, type LlamaHardware } from "../../../src/models/hardware";

const GiB = 1024 ** 3;

function fakeLlama(gpu: LlamaHardware["gpu"], vramGiB: number, unifiedGiB: number, ramGiB: number): LlamaHardware {
    return {
        gpu,
        getVramState: () => Promise.resolve({ total: vramGiB * GiB, used: 0, free: vramGiB * GiB, unifiedSize: unifiedGiB * GiB }),
        getRamState: () => Promise.resolve({ total: ramGiB * GiB, free: ramGiB * GiB / 2, wired: 0 }),
        getGpuDeviceNames: () => Promise.resolve(gpu === false ? [] : ["Test GPU"])
    };
}

describe("hardware detection", () => {
    const modelsDir = path.join(os.tmpdir(), "enclave-not-created-yet", "models");

    it("reads a unified-memory Mac as one pool with a GPU share", async () => {
        const mac = await detectMachine({ llama: fakeLlama("metal", 144, 144, 192), modelsDir });
        assert.equal(mac.gpu, "metal");
        assert.equal(mac.unifiedMemory, true);
        assert.equal(mac.ramBytes, 192 * GiB);
        assert.equal(mac.vramBytes, 144 * GiB);
        assert.equal(describeMachine(mac), "192 GB unified memory (Metal)");
    });

    it("reads a discrete GPU as memory of its own", async () => {
        const pc = await detectMachine({ llama: fakeLlama("cuda", 24, 0, 32), modelsDir });
        assert.equal(pc.unifiedMemory, false);
        assert.equal(pc.vramBytes, 24 * GiB);
        assert.deepEqual(pc.gpuNames, ["Test GPU"]);
        assert.equal(describeMachine(pc), "32 GB RAM, CUDA GPU with 24 GB");
    });

    it("reads a machine without a GPU", async () => {
        const laptop = await detectMachine({ llama: fakeLlama(false, 0, 0, 8), modelsDir });
        assert.equal(laptop.gpu, false);
        assert.equal(laptop.vramBytes, 0);
        assert.equal(describeMachine(laptop), "8 GB RAM, no GPU");
    });

    it("measures free disk space where models will go, even before the folder exists", async () => {
        assert.ok((await freeDiskSpace(modelsDir)) > 0);
    });
});
