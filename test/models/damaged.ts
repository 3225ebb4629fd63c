// Damaged model files, one of each class the checks must tell apart, plus header mutants from a
// seeded fuzzer: all made from the scripted model by patching its bytes, written to a folder the
// caller gives (a temp folder), never committed. Each class says what the user must be told.
import { execFileSync } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ModelProblemCode } from "../../src/models/errors";
import type { EngineErrorCode } from "../../src/engine/errors";
import { badModels } from "./bad";
import { scriptedModel } from "./scripted";

export interface DamagedFile {
    /** What is wrong, as a test name. */
    readonly kind: string;
    readonly path: string;
    /** Undefined for fuzz mutants: any plain refusal (or a clean load) is acceptable. */
    readonly expected?: {
        /** The problem Import reports. */
        readonly problem: ModelProblemCode;
        /** The error a load fails with. */
        readonly code: EngineErrorCode;
        /** Matches the sentence (after the file name). */
        readonly message: RegExp;
    };
}

/** The offsets of a GGUF header's structural fields, read by a walk independent of the code under test. */
interface Layout {
    readonly entries: ReadonlyArray<{ key: string, keyLengthAt: number, typeAt: number, valueAt: number, type: number, countAt?: number }>;
    readonly tensors: ReadonlyArray<{ name: string, nameLengthAt: number, dimCountAt: number, dimsAt: readonly number[], typeAt: number, offsetAt: number, dataOffset: number }>;
    readonly dataStart: number;
}

/** A field to mutate: where it is and how wide. */
interface Field { readonly at: number, readonly bytes: 4 | 8, readonly what: string }

const scalarSizes: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

function layoutOf(bytes: Buffer): Layout {
    let pos = 24;
    const u32 = () => { const value = bytes.readUInt32LE(pos); pos += 4; return value; };
    const u64 = () => { const value = Number(bytes.readBigUInt64LE(pos)); pos += 8; return value; };
    const str = () => { const length = u64(); const text = bytes.toString("utf8", pos, pos + length); pos += length; return text; };
    const tensorCount = Number(bytes.readBigUInt64LE(8));
    const entryCount = Number(bytes.readBigUInt64LE(16));
    const entries: Layout["entries"][number][] = [];
    for (let i = 0; i < entryCount; i++) {
        const keyLengthAt = pos;
        const key = str();
        const typeAt = pos;
        const type = u32();
        const valueAt = pos;
        if (type === 9) {
            const itemType = u32();
            const countAt = pos;
            const count = u64();
            for (let item = 0; item < count; item++) {
                if (itemType === 8) str();
                else pos += scalarSizes[itemType]!;
            }
            entries.push({ key, keyLengthAt, typeAt, valueAt, type, countAt });
        } else {
            if (type === 8) str();
            else pos += scalarSizes[type]!;
            entries.push({ key, keyLengthAt, typeAt, valueAt, type });
        }
    }
    const tensors: Layout["tensors"][number][] = [];
    for (let i = 0; i < tensorCount; i++) {
        const nameLengthAt = pos;
        const name = str();
        const dimCountAt = pos;
        const dimCount = u32();
        const dimsAt: number[] = [];
        for (let dim = 0; dim < dimCount; dim++) { dimsAt.push(pos); pos += 8; }
        const typeAt = pos;
        pos += 4;
        const offsetAt = pos;
        const dataOffset = u64();
        tensors.push({ name, nameLengthAt, dimCountAt, dimsAt, typeAt, offsetAt, dataOffset });
    }
    return { entries, tensors, dataStart: Math.ceil(pos / 32) * 32 };
}

/** mulberry32: a small seeded generator, so the mutants are the same on every run. */
function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export const FUZZ_SEED = 20_261_201;
export const FUZZ_MUTANTS = 36;

