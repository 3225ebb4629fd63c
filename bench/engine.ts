/**
 * `npm run bench:engine`: the engine's speed against llama.cpp's own, in one run on a random
 * Qwen2.5-0.5B-shaped model (generated once, cached), with the same file and threads on every side:
 * - llama-bench (built once from the llama.cpp source node-llama-cpp bundles, scripts/llamaNative.mjs):
 *   prompt reading at the same prompt length, and tg128;
 * - node-llama-cpp used directly in-process;
 * - Enclave's worker process through EngineClient.
 * The sides take turns round by round (the order rotating, so that none always gets the warmer CPU),
 * and each ratio is the median of the per-round ratios; the load average says whether the machine
 * was quiet enough to trust them.
 *
 * Measured: model load; time to first token; tokens/s over 128 tokens; a 1500-token prompt cold
 * (prompt reading), then the same prompt +25 tokens on the same sequence (KV-cache reuse); and the
 * host's event-loop delay while the worker generates. The last line is one JSON object.
 */
import {availableParallelism} from "node:os";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {fileURLToPath} from "node:url";
import {getLlama, LlamaCompletion, type LlamaContextSequence} from "node-llama-cpp";
import {ensureLlamaNative} from "../scripts/llamaNative.mjs";
import {EngineClient} from "../src/engine/client";
import {randomModel} from "../test/models/random";
import {llamaBench, type LlamaBenchRun} from "./llamaBench";
import {watchLoad} from "./machineLoad";
import {median} from "./stats";

const generateTokens = 128;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const ttftSamples = 5;
const workerPath = fileURLToPath(new URL("../dist/worker.mjs", import.meta.url));
const log = (message: string) => console.error(`[bench] ${message}`);

interface Side {
    name: string;
    /** Completes `prompt` with at most `maxTokens` tokens; reports the time to the first text and the token count. */
    complete(prompt: string, maxTokens: number): Promise<{firstTokenMs: number; totalMs: number; tokens: number}>;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Plain-English filler; distinct per call so that no run reuses another's KV cache by accident. */
function text(tag: string, words: number): string {
    const vocabulary = ["function", "value", "return", "the", "buffer", "index", "while", "result", "error", "async", "parse", "token", "stream", "cache", "model"];
    const out: string[] = [tag];
    for (let i = 0; i < words; i++) out.push(vocabulary[(i * 7 + tag.length) % vocabulary.length] as string);
    return out.join(" ");
}

async function main(): Promise<void> {
    const load = watchLoad();
    const threads = availableParallelism();
    const native = await ensureLlamaNative({log});
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

    type Bucket = {ttft: number[]; tokPerS: number[]; cold: number[]; plus25: number[]};
    const results: Record<"direct" | "worker", Bucket> = {
        direct: {ttft: [], tokPerS: [], cold: [], plus25: []},
        worker: {ttft: [], tokPerS: [], cold: [], plus25: []}
    };
    const nativeRuns: LlamaBenchRun[] = [];
    const lagSamples: number[] = [];
    // The random model's vocabulary has few merges, so size the texts by its own token counts.
    const probe = text("probe", 400);
    const probeTokens = await client.countTokens(probe);
    const tokensPerWord = probeTokens / 401;
    const longPrompt = text("context", Math.round(1500 / tokensPerWord) - 1);
    const promptTokens = await client.countTokens(longPrompt);
    let extension = "";
    let extendedTokens = promptTokens;
    for (let words = Math.round(20 / tokensPerWord); extendedTokens - promptTokens < 25; words++) {
        extension = text("more", words);
        extendedTokens = await client.countTokens(longPrompt + " " + extension);
    }
    log(`long prompt ${promptTokens} tokens, extended ${extendedTokens} tokens`);

    const ours = (side: Side) => async (r: number) => {
        const bucket = results[side.name as "direct" | "worker"];
        // Time to first token is a few hundred ms: several samples a round steady its median.
        for (let i = 0; i < ttftSamples; i++) {
            const short = await side.complete(text(`round ${r} short ${i} ${side.name}`, 12), 4);
            bucket.ttft.push(short.firstTokenMs);
        }

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
    };
    const turns: ((r: number) => Promise<void>)[] = [
        async () => {
            nativeRuns.push(await llamaBench(native.bench, {modelPath, threads, promptTokens, generateTokens}));
        },
        ours(direct),
        ours(viaWorker)
    ];
    for (let r = 0; r < rounds; r++) {
        // The order rotates so that no side always gets the warmer (or the cooler) CPU.
        for (let i = 0; i < turns.length; i++) await (turns[(i + r) % turns.length] as (r: number) => Promise<void>)(r);
        log(`round ${r + 1}/${rounds} done`);
    }

    await client.shutdown();
    await context.dispose();
    await model.dispose();
    await llama.dispose();

    const promptRate = (ms: number) => (promptTokens * 1000) / ms;
    const summary = (bucket: Bucket) => ({
        ttftMs: round(median(bucket.ttft)),
        tokPerS: round(median(bucket.tokPerS)),
        promptTokPerS: round(median(bucket.cold.map(promptRate))),
        prompt1500ColdMs: round(median(bucket.cold)),
        prompt1500Plus25Ms: round(median(bucket.plus25))
    });
    /** The median over rounds of a / b, each pair from the same round. */
    const perRound = (a: readonly number[], b: readonly number[]) => round(median(a.map((value, i) => value / (b[i] as number))), 3);
    const nativePp = nativeRuns.map((run) => run.promptTokPerS);
    const nativeTg = nativeRuns.map((run) => run.genTokPerS);
    const {direct: d, worker: w} = results;
    const report = {
        model: "random Qwen2.5-0.5B shape (24 layers, 896 dims, 151,936 vocab, f16)",
        charsPerToken: round(probe.length / probeTokens),
        threads,
        rounds,
        promptTokens,
        plusTokens: extendedTokens - promptTokens,
        llamaBench: {
            promptTokPerS: round(median(nativePp)),
            tg128TokPerS: round(median(nativeTg)),
            batch: nativeRuns[0]?.batch,
            microBatch: nativeRuns[0]?.microBatch
        },
        direct: {loadMs: round(directLoadMs), ...summary(d)},
        worker: {loadMs: round(workerLoadMs), ...summary(w)},
        ppVsLlamaBench: perRound(w.cold.map(promptRate), nativePp),
        tgVsLlamaBench: perRound(w.tokPerS, nativeTg),
        directPpVsLlamaBench: perRound(d.cold.map(promptRate), nativePp),
        directTgVsLlamaBench: perRound(d.tokPerS, nativeTg),
        genTokPerSRatio: perRound(w.tokPerS, d.tokPerS),
        // Each sample's difference with the other side's sample of the same round and index.
        ttftOverheadMs: round(median(w.ttft.map((value, i) => value - (d.ttft[i] as number)))),
        prefixReuseRatio: round(median(w.plus25) / median(w.cold), 3),
        directPrefixReuseRatio: round(median(d.plus25) / median(d.cold), 3),
        hostLagP99Ms: round(Math.max(...lagSamples)),
        loadAverage: load.report()
    };
    console.log(JSON.stringify(report));
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});
