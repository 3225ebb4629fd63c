// Splits a GGUF file into `<stem>-0000k-of-0000n.gguf` parts the way llama.cpp's gguf-split does:
// the first part keeps all metadata, every part gets `split.no` / `split.count` /
// `split.tensors.count`, and the tensors are dealt out in order with offsets rebased to each part.
// Works on bytes (metadata entries are copied verbatim), so value types survive exactly and the
// parts of a loadable model load as one model.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const scalarBytes: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const stringType = 8;
const arrayType = 9;

interface TensorEntry {
    readonly name: string;
    readonly dims: readonly bigint[];
    readonly type: number;
    readonly offset: number;
}

class Reader {
    position = 0;
    constructor(private readonly bytes: Buffer) {}
    u32(): number { const value = this.bytes.readUInt32LE(this.position); this.position += 4; return value; }
    u64(): bigint { const value = this.bytes.readBigUInt64LE(this.position); this.position += 8; return value; }
    string(): string { const length = Number(this.u64()); const text = this.bytes.toString("utf8", this.position, this.position + length); this.position += length; return text; }
    skipValue(type: number): void {
        if (type === stringType) { this.string(); return; }
        if (type === arrayType) {
            const itemType = this.u32();
            const count = Number(this.u64());
            for (let i = 0; i < count; i++) this.skipValue(itemType);
            return;
        }
        const size = scalarBytes[type];
        if (size == null) throw new Error(`unknown GGUF value type ${type}`);
        this.position += size;
    }
}

const alignUp = (value: number, alignment: number): number => Math.ceil(value / alignment) * alignment;

function u32(value: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(value); return b; }
function u64(value: bigint | number): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); return b; }
function str(value: string): Buffer { const bytes = Buffer.from(value, "utf8"); return Buffer.concat([u64(bytes.length), bytes]); }
function kv(key: string, type: number, value: Buffer): Buffer { return Buffer.concat([str(key), u32(type), value]); }

/** Writes the parts into `dir` and returns their paths, first part first. */
export async function splitGguf(source: string, dir: string, stem: string, parts: number): Promise<string[]> {
    const bytes = await readFile(source);
    const reader = new Reader(bytes);
    if (reader.u32() !== 0x46554747) throw new Error(`${source} is not a GGUF file`);
    const version = reader.u32();
    const tensorCount = Number(reader.u64());
    const kvCount = Number(reader.u64());

    const entries: Buffer[] = [];
    let alignment = 32;
    let alignmentEntry: Buffer | undefined;
    for (let i = 0; i < kvCount; i++) {
        const start = reader.position;
        const key = reader.string();
        const type = reader.u32();
        const valueAt = reader.position;
        reader.skipValue(type);
        const entry = bytes.subarray(start, reader.position);
        entries.push(entry);
        if (key === "general.alignment") {
            alignment = bytes.readUInt32LE(valueAt);
            alignmentEntry = entry;
        }
    }
    const tensors: TensorEntry[] = [];
    for (let i = 0; i < tensorCount; i++) {
        const name = reader.string();
        const dims = Array.from({ length: reader.u32() }, () => reader.u64());
        tensors.push({ name, dims, type: reader.u32(), offset: Number(reader.u64()) });
    }
    const dataStart = alignUp(reader.position, alignment);
    const dataEnd = bytes.length - dataStart;
    const dataOf = (index: number): Buffer => {
        const tensor = tensors[index]!;
        const next = tensors[index + 1]?.offset ?? dataEnd;
        return bytes.subarray(dataStart + tensor.offset, dataStart + next);
    };

    const perPart = Math.ceil(tensors.length / parts);
    const files: string[] = [];
    for (let part = 0; part < parts; part++) {
        const indices = tensors.map((_, i) => i).slice(part * perPart, (part + 1) * perPart);
        const split = [
            kv("split.no", 2, Buffer.from([part & 0xff, part >> 8])),
            kv("split.count", 2, Buffer.from([parts & 0xff, parts >> 8])),
            kv("split.tensors.count", 5, u32(tensors.length))
        ];
        const metadata = part === 0 ? [...entries, ...split] : [...(alignmentEntry == null ? [] : [alignmentEntry]), ...split];
        const infos: Buffer[] = [];
        const data: Buffer[] = [];
        let offset = 0;
        for (const index of indices) {
            const tensor = tensors[index]!;
            const content = dataOf(index);
            infos.push(str(tensor.name), u32(tensor.dims.length), ...tensor.dims.map(u64), u32(tensor.type), u64(offset));
            const padded = alignUp(content.length, alignment);
            data.push(content, Buffer.alloc(padded - content.length));
            offset += padded;
        }
        const header = Buffer.concat([u32(0x46554747), u32(version), u64(indices.length), u64(metadata.length), ...metadata, ...infos]);
        const file = path.join(dir, `${stem}-${String(part + 1).padStart(5, "0")}-of-${String(parts).padStart(5, "0")}.gguf`);
        await writeFile(file, Buffer.concat([header, Buffer.alloc(alignUp(header.length, alignment) - header.length), ...data]));
        files.push(file);
    }
    return files;
}
