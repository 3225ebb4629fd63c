// The bounded header walk on hand-made headers: counts and lengths no file can hold are damage,
// sensible ones that overrun the file are a cut, and a good header gives each tensor's data range.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { prescanGguf, type Prescan, type PrescanFailure } from "../../../src/models/ggufPrescan";
import { sampleWeights } from "../../../src/models/ggufWeights";
import { gguf, writeGguf } from "../../models/gguf-writer";

describe("GGUF header pre-scan", () => {
    let dir: string;
    let good: Buffer;
    before(async () => {
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-prescan-"));
        const file = path.join(dir, "good.gguf");
        await writeGguf(file, { "general.architecture": gguf.str("qwen2"), "general.name": gguf.str("prescan") }, [
            { name: "a.weight", dims: [8, 2], type: "f32", fill: (sink) => sink.f32(new Float32Array(16).fill(1)) },
            { name: "b.weight", dims: [3], type: "f16", fill: (sink) => sink.f32(new Float32Array([1, 2, 3])) }
        ]);
        good = await import("node:fs/promises").then((fs) => fs.readFile(file));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    async function scan(bytes: Buffer, name = "x.gguf"): Promise<Prescan | PrescanFailure> {
        const file = path.join(dir, name);
        await writeFile(file, bytes);
        return prescanGguf(file, bytes.length);
    }
    const patched = (at: number, value: bigint) => {
        const bytes = Buffer.from(good);
        bytes.writeBigUInt64LE(value, at);
        return bytes;
    };

    it("gives each tensor's data range in a good file", async () => {
        const result = await scan(good);
        assert.ok(!("kind" in result), JSON.stringify(result));
        assert.deepEqual(result.tensors.map((tensor) => [tensor.name, tensor.dims, tensor.dataBytes]), [["a.weight", [8, 2], 64], ["b.weight", [3], 6]]);
        assert.equal(result.tensors[0]!.dataOffset, result.dataStart);
        assert.equal(result.tensors[1]!.dataOffset, result.dataStart + 64);
        assert.equal(result.dataEnd, result.dataStart + 64 + 6);
        assert.ok(result.dataEnd <= good.length);
    });

    it("calls a count no model has damage, at once, without reading on", async () => {
        assert.deepEqual(await scan(patched(8, 5_000_000_000n)), { kind: "corrupt", reason: "its header says the number of tensors is 5,000,000,000, far more than any model has" });
        const entries = await scan(patched(16, 1n << 62n));
        assert.ok("kind" in entries && entries.kind === "corrupt", JSON.stringify(entries));
        // A key length of 2^40 in a file of a few hundred bytes: damage, not a cut.
        const result = await scan(patched(24, 1n << 40n));
        assert.ok("kind" in result && result.kind === "corrupt", JSON.stringify(result));
        assert.match(result.reason, /the length of the key of metadata entry 1 is 1,099,511,627,776/);
    });

    it("calls a sensible header that ends early a cut", async () => {
        const result = await scan(good.subarray(0, 40));
        assert.ok("kind" in result && result.kind === "truncated", JSON.stringify(result));
        assert.match(result.reason, /ends inside its header/);
    });

    it("finds NaN and infinite weights at the sampled positions", async () => {
        const clean = await scan(good);
        assert.ok(!("kind" in clean));
        const file = path.join(dir, "x.gguf");
        assert.equal(await sampleWeights(file, clean.tensors), undefined);
        const nan = Buffer.from(good);
        nan.writeFloatLE(Number.NaN, clean.tensors[0]!.dataOffset + 60); // the last value of a.weight
        await writeFile(file, nan);
        assert.deepEqual(await sampleWeights(file, clean.tensors), { tensor: "a.weight", value: "NaN" });
        const inf = Buffer.from(good);
        inf.writeUInt16LE(0x7c00, clean.tensors[1]!.dataOffset); // +Inf in half precision
        await writeFile(file, inf);
        assert.deepEqual(await sampleWeights(file, clean.tensors), { tensor: "b.weight", value: "infinite" });
    });
});
