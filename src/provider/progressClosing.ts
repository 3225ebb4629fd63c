/**
 * VS Code keeps a notification progress on screen for at least 800 ms, even when its task ended
 * sooner (the workbench's progress service closes it after `Promise.all([timeout(800), task])`).
 * A failure shown the moment a fast task fails (a refused connection fails in milliseconds) would
 * sit beside a progress that still says "Connecting to the server…" with a live Cancel button. So
 * what follows a progress waits until VS Code has closed it. Plain logic (no vscode import), unit-tested.
 */

/** VS Code's 800 ms, plus the round trip between the extension host and the window. */
export const progressMinimumVisibleMs = 1000;

export interface ClosingOptions {
    readonly minimumMs?: number;
    readonly now?: () => number;
    readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles as `task` does (success or failure), but no sooner than the progress that ran it, started at `startedAt`, has closed. */
export async function afterProgressCloses<T>(task: PromiseLike<T>, startedAt: number, options: ClosingOptions = {}): Promise<T> {
    const {minimumMs = progressMinimumVisibleMs, now = Date.now, sleep = sleepFor} = options;
    try {
        return await task;
    } finally {
        const left = startedAt + minimumMs - now();
        if (left > 0) await sleep(left);
    }
}
