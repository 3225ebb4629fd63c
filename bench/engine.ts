/**
 * `npm run bench:engine`: the cost of running the model in a worker process, measured side by side
 * in one run against node-llama-cpp used directly in-process, on a random Qwen2.5-0.5B-shaped model
 * (generated once, cached). Both sides use the same threads, context and sequences.
 *
 * Measured: model load; time to first token; tokens/s over 128 tokens; a 1500-token prompt cold,
 * then the same prompt +25 tokens on the same sequence (KV-cache reuse); and the host's event-loop
 * delay while the worker generates. The last line is one JSON object.
 */
import {availableParallelism} from "node:os";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {fileURLToPath} from "node:url";
import {getLlama, LlamaCompletion, type LlamaContextSequence} from "node-llama-cpp";
import {EngineClient} from "../src/engine/client";
import {randomModel} from "../test/models/random";

const generateTokens = 128;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const workerPath = fileURLToPath(new URL("../dist/worker.mjs", import.meta.url));
const log = (message: string) => console.error(`[bench] ${message}`);

interface Side {
    name: string;
    /** Completes `prompt` with at most `maxTokens` tokens; reports the time to the first text and the token count. */
    complete(prompt: string, maxTokens: number): Promise<{firstTokenMs: number; totalMs: number; tokens: number}>;
}

const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Plain-English filler; distinct per call so that no run reuses another's KV cache by accident. */
function text(tag: string, words: number): string {
    const vocabulary = ["function", "value", "return", "the", "buffer", "index", "while", "result", "error", "async", "parse", "token", "stream", "cache", "model"];
    const out: string[] = [tag];
    for (let i = 0; i < words; i++) out.push(vocabulary[(i * 7 + tag.length) % vocabulary.length] as string);
    return out.join(" ");
}

async function main(): Promise<void> {
    const threads = availableParallelism();
    log(`generating or reusing the random Qwen2.5-0.5B-shaped model…`);
    const modelPath = await randomModel();
    log(`model: ${modelPath}`);

    // --- direct, in-process ---
    const loadDirectStart = performance.now();
    const llama = await getLlama({gpu: false, build: "never", maxThreads: threads});
    const model = await llama.loadModel({modelPath, gpuLayers: 0});
    const context = await model.createContext({sequences: 3, contextSize: {min: 1024, max: 16_384}, threads});
    const directLoadMs = performance.now() - loadDirectStart;
    const sequence: LlamaContextSequence = context.getSequence();
    const completion = new LlamaCompletion({contextSequence: sequence});
    const direct: Side = {
        name: "direct",
        async complete(prompt, maxTokens) {
            const started = performance.now();
            let first = 0;
            let tokens = 0;
            await completion.generateCompletion(prompt, {
                maxTokens,
                temperature: 0,
                onTextChunk: () => {
                    first ||= performance.now() - started;
                },
                onToken: (generated) => {
                    tokens += generated.length;
                }
            });
            return {firstTokenMs: first, totalMs: performance.now() - started, tokens};
        }
    };

    // --- through EngineClient and the worker process ---
    const client = new EngineClient({workerPath, processScope: "private", log: (level, message) => level === "error" && log(message)});
    client.configure({modelPath, threads, gpu: "off"});
    const loadWorkerStart = performance.now();
    const info = await client.ensureModel();
    const workerLoadMs = performance.now() - loadWorkerStart;
    log(`worker context ${info.contextSize}, direct context ${context.contextSize}, threads ${threads}`);
    const viaWorker: Side = {
        name: "worker",
        async complete(prompt, maxTokens) {
            const started = performance.now();
            let first = 0;
            const result = await client.complete({prefix: prompt, maxTokens, temperature: 0}, {
                onEvent: () => {
                    first ||= performance.now() - started;
                }
            });
            return {firstTokenMs: first, totalMs: performance.now() - started, tokens: result.generatedTokens};
        }
    };

    const sides = [direct, viaWorker];
    const results: Record<string, {ttft: number[]; tokPerS: number[]; cold: number[]; plus25: number[]}> = {
        direct: {ttft: [], tokPerS: [], cold: [], plus25: []},
        worker: {ttft: [], tokPerS: [], cold: [], plus25: []}
    };
    let hostLagP99Ms = 0;
    const lagSamples: number[] = [];
    // The random model's vocabulary has few merges, so size the texts by its own token counts.
    const tokensPerWord = (await client.countTokens(text("probe", 400))) / 401;
    const longPrompt = text("context", Math.round(1500 / tokensPerWord) - 1);
    const promptTokens = await client.countTokens(longPrompt);
    let extension = "";
    let extendedTokens = promptTokens;
    for (let words = Math.round(20 / tokensPerWord); extendedTokens - promptTokens < 25; words++) {
        extension = text("more", words);
        extendedTokens = await client.countTokens(longPrompt + " " + extension);
    }
    log(`long prompt ${promptTokens} tokens, extended ${extendedTokens} tokens`);

    for (let r = 0; r < rounds; r++) {
        // Alternate who goes first so neither side always gets the warmer CPU.
        const order = r % 2 === 0 ? sides : [...sides].reverse();
        for (const side of order) {
            const bucket = results[side.name] as (typeof results)["direct"];
            const short = await side.complete(text(`round ${r} short ${side.name}`, 12), 4);
            bucket.ttft.push(short.firstTokenMs);

            const histogram = side.name === "worker" ? monitorEventLoopDelay({resolution: 1}) : undefined;
            histogram?.enable();
            const gen = await side.complete(text(`round ${r} gen ${side.name}`, 8), generateTokens);
            histogram?.disable();
            if (histogram) lagSamples.push(histogram.percentile(99) / 1e6);
            if (gen.tokens < generateTokens) log(`${side.name}: generation stopped after ${gen.tokens} tokens`);
            bucket.tokPerS.push(gen.tokens / ((gen.totalMs - gen.firstTokenMs) / 1000));

            const prefix = `round ${r} ${side.name} `;
            const cold = await side.complete(prefix + longPrompt, 1);
            bucket.cold.push(cold.totalMs);
            const warm = await side.complete(prefix + longPrompt + " " + extension, 1);
            bucket.plus25.push(warm.totalMs);
        }
        log(`round ${r + 1}/${rounds} done`);
    }
    hostLagP99Ms = Math.max(...lagSamples);

    await client.shutdown();
    await context.dispose();
    await model.dispose();
    await llama.dispose();

    const summary = (name: string) => {
        const bucket = results[name] as (typeof results)["direct"];
        return {
            ttftMs: round(median(bucket.ttft)),
            tokPerS: round(median(bucket.tokPerS)),
            prompt1500ColdMs: round(median(bucket.cold)),
            prompt1500Plus25Ms: round(median(bucket.plus25))
        };
    };
    const d = summary("direct");
    const w = summary("worker");
    const report = {
        model: "random Qwen2.5-0.5B shape (24 layers, 896 dims, 151,936 vocab, f16)",
        threads,
        rounds,
        promptTokens,
        plusTokens: extendedTokens - promptTokens,
        direct: {loadMs: round(directLoadMs), ...d},
        worker: {loadMs: round(workerLoadMs), ...w},
        genTokPerSRatio: round(w.tokPerS / d.tokPerS, 3),
        ttftOverheadMs: round(w.ttftMs - d.ttftMs),
        prefixReuseRatio: round(w.prompt1500Plus25Ms / w.prompt1500ColdMs, 3),
        directPrefixReuseRatio: round(d.prompt1500Plus25Ms / d.prompt1500ColdMs, 3),
        hostLagP99Ms: round(hostLagP99Ms)
    };
    console.log(JSON.stringify(report));
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