export async function damagedFiles(dir: string): Promise<DamagedFile[]> {
    await mkdir(dir, { recursive: true });
    const good = await readFile(await scriptedModel());
    const layout = layoutOf(good);
    const entry = (key: string) => layout.entries.find((candidate) => candidate.key === key) ?? assert(`no entry ${key}`);
    const tensor = (name: string) => layout.tensors.find((candidate) => candidate.name === name) ?? assert(`no tensor ${name}`);
    const files: DamagedFile[] = [];

    async function add(kind: string, bytes: Buffer | string, expected: DamagedFile["expected"]): Promise<void> {
        const file = path.join(dir, `${kind}.gguf`);
        await writeFile(file, bytes);
        files.push({ kind, path: file, expected });
    }
    const patched = (patch: (bytes: Buffer) => void): Buffer => {
        const bytes = Buffer.from(good);
        patch(bytes);
        return bytes;
    };
    const tensorData = (name: string) => {
        const info = tensor(name);
        const next = layout.tensors[layout.tensors.indexOf(info) + 1];
        return { start: layout.dataStart + info.dataOffset, end: next == null ? good.length : layout.dataStart + next.dataOffset };
    };

    await add("empty", Buffer.alloc(0), { problem: "Truncated", code: "CorruptModel", message: /is empty \(0 bytes\)/ });
    await add("not-gguf", "This is a text file, not a model.\n", { problem: "NotGguf", code: "NotGguf", message: /is not a GGUF model file/ });
    await add("cut-after-magic", good.subarray(0, 4), { problem: "Truncated", code: "CorruptModel", message: /ends right after its first 4 bytes/ });
    await add("cut-in-counts", good.subarray(0, 13), { problem: "Truncated", code: "CorruptModel", message: /is incomplete .*ends inside its header/ });
    await add("cut-in-header", good.subarray(0, Math.floor(layout.dataStart / 2)), { problem: "Truncated", code: "CorruptModel", message: /is incomplete .*ends inside its header/ });
    await add("cut-by-last-byte", good.subarray(0, good.length - 1), { problem: "Truncated", code: "CorruptModel", message: /is incomplete: .*1 byte of tensor data is missing/ });
    await add("unknown-version", patched((bytes) => bytes.writeUInt32LE(7, 4)), { problem: "UnsupportedVersion", code: "CorruptModel", message: /GGUF file of version 7; llama\.cpp reads versions 2 and 3/ });
    await add("billions-of-tensors", patched((bytes) => bytes.writeBigUInt64LE(5_000_000_000n, 8)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its header says the number of tensors is 5,000,000,000/ });
    await add("billions-of-entries", patched((bytes) => bytes.writeBigUInt64LE(1n << 40n, 16)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its header says the number of metadata entries is 1,099,511,627,776/ });
    // Full length, counts a little off: the walk runs into the wrong bytes. Damaged, not "incomplete".
    await add("tensor-count-off", patched((bytes) => bytes.writeBigUInt64LE(BigInt(layout.tensors.length + 7), 8)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: / });
    await add("entry-count-off", patched((bytes) => bytes.writeBigUInt64LE(BigInt(layout.entries.length + 3), 16)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: / });
    await add("string-length-huge", patched((bytes) => bytes.writeBigUInt64LE(1n << 33n, entry("tokenizer.chat_template").valueAt)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its header says the length of tokenizer\.chat_template is 8,589,934,592/ });
    await add("array-length-huge", patched((bytes) => bytes.writeBigUInt64LE(3_000_000_000n, entry("tokenizer.ggml.tokens").countAt ?? assert("no count for tokenizer.ggml.tokens"))), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its header says the length of the list tokenizer\.ggml\.tokens is 3,000,000,000/ });
    await add("unknown-value-type", patched((bytes) => bytes.writeUInt32LE(99, entry("general.name").typeAt)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its metadata entry general\.name has an unknown type \(99\)/ });
    await add("five-dimensions", patched((bytes) => bytes.writeUInt32LE(5, tensor("output_norm.weight").dimCountAt)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its tensor output_norm\.weight has 5 dimensions/ });
    await add("tensor-offset-wrong", patched((bytes) => bytes.writeBigUInt64LE(BigInt(tensor("output.weight").dataOffset + 32), tensor("output.weight").offsetAt)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its tensor output\.weight says its data is at/ });
    await add("unknown-tensor-type", patched((bytes) => bytes.writeUInt32LE(250, tensor("blk.0.attn_q.weight").typeAt)), { problem: "Corrupt", code: "CorruptModel", message: /is damaged: its tensor blk\.0\.attn_q\.weight has a data type \(250\)/ });
    await add("absurd-block-count", patched((bytes) => bytes.writeUInt32LE(1_000_000, entry("qwen2.block_count").valueAt)), { problem: "Implausible", code: "CorruptModel", message: /cannot be run: it says it has 1,000,000 layers/ });
    await add("block-count-too-small", patched((bytes) => bytes.writeUInt32LE(1, entry("qwen2.block_count").valueAt)), { problem: "Implausible", code: "CorruptModel", message: /cannot be run: it has a tensor blk\.1\..* for layer 2, but says it has 1 layer\./ });
    await add("zero-embedding", patched((bytes) => bytes.writeUInt32LE(0, entry("qwen2.embedding_length").valueAt)), { problem: "Implausible", code: "CorruptModel", message: /cannot be run: it says its embedding length is 0/ });
    await add("heads-do-not-divide", patched((bytes) => bytes.writeUInt32LE(3, entry("qwen2.attention.head_count_kv").valueAt)), { problem: "Implausible", code: "CorruptModel", message: /cannot be run: it has 4 attention heads, which its 3 key-value heads do not divide/ });
    await add("embedding-does-not-match-tensors", patched((bytes) => bytes.writeUInt32LE(32, entry("qwen2.embedding_length").valueAt)), { problem: "Implausible", code: "CorruptModel", message: /cannot be run: it has a tensor token_embd\.weight of shape \[64, \d+\], which does not match its embedding length of 32/ });
    const nan = tensorData("output.weight");
    await add("nan-weights", patched((bytes) => { for (let at = nan.start; at + 4 <= nan.end; at += 4) bytes.writeFloatLE(Number.NaN, at); }), { problem: "BadWeights", code: "CorruptModel", message: /is damaged: its weights hold NaN \(not-a-number\) values \(in output\.weight\)/ });
    const inf = tensorData("blk.1.ffn_down.weight");
    await add("infinite-weights", patched((bytes) => { for (let at = inf.start; at + 4 <= inf.end; at += 4) bytes.writeFloatLE(Number.POSITIVE_INFINITY, at); }), { problem: "BadWeights", code: "CorruptModel", message: /is damaged: its weights hold infinite values \(in blk\.1\.ffn_down\.weight\)/ });

    const folder = path.join(dir, "folder.gguf");
    await mkdir(folder, { recursive: true });
    files.push({ kind: "folder", path: folder, expected: { problem: "NotAFile", code: "NotGguf", message: /is a folder, not a model file/ } });
    const fifo = path.join(dir, "fifo.gguf");
    execFileSync("mkfifo", [fifo]);
    files.push({ kind: "fifo", path: fifo, expected: { problem: "NotAFile", code: "NotGguf", message: /is a named pipe \(FIFO\), not a model file/ } });
    const loopA = path.join(dir, "loop-a.gguf");
    await symlink(path.join(dir, "loop-b.gguf"), loopA);
    await symlink(loopA, path.join(dir, "loop-b.gguf"));
    files.push({ kind: "symlink-loop", path: loopA, expected: { problem: "NotFound", code: "ModelNotFound", message: /is a symbolic link that leads back to itself/ } });
    files.push({ kind: "missing", path: path.join(dir, "missing.gguf"), expected: { problem: "NotFound", code: "ModelNotFound", message: /does not exist/ } });
    const bad = await badModels();
    files.push({ kind: "unsupported-architecture", path: bad.unsupportedArch, expected: { problem: "UnsupportedArchitecture", code: "UnsupportedArchitecture", message: /uses the model architecture "enclave-unknown"/ } });
    files.push({ kind: "no-tokenizer", path: bad.noTokenizer, expected: { problem: "NoTokenizer", code: "CorruptModel", message: /has no tokenizer/ } });

    // Fuzzing: a structural field (a count, a length, a type, a dimension, an offset) set to an
    // edge value, a random one, or with one bit flipped.
    const fields: Field[] = [
        { at: 8, bytes: 8, what: "tensor count" },
        { at: 16, bytes: 8, what: "entry count" },
        ...layout.entries.flatMap((item): Field[] => [
            { at: item.keyLengthAt, bytes: 8, what: `key length of ${item.key}` },
            { at: item.typeAt, bytes: 4, what: `type of ${item.key}` },
            ...(item.countAt != null ? [{ at: item.countAt, bytes: 8, what: `length of ${item.key}` } as const] : []),
            ...(item.type === 8 ? [{ at: item.valueAt, bytes: 8, what: `string length of ${item.key}` } as const] : [])
        ]),
        ...layout.tensors.flatMap((item): Field[] => [
            { at: item.nameLengthAt, bytes: 8, what: `name length of ${item.name}` },
            { at: item.dimCountAt, bytes: 4, what: `dimensions of ${item.name}` },
            ...item.dimsAt.map((at) => ({ at, bytes: 8, what: `a dimension of ${item.name}` } as const)),
            { at: item.typeAt, bytes: 4, what: `type of ${item.name}` },
            { at: item.offsetAt, bytes: 8, what: `offset of ${item.name}` }
        ])
    ];
    const random = seededRandom(FUZZ_SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    for (let mutant = 0; mutant < FUZZ_MUTANTS; mutant++) {
        const field = pick(fields);
        const bytes = Buffer.from(good);
        const old = field.bytes === 4 ? BigInt(bytes.readUInt32LE(field.at)) : bytes.readBigUInt64LE(field.at);
        const max = field.bytes === 4 ? 0xffff_ffffn : 0xffff_ffff_ffff_ffffn;
        const value = pick<() => bigint>([
            () => 0n,
            () => max,
            () => old + 1n,
            () => (old === 0n ? 1n : old - 1n),
            () => old ^ (1n << BigInt(Math.floor(random() * field.bytes * 8))),
            () => BigInt(Math.floor(random() * 2 ** 32)) & max
        ])();
        if (field.bytes === 4) bytes.writeUInt32LE(Number(value), field.at);
        else bytes.writeBigUInt64LE(value, field.at);
        const kind = `fuzz-${String(mutant + 1).padStart(2, "0")}`;
        await add(kind, bytes, undefined);
        files[files.length - 1] = { ...files[files.length - 1]!, kind: `${kind} (${field.what}: ${old} → ${value})` };
    }
    return files;
}

function assert(message: string): never {
    throw new Error(`damaged.ts: the scripted model has ${message}`);
}
