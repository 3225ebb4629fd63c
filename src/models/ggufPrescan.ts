/**
 * A bounded walk over a GGUF header, run before node-llama-cpp's parser sees the file. Every count
 * and length is held against the bytes the file has left, and the whole header against fixed
 * limits, so a header that claims billions of tensors or entries (or a text of terabytes) is
 * refused at once instead of being parsed for minutes while memory grows by gigabytes. It also
 * checks what llama.cpp's gguf.cpp checks of the tensor infos (at most 4 dimensions, a known type,
 * rows of whole blocks, each tensor's data where the one before it ends), and that the tensor data
 * fits in the file.
 *
 * A value that cannot fit is told apart from a file cut short by plausibility: a cut-off file has
 * sensible counts and lengths and simply ends; a damaged one has a count no model has.
 */
import {open} from "node:fs/promises";
import {blockTraitsOf} from "./ggmlTypes";
import {formatBytes, formatFileSize} from "./units";

/** No real model comes near these; a header that goes beyond them is damaged. */
export const prescanLimits = {
    tensors: 65_536,
    entries: 65_536,
    arrayItems: 1 << 24,
    stringBytes: 64 * 1024 * 1024,
    keyBytes: 64 * 1024,
    headerBytes: 512 * 1024 * 1024
} as const;

/** The most a cut-off file's last length could sensibly say; more than the file has left beyond these is damage. */
const plausibleStringBytes = 1024 * 1024;
const plausibleArrayItems = 1 << 20;
const plausibleCount = 4096;

/** gguf.h GGML_MAX_DIMS. */
const maxDims = 4;
const fixedHeaderBytes = 24;
const defaultAlignment = 32;

export interface PrescannedTensor {
    readonly name: string;
    readonly ggmlType: number;
    readonly dims: readonly number[];
    /** Where its data starts, from the start of the file. */
    readonly dataOffset: number;
    readonly dataBytes: number;
}

export interface Prescan {
    readonly version: number;
    readonly tensors: readonly PrescannedTensor[];
    /** Where the tensor data (after the header and its padding) starts. */
    readonly dataStart: number;
    /** Where the last tensor's data ends: the least length a complete file has. */
    readonly dataEnd: number;
}

export type PrescanFailure =
    | {readonly kind: "truncated"; readonly reason: string}
    | {readonly kind: "corrupt"; readonly reason: string};

/** Thrown inside the walk; turned into a PrescanFailure at the end. */
class Failure extends Error {
    constructor(readonly failure: PrescanFailure) {
        super(failure.reason);
    }
}

/** The walk ran past the bytes read so far, but not past the file: read more and walk again. */
class NeedMore extends Error {}

/** Walks the header of `file` (whose size is `size`); the result, or why it cannot be used. */
export async function prescanGguf(file: string, size: number): Promise<Prescan | PrescanFailure> {
    const handle = await open(file, "r");
    try {
        let length = Math.min(size, 1024 * 1024);
        for (;;) {
            const bytes = Buffer.alloc(length);
            const {bytesRead} = await handle.read(bytes, 0, length, 0);
            try {
                return walk(bytes.subarray(0, bytesRead), size);
            } catch (error) {
                if (error instanceof Failure) return error.failure;
                if (!(error instanceof NeedMore) || bytesRead < length) throw error;
                // Grows geometrically, so the header is walked O(log n) times; bounded by the limit.
                length = Math.min(size, length * 4, prescanLimits.headerBytes);
            }
        }
    } finally {
        await handle.close();
    }
}

const valueSizes: Readonly<Record<number, number>> = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8};
const stringType = 8;
const arrayType = 9;
const uint32Type = 4;

