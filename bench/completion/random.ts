/**
 * A small seeded PRNG for the completion benchmark: the fixture and the typing script must be the
 * same on every run, so that runs differ only by what the model and the machine do.
 */

/** mulberry32: 32 bits of state, good enough for picking names and delays. */
export class Rng {
    private state: number;

    constructor(seed: number) {
        this.state = seed >>> 0 || 0x9e3779b9;
    }

    /** Uniform in [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** Uniform integer in [lo, hi]. */
    int(lo: number, hi: number): number {
        return lo + Math.floor(this.next() * (hi - lo + 1));
    }

    chance(p: number): boolean {
        return this.next() < p;
    }

    pick<T>(items: readonly T[]): T {
        const item = items[Math.floor(this.next() * items.length)];
        if (item === undefined) throw new Error("pick from an empty list");
        return item;
    }

    /** `count` distinct items in their original order. */
    sample<T>(items: readonly T[], count: number): T[] {
        const indices = items.map((_, i) => i);
        for (let i = indices.length - 1; i > 0; i--) {
            const j = this.int(0, i);
            [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
        }
        return indices.slice(0, Math.min(count, items.length)).sort((a, b) => a - b).map((i) => items[i] as T);
    }
}
