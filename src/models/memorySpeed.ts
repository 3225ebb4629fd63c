/**
 * How fast this machine moves memory, measured: the basis of the generation-speed estimate
 * (speed.ts). Generating one token reads every weight the model uses once, so on the CPU (and on
 * unified memory) memory speed, not arithmetic, is what usually bounds tokens per second.
 *
 * The figure is a copy of a buffer far larger than any CPU cache, on one core, best of a few
 * rounds: what one thread of this process really achieves right now. llama.cpp reads with several
 * threads, which can be faster on a desktop and about the same on a laptop, so estimates built on it
 * are rough, and said to be.
 */
import {MiB} from "./units";

export interface MemorySpeedOptions {
    /** Larger than the last-level cache of laptops and desktops (at most ~100 MB today), so the copy goes to RAM. */
    readonly bytes?: number;
    readonly rounds?: number;
    readonly now?: () => number;
}

/** Bytes copied per second. Synchronous: about `rounds` × (bytes / speed), e.g. 4 × 8.5 ms for 128 MB at 16 GB/s. */
export function measureMemorySpeed(options: MemorySpeedOptions = {}): number {
    const bytes = options.bytes ?? 128 * MiB;
    const rounds = options.rounds ?? 4;
    const now = options.now ?? (() => performance.now());
    const source = Buffer.alloc(bytes, 0x5a);
    const target = Buffer.alloc(bytes);
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < rounds; round++) {
        const started = now();
        source.copy(target);
        best = Math.min(best, now() - started);
    }
    // A copy faster than the clock's resolution says nothing; report none rather than infinity.
    return best > 0 && Number.isFinite(best) ? bytes / (best / 1000) : 0;
}
