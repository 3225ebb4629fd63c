/**
 * Runs one job in a fresh child process (child.ts, bundled with esbuild so that no TypeScript loader
 * sits in the measured process) and samples that process's resident memory from
 * /proc/<pid>/status while it runs: every 20 ms the current RSS (kept as a maximum per phase), and
 * at the end the kernel's own high-water mark (VmHWM), which no sampling interval can miss.
 */
import {fork} from "node:child_process";
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import * as esbuild from "esbuild";
import type {ChildJob, ChildMessage, ChildResult, Phase} from "./childProtocol";

export interface MeasuredRun {
    result: ChildResult;
    /** RSS before the job (a Node process with the client loaded, no thread yet), MB. */
    baselineRssMb: number;
    /** The kernel's peak RSS of the process over the whole job, MB. */
    peakRssMb: number;
    /** The highest sampled RSS while each phase ran, MB. */
    phaseRssMb: Partial<Record<Phase, number>>;
}

const mb = (kilobytes: number): number => Math.round(kilobytes / 102.4) / 10;

async function memory(pid: number): Promise<{rssKb: number; hwmKb: number} | undefined> {
    const text = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
    if (text === undefined) return undefined;
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(text)?.[1] ?? Number.NaN);
    return {rssKb: field("VmRSS"), hwmKb: field("VmHWM")};
}

/** Bundles child.ts into `outDir` once; returns the bundle's path. */
export async function bundleChild(outDir: string): Promise<string> {
    const outfile = join(outDir, "index-child.cjs");
    await esbuild.build({entryPoints: [fileURLToPath(new URL("child.ts", import.meta.url))], bundle: true, platform: "node", target: "node20", format: "cjs", outfile, logLevel: "warning"});
    return outfile;
}

export async function runMeasured(childPath: string, job: ChildJob, log: (message: string) => void): Promise<MeasuredRun> {
    const child = fork(childPath, [], {stdio: ["ignore", "inherit", "inherit", "ipc"]});
    const pid = child.pid;
    if (pid === undefined) throw new Error("The bench:index child process did not start.");
    let phase: Phase = job.mode;
    const phaseRssMb: Partial<Record<Phase, number>> = {};
    let baselineRssMb = 0;
    const sample = async (): Promise<void> => {
        const now = await memory(pid);
        if (now && Number.isFinite(now.rssKb)) phaseRssMb[phase] = Math.max(phaseRssMb[phase] ?? 0, mb(now.rssKb));
    };
    const sampler = setInterval(() => void sample(), 20);
    try {
        const result = await new Promise<ChildResult>((resolve, reject) => {
            child.once("exit", (code, signal) => reject(new Error(`The bench:index child exited early (code ${code}, signal ${signal}).`)));
            child.on("message", (message: ChildMessage) => {
                if (message.type === "ready") {
                    void memory(pid).then((now) => {
                        baselineRssMb = now ? mb(now.rssKb) : 0;
                        child.send(job);
                    });
                } else if (message.type === "phase") {
                    phase = message.phase;
                    log(`${job.mode}: ${message.phase}…`);
                } else if (message.type === "result") resolve(message.result);
                else reject(new Error(`The bench:index child failed: ${message.message}`));
            });
        });
        clearInterval(sampler);
        await sample();
        const end = await memory(pid);
        if (!end) throw new Error(`Cannot read /proc/${pid}/status (Linux only).`);
        return {result, baselineRssMb, peakRssMb: mb(end.hwmKb), phaseRssMb};
    } finally {
        clearInterval(sampler);
        child.removeAllListeners("exit");
        if (child.exitCode === null) {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.send("exit");
            await exited;
        }
    }
}
