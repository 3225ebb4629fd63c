/**
 * Embedding vectors across the host↔worker channel: all vectors of one answer as one base64
 * string of little-endian float32s, a quarter of the bytes JSON numbers would take (a
 * nomic-embed-text vector is 768 floats: ~3 KB this way, ~15 KB as JSON) and no per-number parsing.
 * Both ends use these two functions.
 */

/** `vectors` (all of the same length) as one base64 string. */
export function encodeVectors(vectors: readonly Float32Array[]): string {
    const dimensions = vectors[0]?.length ?? 0;
    const all = new Float32Array(vectors.length * dimensions);
    vectors.forEach((vector, position) => {
        if (vector.length !== dimensions) throw new Error(`Vector ${position} has ${vector.length} dimensions, not ${dimensions}.`);
        all.set(vector, position * dimensions);
    });
    return littleEndianBytes(all).toString("base64");
}

/** The `count` vectors of `dimensions` floats in `base64`; throws when the byte count disagrees. */
export function decodeVectors(base64: string, count: number, dimensions: number): Float32Array[] {
    const bytes = Buffer.from(base64, "base64");
    if (bytes.length !== count * dimensions * 4) throw new Error(`The vectors are ${bytes.length} bytes, not ${count} × ${dimensions} float32s.`);
    const all = new Float32Array(count * dimensions);
    for (let i = 0; i < all.length; i++) all[i] = bytes.readFloatLE(i * 4);
    return Array.from({length: count}, (_, position) => all.subarray(position * dimensions, (position + 1) * dimensions));
}

function littleEndianBytes(values: Float32Array): Buffer {
    const bytes = Buffer.alloc(values.length * 4);
    for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i] ?? 0, i * 4);
    return bytes;
}
