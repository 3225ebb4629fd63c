/**
 * How the chat and trace views word numbers — one place, so that the two views and every state of
 * a turn say the same thing the same way: "1 answer token", "1 min 5 s", "Thought for 12 s".
 * No DOM, no `vscode`: the browser bundles and the unit tests import it alike.
 */

/** 950 → "950", 1,234 → "1.2k", 12,345 → "12k". */
export function formatCount(n: number): string {
    if (n < 1000) return String(n);
    if (n < 9_950) return `${(n / 1000).toFixed(1)}k`;
    return `${Math.round(n / 1000)}k`;
}

/** `n` and the noun, in the singular for one: "1 token", "2 answer tokens", "1.2k tokens". */
export function countOf(n: number, noun: string): string {
    return `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`;
}

/**
 * A duration as people say it: "0.4 s", "9.9 s", "12 s", "1 min", "1 min 5 s", "2 h 3 min". Rounded
 * once, to the unit shown, before it is split, so 119.6 s is "2 min", never "1 min 60 s".
 */
export function formatDuration(ms: number): string {
    const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const tenths = Math.round(safe / 100);
    if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
    const seconds = Math.round(safe / 1000);
    if (seconds < 60) return `${seconds} s`;
    if (seconds < 3600) {
        const minutes = Math.floor(seconds / 60);
        const rest = seconds % 60;
        return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
    }
    const minutes = Math.round(seconds / 60);
    const rest = minutes % 60;
    return rest === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** Tokens per second over `ms` of generation, one decimal; undefined when there is no time to divide by. */
export function tokensPerSecond(tokens: number, ms: number): number | undefined {
    if (!(ms > 0) || tokens <= 0) return undefined;
    return Math.round((tokens / ms) * 10_000) / 10;
}

export function formatRate(rate: number): string {
    return `${rate.toFixed(1)} tok/s`;
}

/**
 * The chat's line about a finished thought, by its time from the first to the last thought token:
 * "Thought for 12 s"; "Thought briefly" under a tenth of a second; by its size only for a turn
 * saved before thought times were kept ("Thought (120 tokens)").
 */
export function thoughtSummary(thoughtMs: number | undefined, thoughtTokens: number): string {
    if (thoughtMs === undefined) return `Thought (${countOf(thoughtTokens, "token")})`;
    return thoughtMs < 100 ? "Thought briefly" : `Thought for ${formatDuration(thoughtMs)}`;
}
