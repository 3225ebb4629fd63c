/**
 * The model process's embedding vectors by text hash, least recently used first out: a window that
 * asks again for the same chunks (a re-query, another window on the same repository) gets them
 * without running the model. Bounded by the bytes of the vectors it holds.
 */
import {createHash} from "node:crypto";

export class VectorCache {
    private readonly entries = new Map<string, Float32Array>();
    private bytes = 0;

    constructor(private readonly maxBytes = 32 * 2 ** 20) {}

    /** The key of `text` embedded as `kind` by the model of `modelKey`. */
    static keyOf(modelKey: string, kind: string, text: string): string {
        return createHash("sha256").update(modelKey).update("\0").update(kind).update("\0").update(text).digest("base64");
    }

    get size(): number {
        return this.entries.size;
    }

    get(key: string): Float32Array | undefined {
        const vector = this.entries.get(key);
        if (vector === undefined) return undefined;
        // Most recently used last: Map keeps insertion order.
        this.entries.delete(key);
        this.entries.set(key, vector);
        return vector;
    }

    set(key: string, vector: Float32Array): void {
        const old = this.entries.get(key);
        if (old !== undefined) {
            this.entries.delete(key);
            this.bytes -= old.byteLength;
        }
        if (vector.byteLength > this.maxBytes) return;
        this.entries.set(key, vector);
        this.bytes += vector.byteLength;
        for (const [oldest, value] of this.entries) {
            if (this.bytes <= this.maxBytes) break;
            this.entries.delete(oldest);
            this.bytes -= value.byteLength;
        }
    }

    /** Forgets the vectors of one model (it was unloaded, or its file changed). */
    clear(): void {
        this.entries.clear();
        this.bytes = 0;
    }
}
