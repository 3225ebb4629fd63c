// A small GGUF v3 writer, so tests can make their own models without Python or a download.
//
// Layout (all little-endian), as llama.cpp's gguf.cpp reads it:
//   "GGUF" · version u32 (3) · tensor count u64 · metadata count u64
//   metadata: key (string) · value type u32 · value
//   tensor infos: name (string) · n_dims u32 · dims u64[n_dims] (innermost first) · ggml type u32 · offset u64
//   padding to `general.alignment` (32), then the tensor data, each tensor padded to the alignment.
// A string is a u64 byte length followed by UTF-8 bytes, without a terminator.
//
// Tensor data is produced by a callback per tensor and streamed to the file through one reusable
// buffer, so a 1.3 GB model never has to exist in memory.
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";

/** GGUF metadata value type ids (gguf.h `enum gguf_type`). */
export const GgufValueType = {
    uint8: 0,
    int8: 1,
    uint16: 2,
    int16: 3,
    uint32: 4,
    int32: 5,
    float32: 6,
    bool: 7,
    string: 8,
    array: 9,
    uint64: 10,
    int64: 11,
    float64: 12
} as const;

export type GgufNumberType = "uint8" | "int8" | "uint16" | "int16" | "uint32" | "int32" | "float32" | "float64";
export type GgufBigIntType = "uint64" | "int64";

/** One metadata value. Arrays hold a single item type, as in the format. */
export type GgufValue =
    | { readonly type: GgufNumberType, readonly value: number }
    | { readonly type: GgufBigIntType, readonly value: bigint }
    | { readonly type: "bool", readonly value: boolean }
    | { readonly type: "string", readonly value: string }
    | { readonly type: "array", readonly itemType: GgufNumberType, readonly values: ArrayLike<number> }
    | { readonly type: "array", readonly itemType: GgufBigIntType, readonly values: readonly bigint[] }
    | { readonly type: "array", readonly itemType: "bool", readonly values: readonly boolean[] }
    | { readonly type: "array", readonly itemType: "string", readonly values: readonly string[] };

/** Metadata in file order (object key order is insertion order). */
export type GgufMetadata = Readonly<Record<string, GgufValue>>;

// Short constructors keep model definitions readable: `{"qwen2.block_count": gguf.u32(24)}`.
export const gguf = {
    u32: (value: number): GgufValue => ({ type: "uint32", value }),
    i32: (value: number): GgufValue => ({ type: "int32", value }),
    u64: (value: bigint): GgufValue => ({ type: "uint64", value }),
    f32: (value: number): GgufValue => ({ type: "float32", value }),
    bool: (value: boolean): GgufValue => ({ type: "bool", value }),
    str: (value: string): GgufValue => ({ type: "string", value }),
    strs: (values: readonly string[]): GgufValue => ({ type: "array", itemType: "string", values }),
    i32s: (values: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "int32", values }),
    f32s: (values: ArrayLike<number>): GgufValue => ({ type: "array", itemType: "float32", values })
};

/** ggml tensor types this writer can produce (ggml.h `enum ggml_type`). */
export type GgufTensorType = "f32" | "f16";
const ggmlTypeId: Readonly<Record<GgufTensorType, number>> = { f32: 0, f16: 1 };
const bytesPerElement: Readonly<Record<GgufTensorType, number>> = { f32: 4, f16: 2 };

/** Receives a tensor's values in order, in chunks of any size. */
export interface GgufTensorSink {
    /** Float values; converted to half precision when the tensor is f16. */
    f32(values: Float32Array): Promise<void>;
    /** Raw IEEE half-precision bit patterns; only for f16 tensors (fast path for big random tensors). */
    f16Bits(values: Uint16Array): Promise<void>;
}

export interface GgufTensor {
    readonly name: string;
    /** ggml order: innermost (row length) first, e.g. `[n_embd, n_vocab]` for `token_embd.weight`. */
    readonly dims: readonly number[];
    readonly type: GgufTensorType;
    /** Writes exactly `product(dims)` values to the sink. */
    readonly fill: (sink: GgufTensorSink) => Promise<void>;
}

export const GGUF_ALIGNMENT = 32;
const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32

export function elementCount(dims: readonly number[]): number {
    return dims.reduce((product, dim) => product * dim, 1);
}

export function tensorByteSize(tensor: Pick<GgufTensor, "dims" | "type">): number {
    return elementCount(tensor.dims) * bytesPerElement[tensor.type];
}

