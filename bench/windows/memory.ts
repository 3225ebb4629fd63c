/**
 * Resident memory of model processes, from Linux's /proc/<pid>/smaps_rollup. RSS counts every page
 * a process has in memory, so file pages that several processes map (the same model file, read
 * through the page cache) are counted once per process; PSS divides each shared page among the
 * processes that map it, so a sum of PSS counts such a page once.
 */
import {readFile} from "node:fs/promises";

export interface ProcessMemory {
    pid: number;
    rssBytes: number;
    pssBytes: number;
}

export interface MemoryTotal {
    pids: number[];
    rssMb: number;
    pssMb: number;
    perProcess: Array<{pid: number; rssMb: number; pssMb: number}>;
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function processMemory(pid: number): Promise<ProcessMemory> {
    let text: string;
    try {
        text = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
    } catch (error) {
        throw new Error(`Cannot read the memory of process ${pid} (/proc/${pid}/smaps_rollup; Linux 4.14 or later only): ${error instanceof Error ? error.message : String(error)}`);
    }
    const field = (name: string): number => {
        const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(text);
        if (!match) throw new Error(`/proc/${pid}/smaps_rollup has no ${name} line`);
        return Number(match[1]) * 1024;
    };
    return {pid, rssBytes: field("Rss"), pssBytes: field("Pss")};
}

/** The memory of the given processes (each counted once), in MB. */
export async function totalMemory(pids: Iterable<number>): Promise<MemoryTotal> {
    const unique = [...new Set(pids)].sort((a, b) => a - b);
    const each = await Promise.all(unique.map(processMemory));
    return {
        pids: unique,
        rssMb: mb(each.reduce((sum, entry) => sum + entry.rssBytes, 0)),
        pssMb: mb(each.reduce((sum, entry) => sum + entry.pssBytes, 0)),
        perProcess: each.map((entry) => ({pid: entry.pid, rssMb: mb(entry.rssBytes), pssMb: mb(entry.pssBytes)}))
    };
}

/** Whether a process with this id still runs. */
export function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: it runs, as another user's process.
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}