function walk(bytes: Buffer, size: number): Prescan {
    let pos = 0;
    const corrupt = (reason: string): never => {
        throw new Failure({kind: "corrupt", reason});
    };
    const truncated = (reason: string): never => {
        throw new Failure({kind: "truncated", reason});
    };
    const need = (count: number, what: string): void => {
        if (pos + count > size) truncated(`it ends inside its header, in ${what}`);
        if (pos + count > prescanLimits.headerBytes) corrupt(`its header is larger than ${formatBytes(prescanLimits.headerBytes)}, more than any model has`);
        if (pos + count > bytes.length) throw new NeedMore();
    };
    const u32 = (what: string): number => {
        need(4, what);
        const value = bytes.readUInt32LE(pos);
        pos += 4;
        return value;
    };
    const u64 = (what: string): number => {
        need(8, what);
        const value = bytes.readBigUInt64LE(pos);
        pos += 8;
        // Beyond 2^53 no count or offset is real; keep it as a number that fails every bound.
        return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
    };
    const left = () => size - pos;
    /**
     * A count or length. One beyond `limit` is damage. One that needs more bytes than are left is
     * damage when it is beyond `plausible` (a cut-off file has sensible lengths; it just ends), and
     * a cut otherwise.
     */
    const bounded = (value: number, unitBytes: number, limit: number, plausible: number, what: string): number => {
        if (value > limit) corrupt(`its header says ${what} is ${amount(value)}, far more than any model has`);
        if (value * unitBytes > left())
            (value > plausible ? corrupt : truncated)(
                `${value > plausible ? "its header says" : "it ends inside its header:"} ${what} is ${amount(value)}, which needs more than the ${formatFileSize(left())} left in the file`
            );
        return value;
    };
    const string = (what: string, limit: number): string => {
        const length = bounded(u64(`the length of ${what}`), 1, limit, plausibleStringBytes, `the length of ${what}`);
        need(length, what);
        const text = bytes.toString("utf8", pos, pos + length);
        pos += length;
        return text;
    };

    need(fixedHeaderBytes, "the counts of tensors and entries");
    pos = 4; // the magic was checked by the caller
    const version = u32("the version");
    // Read by the caller first; GGUF 1 had 32-bit counts, so the walk below would misread it.
    if (version !== 2 && version !== 3) corrupt(`it is a GGUF file of version ${version}`);
    // The smallest entry: key length, an empty key, type, one byte. The smallest tensor info:
    // name length, an empty name, one dimension, type, offset.
    const tensorCount = bounded(u64("the tensor count"), 0, prescanLimits.tensors, 0, "the number of tensors");
    const entryCount = bounded(u64("the entry count"), 0, prescanLimits.entries, 0, "the number of metadata entries");
    if (tensorCount * 32 + entryCount * 13 > left()) {
        const counts = `${tensorCount.toLocaleString("en")} tensors and ${entryCount.toLocaleString("en")} metadata entries`;
        if (tensorCount > plausibleCount || entryCount > plausibleCount) corrupt(`its header says it has ${counts}, more than its ${formatFileSize(size)} can hold`);
        truncated(`it ends inside its header, which describes ${counts}`);
    }

    let alignment = defaultAlignment;
    for (let entry = 0; entry < entryCount; entry++) {
        const key = string(`the key of metadata entry ${entry + 1}`, prescanLimits.keyBytes) || `number ${entry + 1} (no key)`;
        const type = u32(`the type of ${key}`);
        if (type === arrayType) {
            const itemType = u32(`the item type of ${key}`);
            if (itemType === arrayType) corrupt(`its metadata entry ${key} is an array of arrays, which llama.cpp cannot read`);
            const count = bounded(u64(`the length of ${key}`), itemType === stringType ? 8 : (valueSizes[itemType] ?? 1), prescanLimits.arrayItems, plausibleArrayItems, `the length of the list ${key}`);
            if (itemType === stringType) {
                for (let item = 0; item < count; item++) string(`item ${item + 1} of ${key}`, prescanLimits.stringBytes);
            } else {
                const itemSize = valueSizes[itemType] ?? corrupt(`its metadata entry ${key} is a list of an unknown type (${itemType})`);
                need(count * itemSize, key);
                pos += count * itemSize;
            }
        } else if (type === stringType) {
            string(key, prescanLimits.stringBytes);
        } else {
            const valueSize = valueSizes[type] ?? corrupt(`its metadata entry ${key} has an unknown type (${type})`);
            need(valueSize, key);
            if (key === "general.alignment" && type === uint32Type) alignment = bytes.readUInt32LE(pos);
            pos += valueSize;
        }
    }
    if (alignment === 0 || (alignment & (alignment - 1)) !== 0) corrupt(`its general.alignment is ${alignment}, not a power of two`);

    const infos: Array<{name: string; ggmlType: number; dims: number[]; offset: number; dataBytes: number}> = [];
    const names = new Set<string>();
    let expectedOffset = 0;
    for (let index = 0; index < tensorCount; index++) {
        const name = string(`the name of tensor ${index + 1}`, prescanLimits.keyBytes) || `number ${index + 1} (no name)`;
        if (names.has(name)) corrupt(`it has two tensors named ${name}`);
        names.add(name);
        const dimCount = u32(`the dimensions of ${name}`);
        if (dimCount < 1 || dimCount > maxDims) corrupt(`its tensor ${name} has ${dimCount.toLocaleString("en")} dimensions (llama.cpp allows 1 to ${maxDims})`);
        const dims: number[] = [];
        let elements = 1;
        for (let dim = 0; dim < dimCount; dim++) {
            const extent = u64(`the shape of ${name}`);
            if (extent < 1) corrupt(`its tensor ${name} has a dimension of size 0`);
            elements *= extent;
            if (elements > Number.MAX_SAFE_INTEGER) corrupt(`its tensor ${name} has an impossible shape`);
            dims.push(extent);
        }
        const ggmlType = u32(`the type of ${name}`);
        const traits = blockTraitsOf(ggmlType) ?? corrupt(`its tensor ${name} has a data type (${ggmlType}) this llama.cpp does not know`);
        const [blockElements, blockBytes] = traits;
        if ((dims[0] ?? 0) % blockElements !== 0)
            corrupt(`its tensor ${name} has rows of ${(dims[0] ?? 0).toLocaleString("en")} values, not a whole number of blocks of ${blockElements}`);
        const offset = u64(`the data offset of ${name}`);
        // gguf.cpp: each tensor's data starts where the one before it ends (padded to the alignment).
        if (offset !== expectedOffset)
            corrupt(`its tensor ${name} says its data is at ${amount(offset)}, but the tensors before it end at ${expectedOffset.toLocaleString("en")}`);
        const dataBytes = (elements / blockElements) * blockBytes;
        infos.push({name, ggmlType, dims, offset, dataBytes});
        expectedOffset = alignUp(offset + dataBytes, alignment);
        if (expectedOffset > Number.MAX_SAFE_INTEGER / 2) corrupt(`its tensor ${name} is impossibly large`);
    }

    const dataStart = alignUp(pos, alignment);
    const tensors = infos.map(({name, ggmlType, dims, offset, dataBytes}) => ({name, ggmlType, dims, dataOffset: dataStart + offset, dataBytes}));
    const last = tensors.at(-1);
    const dataEnd = last == null ? pos : last.dataOffset + last.dataBytes;
    return {version, tensors, dataStart, dataEnd};
}

/** A count as read; values beyond 2^53 were clamped to it (see u64), so they are said as "more than". */
function amount(value: number): string {
    return value >= Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER.toLocaleString("en")}` : value.toLocaleString("en");
}

function alignUp(value: number, alignment: number): number {
    return Math.ceil(value / alignment) * alignment;
}