function alignUp(value: number, alignment: number): number {
    return Math.ceil(value / alignment) * alignment;
}

/** Write a complete GGUF file at `path` (overwriting it). */
export async function writeGguf(path: string, metadata: GgufMetadata, tensors: readonly GgufTensor[]): Promise<void> {
    const names = new Set<string>();
    for (const tensor of tensors) {
        if (names.has(tensor.name))
            throw new Error(`Duplicate tensor name: ${tensor.name}`);
        names.add(tensor.name);
        if (tensor.dims.length === 0 || tensor.dims.length > 4 || tensor.dims.some((dim) => !Number.isInteger(dim) || dim <= 0))
            throw new Error(`Tensor ${tensor.name} has invalid dims ${JSON.stringify(tensor.dims)}`);
    }

    const alignmentValue = metadata["general.alignment"];
    const alignment = alignmentValue?.type === "uint32" ? alignmentValue.value : GGUF_ALIGNMENT;

    const header = new ByteWriter();
    header.u32(GGUF_MAGIC);
    header.u32(3);
    header.u64(BigInt(tensors.length));
    header.u64(BigInt(Object.keys(metadata).length));
    for (const [key, value] of Object.entries(metadata)) {
        header.string(key);
        writeValue(header, value);
    }
    let offset = 0;
    for (const tensor of tensors) {
        header.string(tensor.name);
        header.u32(tensor.dims.length);
        for (const dim of tensor.dims)
            header.u64(BigInt(dim));
        header.u32(ggmlTypeId[tensor.type]);
        header.u64(BigInt(offset));
        offset = alignUp(offset + tensorByteSize(tensor), alignment);
    }
    header.padTo(alignment);

    const file = await open(path, "w");
    try {
        const out = new BufferedFile(file);
        await out.write(header.toBuffer());
        for (const tensor of tensors) {
            const written = await writeTensorData(out, tensor);
            const expected = elementCount(tensor.dims);
            if (written !== expected)
                throw new Error(`Tensor ${tensor.name} got ${written} values, expected ${expected}`);
            await out.zeros(alignUp(out.position, alignment) - out.position);
        }
        await out.flush();
    } finally {
        await file.close();
    }
}

async function writeTensorData(out: BufferedFile, tensor: GgufTensor): Promise<number> {
    let count = 0;
    const sink: GgufTensorSink = {
        f32: async (values) => {
            count += values.length;
            if (tensor.type === "f32")
                await out.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
            else
                await out.write(float32ArrayToFloat16Bytes(values));
        },
        f16Bits: async (values) => {
            if (tensor.type !== "f16")
                throw new Error(`Tensor ${tensor.name} is ${tensor.type}; f16Bits() is only for f16 tensors`);
            count += values.length;
            await out.write(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
        }
    };
    await tensor.fill(sink);
    return count;
}

function writeValue(writer: ByteWriter, value: GgufValue): void {
    writer.u32(GgufValueType[value.type]);
    if (value.type === "array") {
        writer.u32(GgufValueType[value.itemType]);
        writer.u64(BigInt(value.values.length));
        for (let i = 0; i < value.values.length; i++)
            writeScalar(writer, value.itemType, value.values[i]!);
        return;
    }
    writeScalar(writer, value.type, value.value);
}

function writeScalar(writer: ByteWriter, type: Exclude<GgufValue["type"], "array">, value: number | bigint | boolean | string): void {
    switch (type) {
        case "uint8": writer.u8(Number(value)); break;
        case "int8": writer.i8(Number(value)); break;
        case "uint16": writer.u16(Number(value)); break;
        case "int16": writer.i16(Number(value)); break;
        case "uint32": writer.u32(Number(value)); break;
        case "int32": writer.i32(Number(value)); break;
        case "float32": writer.f32(Number(value)); break;
        case "float64": writer.f64(Number(value)); break;
        case "uint64": writer.u64(BigInt(value)); break;
        case "int64": writer.i64(BigInt(value)); break;
        case "bool": writer.u8(value === true ? 1 : 0); break;
        case "string": writer.string(String(value)); break;
    }
}

/** Growable little-endian byte buffer for the header (metadata can be a few MB with a 152k vocabulary). */
class ByteWriter {
    private buffer = Buffer.alloc(1 << 16);
    private length = 0;

    private reserve(bytes: number): void {
        if (this.length + bytes <= this.buffer.length)
            return;
        const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + bytes));
        this.buffer.copy(bigger, 0, 0, this.length);
        this.buffer = bigger;
    }

    u8(value: number): void { this.reserve(1); this.length = this.buffer.writeUInt8(value, this.length); }
    i8(value: number): void { this.reserve(1); this.length = this.buffer.writeInt8(value, this.length); }
    u16(value: number): void { this.reserve(2); this.length = this.buffer.writeUInt16LE(value, this.length); }
    i16(value: number): void { this.reserve(2); this.length = this.buffer.writeInt16LE(value, this.length); }
    u32(value: number): void { this.reserve(4); this.length = this.buffer.writeUInt32LE(value, this.length); }
    i32(value: number): void { this.reserve(4); this.length = this.buffer.writeInt32LE(value, this.length); }
    u64(value: bigint): void { this.reserve(8); this.length = this.buffer.writeBigUInt64LE(value, this.length); }
    i64(value: bigint): void { this.reserve(8); this.length = this.buffer.writeBigInt64LE(value, this.length); }
    f32(value: number): void { this.reserve(4); this.length = this.buffer.writeFloatLE(value, this.length); }
    f64(value: number): void { this.reserve(8); this.length = this.buffer.writeDoubleLE(value, this.length); }

    string(value: string): void {
        const bytes = Buffer.byteLength(value, "utf8");
        this.u64(BigInt(bytes));
        this.reserve(bytes);
        this.length += this.buffer.write(value, this.length, "utf8");
    }

    padTo(alignment: number): void {
        const padding = alignUp(this.length, alignment) - this.length;
        this.reserve(padding);
        this.buffer.fill(0, this.length, this.length + padding);
        this.length += padding;
    }

    toBuffer(): Buffer {
        return this.buffer.subarray(0, this.length);
    }
}

