// The GGUF writer, checked against an independent reader: node-llama-cpp's `readGgufFileInfo`
// (imported dynamically: node-llama-cpp is ESM-only with top-level await, which CommonJS can't load).
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type * as NodeLlamaCpp from "node-llama-cpp";
import { R1_DISTILL_QWEN_CHAT_TEMPLATE } from "../models/chat-template";
import { float16BitsToFloat32, float32ToFloat16Bits, gguf, writeGguf } from "../models/gguf-writer";
import type { GgufMetadata, GgufTensor } from "../models/gguf-writer";
import { planScriptedModel, SCRIPTED_DEFAULTS, scriptedModel } from "../models/scripted";
import { encodeTokenText, R1_SPECIAL_TOKENS_START, R1_VOCAB_SIZE, TokenType, VocabBuilder } from "../models/vocab";

type GgufFileInfo = Awaited<ReturnType<typeof NodeLlamaCpp.readGgufFileInfo>>;

describe("GGUF writer", function () {
    this.timeout(60_000);
    let readGgufFileInfo: typeof NodeLlamaCpp.readGgufFileInfo;
    let dir: string;

    before(async () => {
        ({ readGgufFileInfo } = await import("node-llama-cpp"));
        dir = await mkdtemp(path.join(os.tmpdir(), "enclave-gguf-"));
    });
    after(async () => {
        await rm(dir, { recursive: true, force: true });
    });

    const read = (file: string): Promise<GgufFileInfo> => readGgufFileInfo(file, { logWarnings: false });
    // readGgufFileInfo nests dotted keys into objects; this reads one back by its flat key.
    const valueAt = (info: GgufFileInfo, key: string): unknown =>
        key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], info.metadata);

    describe("metadata and tensors", () => {
        const metadata: GgufMetadata = {
            "general.architecture": gguf.str("enclave-test"),
            "general.alignment": gguf.u32(32),
            "test.u8": { type: "uint8", value: 255 },
            "test.i8": { type: "int8", value: -128 },
            "test.u16": { type: "uint16", value: 65535 },
            "test.i16": { type: "int16", value: -32768 },
            "test.u32": gguf.u32(4_000_000_000),
            "test.i32": gguf.i32(-2_000_000_000),
            "test.u64": gguf.u64(2n ** 63n + 5n),
            "test.i64": { type: "int64", value: -(2n ** 62n) },
            "test.f32": gguf.f32(0.5),
            "test.f64": { type: "float64", value: Math.PI },
            "test.bool": gguf.bool(true),
            "test.string": gguf.str("héllo ｜ wörld ▁ <think>\n"),
            "test.strings": gguf.strs(["a", "", "Ġthe", "<｜User｜>"]),
            "test.ints": gguf.i32s(Int32Array.from([1, -2, 3])),
            "test.floats": gguf.f32s([0.25, -1.5]),
            "test.bools": { type: "array", itemType: "bool", values: [true, false] }
        };
        const f32Values = Float32Array.from({ length: 3 * 5 }, (_, i) => i - 7.25);
        const f16Values = Float32Array.from([1, -2, 0.5, 65504, 0.1, -0.000061035156, 3]);
        const tensors: GgufTensor[] = [
            // streamed in uneven chunks, as the random generator does
            { name: "a.weight", dims: [3, 5], type: "f32", fill: async (sink) => { await sink.f32(f32Values.subarray(0, 4)); await sink.f32(f32Values.subarray(4)); } },
            { name: "b.weight", dims: [7], type: "f16", fill: (sink) => sink.f32(f16Values) },
            { name: "c.weight", dims: [2, 1, 3], type: "f16", fill: (sink) => sink.f16Bits(Uint16Array.from([0x3c00, 0, 0xbc00, 0x7bff, 1, 0x8001])) }
        ];
        let file: string;
        let info: GgufFileInfo;

        before(async () => {
            file = path.join(dir, "values.gguf");
            await writeGguf(file, metadata, tensors);
            info = await read(file);
        });

        it("writes version 3 with the architecture", () => {
            assert.equal(info.version, 3);
            assert.equal(info.metadata.general.architecture, "enclave-test");
            assert.equal(Number(info.tensorCount), 3);
        });

        it("round-trips every scalar type", () => {
            assert.equal(valueAt(info, "test.u8"), 255);
            assert.equal(valueAt(info, "test.i8"), -128);
            assert.equal(valueAt(info, "test.u16"), 65535);
            assert.equal(valueAt(info, "test.i16"), -32768);
            assert.equal(valueAt(info, "test.u32"), 4_000_000_000);
            assert.equal(valueAt(info, "test.i32"), -2_000_000_000);
            assert.equal(valueAt(info, "test.u64"), 2n ** 63n + 5n);
            assert.equal(valueAt(info, "test.i64"), -(2n ** 62n));
            assert.equal(valueAt(info, "test.f32"), 0.5);
            assert.equal(valueAt(info, "test.f64"), Math.PI);
            assert.equal(valueAt(info, "test.bool"), true);
            assert.equal(valueAt(info, "test.string"), "héllo ｜ wörld ▁ <think>\n");
        });

        it("round-trips arrays of strings, ints, floats and bools", () => {
            assert.deepEqual(valueAt(info, "test.strings"), ["a", "", "Ġthe", "<｜User｜>"]);
            assert.deepEqual(valueAt(info, "test.ints"), [1, -2, 3]);
            assert.deepEqual(valueAt(info, "test.floats"), [0.25, -1.5]);
            assert.deepEqual(valueAt(info, "test.bools"), [true, false]);
        });

        it("describes tensors with ggml dims, types and 32-byte aligned offsets", () => {
            const tensorInfo = info.tensorInfo ?? [];
            assert.deepEqual(tensorInfo.map((t) => ({ name: t.name, dims: t.dimensions.map(Number), type: t.ggmlType, offset: Number(t.offset) })), [
                { name: "a.weight", dims: [3, 5], type: 0, offset: 0 },
                { name: "b.weight", dims: [7], type: 1, offset: 64 }, // 60 bytes, padded to 64
                { name: "c.weight", dims: [2, 1, 3], type: 1, offset: 96 } // 14 bytes, padded to 32
            ]);
            for (const tensor of tensorInfo)
                assert.equal(Number(tensor.fileOffset) % 32, 0, `${tensor.name} data is aligned`);
        });

        it("stores the tensor data where the infos point, f16 converted with rounding", async () => {
            const bytes = await readFile(file);
            const offsetOf = (name: string) => Number(info.tensorInfo?.find((t) => t.name === name)?.fileOffset);
            const a = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offsetOf("a.weight"), bytes.byteOffset + offsetOf("a.weight") + 60));
            assert.deepEqual([...a], [...f32Values]);
            const halfAt = (name: string, index: number) => bytes.readUInt16LE(offsetOf(name) + index * 2);
            assert.deepEqual([...f16Values].map((_, i) => float16BitsToFloat32(halfAt("b.weight", i))),
                [1, -2, 0.5, 65504, 0.0999755859375, -0.00006103515625, 3]);
            assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => halfAt("c.weight", i)), [0x3c00, 0, 0xbc00, 0x7bff, 1, 0x8001]);
            assert.equal(bytes.length, offsetOf("c.weight") + 32, "the file ends with the last tensor's padding");
        });
    });

    it("converts float32 to float16 bits with round-to-nearest-even", () => {
        const cases: [number, number][] = [
            [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [65504, 0x7bff], [65520, 0x7c00],
            [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -26, 0x0000], [2 ** -14, 0x0400],
            [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [0.1, 0x2e66]
        ];
        for (const [value, bits] of cases)
            assert.equal(float32ToFloat16Bits(value), bits, `f16(${value})`);
        assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
    });

    it("rejects a tensor that gets the wrong number of values, and duplicate names", async () => {
        const short: GgufTensor = { name: "x", dims: [4], type: "f32", fill: (sink) => sink.f32(new Float32Array(3)) };
        await assert.rejects(writeGguf(path.join(dir, "short.gguf"), {}, [short]), /got 3 values, expected 4/);
        await assert.rejects(writeGguf(path.join(dir, "dup.gguf"), {}, [short, short]), /Duplicate tensor name/);
    });

    describe("generated models", () => {
        it("writes the scripted model as qwen2 with R1's tokenizer and chat template", async () => {
            const file = await scriptedModel();
            const info = await read(file);
            const plan = planScriptedModel(SCRIPTED_DEFAULTS);
            assert.equal(info.metadata.general.architecture, "qwen2");
            assert.equal(info.metadata.tokenizer.chat_template, R1_DISTILL_QWEN_CHAT_TEMPLATE);
            assert.match(R1_DISTILL_QWEN_CHAT_TEMPLATE, /\{\{'<｜Assistant｜><think>\\n'\}\}/);
            const tokenizer = info.metadata.tokenizer.ggml;
            assert.equal(tokenizer.model, "gpt2");
            assert.equal(valueAt(info, "tokenizer.ggml.pre"), "deepseek-r1-qwen");
            assert.deepEqual(tokenizer.tokens, [...plan.vocab.tokens]);
            assert.equal(tokenizer.tokens[tokenizer.bos_token_id ?? -1], "<｜begin▁of▁sentence｜>");
            assert.equal(tokenizer.tokens[tokenizer.eos_token_id ?? -1], "<｜end▁of▁sentence｜>");
            assert.equal(new Set(tokenizer.tokens).size, tokenizer.tokens.length, "token texts are unique (llama.cpp aborts otherwise)");
            const typeOf = (text: string) => tokenizer.token_type?.[tokenizer.tokens.indexOf(text)];
            assert.equal(typeOf("<｜User｜>"), TokenType.control);
            assert.equal(typeOf("<｜Assistant｜>"), TokenType.control);
            assert.equal(typeOf("<think>"), TokenType.userDefined);
            assert.equal(typeOf("</think>"), TokenType.userDefined);
            assert.equal(typeOf("<|fim_middle|>"), TokenType.control);
            assert.equal(typeOf(encodeTokenText(" ")), TokenType.normal);
            assert.equal(info.architectureMetadata.context_length, SCRIPTED_DEFAULTS.contextLength);
            const names = (info.tensorInfo ?? []).map((t) => t.name);
            assert.ok(["token_embd.weight", "output_norm.weight", "output.weight", "blk.1.attn_q.bias", "blk.1.ffn_down.weight"]
                .every((name) => names.includes(name)));
            assert.ok((await stat(file)).size < 1_000_000, "the scripted model stays tiny");
        });

        it("pads a vocabulary to the real size with the special tokens at their real ids", () => {
            const vocab = new VocabBuilder().build({ padTo: R1_VOCAB_SIZE });
            assert.equal(vocab.tokens.length, R1_VOCAB_SIZE);
            assert.equal(vocab.special.eos, R1_SPECIAL_TOKENS_START);
            assert.equal(vocab.special.think, 151648);
            assert.equal(vocab.special.fimPrefix, 151659);
            assert.equal(vocab.tokens[R1_VOCAB_SIZE - 1], `[PAD${R1_VOCAB_SIZE - 1}]`);
            assert.equal(vocab.tokenTypes[R1_VOCAB_SIZE - 1], TokenType.unused);
            assert.equal(new Set(vocab.tokens).size, R1_VOCAB_SIZE);
        });
    });
});
