/**
 * The model processes started for a runtime folder, found by their command line (they are detached,
 * so they are nobody's child once their starter is gone), and a way to end them so that no test
 * leaves one behind holding a model in memory.
 */
import {spawnSync} from "node:child_process";

export function modelProcessesOf(runtimeDir: string): number[] {
    const result = spawnSync("pgrep", ["-f", "--", `--runtime-dir ${runtimeDir}`], {encoding: "utf8"});
    return result.stdout.split("\n").filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
}

export function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** SIGKILLs every model process of `runtimeDir` and waits (bounded) until they are gone. */
export async function stopModelProcesses(runtimeDir: string): Promise<void> {
    const pids = modelProcessesOf(runtimeDir);
    for (const pid of pids) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // already gone
        }
    }
    const deadline = Date.now() + 5_000;
    while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
