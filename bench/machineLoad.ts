/**
 * The machine's load during a benchmark. Other jobs on a 2-core machine distort every number, so a
 * benchmark reports the 1-minute load average at its start, the worst seen while it ran, and at
 * its end, and says when the start was too busy for its figures to be trusted.
 */
import {loadavg} from "node:os";

/** A 1-minute load average at or above this at the start makes a run one not to quote. */
export const busyLoadAverage = 1.5;

export interface LoadReport {
    start: number;
    max: number;
    end: number;
    /** The start's load was below `busyLoadAverage`. */
    quiet: boolean;
}

const now = () => loadavg()[0] ?? 0;
const twoDigits = (value: number) => Math.round(value * 100) / 100;

/** Starts watching; `report()` can be called at any time (and more than once). */
export function watchLoad(sampleMs = 5_000): {report(): LoadReport} {
    const start = now();
    let max = start;
    const sampler = setInterval(() => {
        max = Math.max(max, now());
    }, sampleMs);
    sampler.unref();
    return {
        report() {
            const end = now();
            max = Math.max(max, end);
            return {start: twoDigits(start), max: twoDigits(max), end: twoDigits(end), quiet: start < busyLoadAverage};
        }
    };
}
