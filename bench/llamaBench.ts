/**
 * llama.cpp's own `llama-bench` (scripts/llamaNative.mjs builds it from the source node-llama-cpp
 * bundles): the native-speed anchor a benchmark's figures are divided by. One call runs one
 * repetition of a prompt-reading test and a generation test on the same file and threads.
 */
import {execFile} from "node:child_process";
import {promisify} from "node:util";

const run = promisify(execFile);

export interface LlamaBenchRun {
    /** Prompt tokens read per second (`pp<promptTokens>`). */
    promptTokPerS: number;
    /** Tokens generated per second (`tg<generateTokens>`). */
    genTokPerS: number;
    /** The batch and micro-batch llama-bench used (its defaults unless given). */
    batch: number;
    microBatch: number;
}

interface BenchRow {
    n_prompt: number;
    n_gen: number;
    avg_ts: number;
    n_batch: number;
    n_ubatch: number;
}

function isRow(value: unknown): value is BenchRow {
    const row = value as Partial<BenchRow>;
    return typeof row === "object" && row != null && [row.n_prompt, row.n_gen, row.avg_ts, row.n_batch, row.n_ubatch].every((field) => typeof field === "number");
}

export async function llamaBench(binary: string, options: {modelPath: string; threads: number; promptTokens: number; generateTokens: number; batch?: number; microBatch?: number}): Promise<LlamaBenchRun> {
    const args = ["-m", options.modelPath, "-t", String(options.threads), "-p", String(options.promptTokens), "-n", String(options.generateTokens), "-r", "1", "-o", "json"];
    if (options.batch != null) args.push("-b", String(options.batch));
    if (options.microBatch != null) args.push("-ub", String(options.microBatch));
    const {stdout} = await run(binary, args, {maxBuffer: 16 * 1024 * 1024});
    const rows: unknown = JSON.parse(stdout);
    if (!Array.isArray(rows) || !rows.every(isRow)) throw new Error(`llama-bench printed no result rows: ${stdout.slice(0, 200)}`);
    const prompt = rows.find((row) => row.n_prompt === options.promptTokens && row.n_gen === 0);
    const generation = rows.find((row) => row.n_prompt === 0 && row.n_gen === options.generateTokens);
    if (!prompt || !generation) throw new Error(`llama-bench's result lacks pp${options.promptTokens} or tg${options.generateTokens}`);
    return {promptTokPerS: prompt.avg_ts, genTokPerS: generation.avg_ts, batch: prompt.n_batch, microBatch: prompt.n_ubatch};
}
