/**
 * What this machine offers a model: memory, GPU and disk. Detection goes through node-llama-cpp
 * (the GPU backend it would use, and that backend's memory figures), so the fit check reasons about
 * the same devices the engine will load onto. Tests and the fit check take a stated `Machine`.
 *
 * On Apple Silicon (and other unified-memory systems, where node-llama-cpp reports `unifiedSize`)
 * the GPU's memory *is* system RAM: `vramBytes` is then how much of RAM the GPU may use (Metal's
 * working-set limit), not extra memory — the fit check counts that memory once.
 */
import {statfs} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type {Llama} from "node-llama-cpp";
import {formatBytes} from "./units";

export type GpuKind = "metal" | "cuda" | "vulkan" | false;

export interface Machine {
    /** Total system RAM. */
    readonly ramBytes: number;
    /** RAM free right now (other apps): loads are planned with it (fit.ts `freeMemoryBudget`); preset recommendations use the total. */
    readonly freeRamBytes: number;
    readonly gpu: GpuKind;
    /** Discrete GPU: its memory. Unified memory: the part of RAM the GPU may use. 0 without a GPU. */
    readonly vramBytes: number;
    /** True when GPU memory is system RAM (Apple Silicon, integrated GPUs). */
    readonly unifiedMemory: boolean;
    /** Free space where models are stored. */
    readonly freeDiskBytes: number;
    readonly gpuNames?: readonly string[];
}

/** The part of a Llama that detection reads, so tests can hand in a stand-in for a GPU they don't have. */
export type LlamaHardware = Pick<Llama, "gpu" | "getVramState" | "getRamState" | "getGpuDeviceNames">;

export interface DetectOptions {
    /** An existing Llama (the engine worker's); otherwise one is created for the detection and disposed. */
    readonly llama?: LlamaHardware;
    /** Where models go: free disk space is measured there. */
    readonly modelsDir: string;
}

export async function detectMachine(options: DetectOptions): Promise<Machine> {
    const freeDiskBytes = await freeDiskSpace(options.modelsDir);
    if (options.llama != null) return readMachine(options.llama, freeDiskBytes);

    const {getLlama, LlamaLogLevel} = await import("node-llama-cpp");
    let llama: Llama;
    try {
        // build: "never" — detection must not start a compiler; without a prebuilt binary for a GPU, it's a CPU machine.
        llama = await getLlama({gpu: "auto", build: "never", logLevel: LlamaLogLevel.error});
    } catch {
        llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
    }
    try {
        return await readMachine(llama, freeDiskBytes);
    } finally {
        await llama.dispose();
    }
}

async function readMachine(llama: LlamaHardware, freeDiskBytes: number): Promise<Machine> {
    const ram = await llama.getRamState().catch(() => ({total: os.totalmem(), free: os.freemem()}));
    const gpu: GpuKind = llama.gpu === "metal" || llama.gpu === "cuda" || llama.gpu === "vulkan" ? llama.gpu : false;
    if (gpu === false) return {ramBytes: ram.total, freeRamBytes: ram.free, gpu, vramBytes: 0, unifiedMemory: false, freeDiskBytes};

    const vram = await llama.getVramState();
    const appleSilicon = process.platform === "darwin" && process.arch === "arm64";
    const unifiedMemory = vram.unifiedSize > 0 || (gpu === "metal" && appleSilicon);
    const gpuNames = await llama.getGpuDeviceNames().catch(() => []);
    return {
        ramBytes: ram.total,
        freeRamBytes: ram.free,
        gpu,
        // Unified: never more than RAM itself, whatever the backend reports.
        vramBytes: unifiedMemory ? Math.min(vram.total, ram.total) : vram.total,
        unifiedMemory,
        freeDiskBytes,
        gpuNames
    };
}

/** Free bytes on the disk holding `dir` (or its nearest existing parent: the models folder may not exist yet). */
export async function freeDiskSpace(dir: string): Promise<number> {
    for (let current = path.resolve(dir); ; current = path.dirname(current)) {
        try {
            const stats = await statfs(current);
            return stats.bavail * stats.bsize;
        } catch (error) {
            if (path.dirname(current) === current) throw error;
        }
    }
}

const gpuLabel: Record<Exclude<GpuKind, false>, string> = {metal: "Metal", cuda: "CUDA", vulkan: "Vulkan"};

/** "16 GB RAM, no GPU" · "32 GB RAM, CUDA GPU with 24 GB" · "192 GB unified memory (Metal)". */
export function describeMachine(machine: Machine): string {
    if (machine.gpu === false) return `${formatBytes(machine.ramBytes)} RAM, no GPU`;
    if (machine.unifiedMemory) return `${formatBytes(machine.ramBytes)} unified memory (${gpuLabel[machine.gpu]})`;
    return `${formatBytes(machine.ramBytes)} RAM, ${gpuLabel[machine.gpu]} GPU with ${formatBytes(machine.vramBytes)}`;
}
