/** Small statistics helpers shared by the benchmarks. */

/** Nearest-rank percentile (p in 0–100); undefined for no values. */
export function percentile(values: readonly number[], p: number): number | undefined {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[Math.min(sorted.length, rank) - 1];
}

/** The middle value (the mean of the two middle ones for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
    if (values.length === 0) return Number.NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export const round = (value: number | undefined, digits = 1): number | null =>
    value === undefined || !Number.isFinite(value) ? null : Math.round(value * 10 ** digits) / 10 ** digits;

export const ratio = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

export const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/**
 * `count` indices spread over [0, total), ordered so that any prefix of the list is itself spread
 * out (0, last, middle, quarters, …): a time budget that stops early still samples the whole run.
 */
export function spreadSample(total: number, count: number): number[] {
    if (total <= 0 || count <= 0) return [];
    const n = Math.min(total, count);
    const evenly = n === 1 ? [0] : Array.from({length: n}, (_, i) => Math.round((i * (total - 1)) / (n - 1)));
    const order: number[] = [];
    const taken = new Set<number>();
    const take = (position: number): void => {
        if (position < 0 || position >= n || taken.has(position)) return;
        taken.add(position);
        order.push(evenly[position] as number);
    };
    take(0);
    take(n - 1);
    for (let step = n - 1; step >= 1 && order.length < n; step = Math.floor(step / 2)) {
        for (let position = Math.floor(step / 2); position < n; position += Math.max(1, step)) take(position);
        if (step === 1) break;
    }
    for (let position = 0; position < n; position++) take(position);
    return order;
}
