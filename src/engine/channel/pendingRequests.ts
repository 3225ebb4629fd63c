/**
 * Bookkeeping for requests sent over a channel and not yet answered: their callbacks, a watchdog
 * that fails a request when the other end goes silent, and a bound on how long a cancelled request
 * may take to hand back its partial result.
 */

export interface PendingRequest {
    readonly id: number;
    readonly method: string;
    onEvent(event: unknown): void;
    resolve(result: unknown): void;
    reject(error: Error): void;
}

interface Entry extends PendingRequest {
    watchdog: NodeJS.Timeout | undefined;
    timeoutMs: number;
    onTimeout: () => void;
    cleanup: () => void;
}

export class PendingRequests {
    private readonly entries = new Map<number, Entry>();
    private nextId = 1;

    get size(): number {
        return this.entries.size;
    }

    allocateId(): number {
        return this.nextId++;
    }

    /**
     * Tracks a request. `onTimeout` runs when no message arrived for `timeoutMs`; `cleanup` runs
     * once when the request settles, however it settles.
     */
    add(request: PendingRequest, timeoutMs: number, onTimeout: () => void, cleanup: () => void): void {
        const entry: Entry = {...request, watchdog: undefined, timeoutMs, onTimeout, cleanup};
        this.entries.set(request.id, entry);
        this.arm(entry);
    }

    has(id: number): boolean {
        return this.entries.has(id);
    }

    method(id: number): string | undefined {
        return this.entries.get(id)?.method;
    }

    /** A streamed event proves the worker is alive: it re-arms the watchdog. */
    event(id: number, event: unknown): void {
        const entry = this.entries.get(id);
        if (!entry) return;
        this.arm(entry);
        entry.onEvent(event);
    }

    resolve(id: number, result: unknown): void {
        const entry = this.take(id);
        entry?.resolve(result);
    }

    reject(id: number, error: Error): void {
        const entry = this.take(id);
        entry?.reject(error);
    }

    /** Shortens the watchdog of one request, e.g. after it was cancelled. */
    rearm(id: number, timeoutMs: number, onTimeout: () => void): void {
        const entry = this.entries.get(id);
        if (!entry) return;
        entry.timeoutMs = timeoutMs;
        entry.onTimeout = onTimeout;
        this.arm(entry);
    }

    rejectAll(error: () => Error): void {
        for (const id of [...this.entries.keys()]) this.reject(id, error());
    }

    private arm(entry: Entry): void {
        if (entry.watchdog) clearTimeout(entry.watchdog);
        entry.watchdog = setTimeout(() => entry.onTimeout(), entry.timeoutMs);
    }

    private take(id: number): Entry | undefined {
        const entry = this.entries.get(id);
        if (!entry) return undefined;
        this.entries.delete(id);
        if (entry.watchdog) clearTimeout(entry.watchdog);
        entry.cleanup();
        return entry;
    }
}
