/**
 * The lock around "is a model process serving? if not, listen": two processes started at once (two
 * windows restarting after a crash) must not both remove a stale socket and listen, or one of them
 * would serve nobody while holding a copy of the models. The lock is a file created exclusively;
 * it is held for milliseconds, so one older than `staleMs` was left by a process that died holding
 * it and may be taken over.
 */
import {constants} from "node:fs";
import {open, stat, unlink} from "node:fs/promises";
import {setTimeout as sleep} from "node:timers/promises";

export interface StartLock {
    release(): Promise<void>;
}

export async function acquireStartLock(path: string, options: {staleMs?: number; waitMs?: number} = {}): Promise<StartLock> {
    const staleMs = options.staleMs ?? 10_000;
    const deadline = Date.now() + (options.waitMs ?? 20_000);
    for (;;) {
        try {
            const file = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
            await file.writeFile(String(process.pid));
            await file.close();
            return {release: () => unlink(path).catch(() => undefined)};
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        const age = await stat(path).then((stats) => Date.now() - stats.mtimeMs, () => 0);
        if (age > staleMs) await unlink(path).catch(() => undefined);
        else if (Date.now() > deadline) throw new Error(`${path} stayed locked for ${Math.round((options.waitMs ?? 20_000) / 1000)} s.`);
        else await sleep(25);
    }
}
