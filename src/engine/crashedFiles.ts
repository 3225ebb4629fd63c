/**
 * Model files that crashed the model process while it loaded them (llama.cpp aborting on
 * something our checks did not foresee), so the next attempt with the same file says which file
 * and why instead of crashing the process again. Kept by the host for the session: a file is known
 * by its path, size and modification time, so a file replaced or fixed since is tried again.
 */
import {stat} from "node:fs/promises";

/** Signals of a process that crashed by itself; SIGKILL and SIGTERM come from outside (a user, the OOM killer). */
const crashSignals = new Set<NodeJS.Signals>(["SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE", "SIGTRAP", "SIGSYS"]);

export function isCrashSignal(signal: NodeJS.Signals | null): signal is NodeJS.Signals {
    return signal !== null && crashSignals.has(signal);
}

interface Crash {
    readonly sizeBytes: number;
    readonly mtimeMs: number;
    readonly signal: NodeJS.Signals;
}

export class CrashedFiles {
    private readonly crashes = new Map<string, Crash>();

    async remember(path: string, signal: NodeJS.Signals): Promise<void> {
        const stats = await stat(path).catch(() => undefined);
        if (stats !== undefined) this.crashes.set(path, {sizeBytes: stats.size, mtimeMs: stats.mtimeMs, signal});
    }

    /** The signal the file crashed the process with last time, when it is still the same file. */
    async recall(path: string): Promise<NodeJS.Signals | undefined> {
        const crash = this.crashes.get(path);
        if (crash === undefined) return undefined;
        const stats = await stat(path).catch(() => undefined);
        if (stats?.size === crash.sizeBytes && stats.mtimeMs === crash.mtimeMs) return crash.signal;
        this.crashes.delete(path);
        return undefined;
    }
}
