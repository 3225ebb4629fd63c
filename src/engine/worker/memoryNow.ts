/**
 * The machine and the memory free on it right now, as a load plans with them: the devices of the
 * Llama models load onto, and the free RAM and GPU memory node-llama-cpp reports at this moment.
 *
 * Test override: `ENCLAVE_TEST_MEMORY` (JSON, read here only, in the model process) states the
 * machine and its free memory instead, so tests can plan 1.5B…70B models against machines this one
 * is not. It is never set by the extension; a malformed value fails every plan with a clear error.
 *
 * The models already loaded in this (shared) process are counted as in use: measured free memory
 * still counts their memory-mapped weights as available (the OS may drop clean file pages, but a
 * model would then read them back from disk on every token), so those are taken off; stated free
 * memory is the machine's before any of our models, so their whole planned need is taken off.
 */
import type {Llama} from "node-llama-cpp";
import {z} from "zod";
import type {FreeMemory} from "../../models/fit";
import {detectMachine, type Machine} from "../../models/hardware";
import {EngineError} from "../errors";

export const testMemoryVariable = "ENCLAVE_TEST_MEMORY";

const StatedMemory = z.object({
    ramBytes: z.number().positive(),
    freeRamBytes: z.number().nonnegative(),
    gpu: z.enum(["metal", "cuda", "vulkan"]).or(z.literal(false)).default(false),
    vramBytes: z.number().nonnegative().default(0),
    freeVramBytes: z.number().nonnegative().default(0),
    unifiedMemory: z.boolean().default(false)
}).strict();

export interface MemoryNow {
    readonly machine: Machine;
    readonly free: FreeMemory;
}

/** A model loaded in this process, as memory planning counts it. */
export interface LoadedMemory {
    readonly modelPath: string;
    /** What its plan said it needs (weights on the CPU, context, buffers). */
    readonly neededBytes: number;
    /** Its weights held in RAM (memory-mapped file pages). */
    readonly ramWeightBytes: number;
}

export async function memoryNow(llama: Llama, gpu: "auto" | "off", besides: readonly LoadedMemory[] = [], modelsDir = "."): Promise<MemoryNow> {
    const stated = process.env[testMemoryVariable];
    if (stated != null && stated !== "") {
        const now = statedMemory(stated, gpu);
        return {...now, free: {...now.free, ramBytes: Math.max(0, now.free.ramBytes - sum(besides.map((model) => model.neededBytes)))}};
    }

    const detected = await detectMachine({llama, modelsDir});
    const vram = detected.gpu === false ? undefined : await llama.getVramState();
    const machine = gpu === "off" ? {...detected, gpu: false as const, vramBytes: 0, unifiedMemory: false} : detected;
    const ramBytes = Math.max(0, detected.freeRamBytes - sum(besides.map((model) => model.ramWeightBytes)));
    return {machine, free: {ramBytes, vramBytes: machine.gpu === false || vram == null ? 0 : vram.free}};
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

function statedMemory(text: string, gpu: "auto" | "off"): MemoryNow {
    let parsed: z.infer<typeof StatedMemory>;
    try {
        parsed = StatedMemory.parse(JSON.parse(text));
    } catch (error) {
        throw new EngineError("InvalidRequest", `${testMemoryVariable} is not a valid memory statement.`, String(error));
    }
    const onGpu = gpu !== "off" && parsed.gpu !== false;
    const machine: Machine = {
        ramBytes: parsed.ramBytes,
        freeRamBytes: parsed.freeRamBytes,
        gpu: onGpu ? parsed.gpu : false,
        vramBytes: onGpu ? parsed.vramBytes : 0,
        unifiedMemory: onGpu && parsed.unifiedMemory,
        freeDiskBytes: 0
    };
    return {machine, free: {ramBytes: parsed.freeRamBytes, vramBytes: onGpu ? parsed.freeVramBytes : 0}};
}