/** Batches small writes into 8 MB writes; big writes go straight through. */
class BufferedFile {
    private readonly buffer = Buffer.alloc(8 << 20);
    private used = 0;
    position = 0;

    constructor(private readonly file: FileHandle) {}

    async write(bytes: Uint8Array): Promise<void> {
        this.position += bytes.length;
        if (this.used + bytes.length <= this.buffer.length) {
            this.buffer.set(bytes, this.used);
            this.used += bytes.length;
            return;
        }
        await this.flush();
        if (bytes.length >= this.buffer.length) {
            await writeAll(this.file, bytes);
            return;
        }
        this.buffer.set(bytes, 0);
        this.used = bytes.length;
    }

    async zeros(count: number): Promise<void> {
        if (count > 0)
            await this.write(new Uint8Array(count));
    }

    async flush(): Promise<void> {
        if (this.used === 0)
            return;
        await writeAll(this.file, this.buffer.subarray(0, this.used));
        this.used = 0;
    }
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
        const { bytesWritten } = await file.write(bytes, done, bytes.length - done);
        done += bytesWritten;
    }
}

// Half precision: Node 20 has no Float16Array, so convert bits by hand (round to nearest, ties to even).
const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

export function float32ToFloat16Bits(value: number): number {
    f32Scratch[0] = value;
    const bits = u32Scratch[0]!;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    const mantissa = bits & 0x7fffff;
    if (exponent === 0xff)
        return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0); // Inf or NaN
    const halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f)
        return sign | 0x7c00; // too big: Inf
    if (halfExponent <= 0) {
        if (halfExponent < -10)
            return sign; // too small: ±0
        const full = mantissa | 0x800000;
        const shift = 14 - halfExponent;
        let half = full >>> shift;
        const rest = full & ((1 << shift) - 1);
        const halfway = 1 << (shift - 1);
        if (rest > halfway || (rest === halfway && (half & 1) === 1))
            half++;
        return sign | half; // subnormal (a carry correctly becomes the smallest normal)
    }
    let half = (halfExponent << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1))
        half++; // a carry into the exponent is the correct rounding (up to Inf)
    return sign | half;
}

export function float16BitsToFloat32(bits: number): number {
    const sign = (bits & 0x8000) !== 0 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0)
        return sign * mantissa * 2 ** -24;
    if (exponent === 0x1f)
        return mantissa === 0 ? sign * Infinity : NaN;
    return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function float32ArrayToFloat16Bytes(values: Float32Array): Uint8Array {
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++)
        half[i] = float32ToFloat16Bits(values[i]!);
    return new Uint8Array(half.buffer);
}
