/**
 * Review benchmark: a review of a 300-line diff with the cached random Qwen2.5-0.5B-shaped model,
 * through the whole stack (units → reviewer → EngineClient → worker process), against node-llama-cpp
 * alone doing the same prompts and outputs in-process (same chat wrapper, history, grammar, token
 * limits and greedy sampling, so both sides generate the same tokens).
 *
 * Random weights write noise, so the passes are capped (reasoning 96 tokens, structured 64): what is
 * measured is the cost around the model, not the review's quality. Model loading is excluded on
 * both sides. The last line is JSON: totalMs, promptTokens (tokens evaluated as input),
 * generatedTokens, overheadRatio (total ÷ node-llama-cpp alone), plus the parts.
 *
 * Run: node esbuild.mjs && tsx bench/review.ts   (BENCH_THREADS=n to set the threads on both sides)
 */
import {availableParallelism} from "node:os";
import {fileURLToPath} from "node:url";
import {getLlama, LlamaChat, resolveChatWrapper, type ChatHistoryItem, type GbnfJsonSchema} from "node-llama-cpp";
import {EngineClient} from "../src/engine/client";
import {findingsSchema} from "../src/review/findings";
import {diffUnits, parseUnifiedDiff} from "../src/review/hunks";
import {reviewPrompt, structuringPrompt} from "../src/review/prompts";
import {contentBudget, review, type ReviewSettings} from "../src/review/reviewer";
import {randomModel} from "../test/models/random";

const workerPath = fileURLToPath(new URL("../dist/worker.mjs", import.meta.url));
const log = (message: string) => console.error(`[bench:review] ${message}`);
const settings: Partial<ReviewSettings> = {thoughtBudget: -1, maxTokens: 96, temperature: 0, seed: 1, structuredMaxTokens: 64};

/** A new TypeScript file of `lines` lines, as `git diff` shows it. */
function diffOfNewFile(lines: number): string {
    const body: string[] = [];
    for (let i = 0; body.length < lines; i++) {
        body.push(
            `export function applyDiscount${i}(order: Order, rate: number): number {`,
            `    const subtotal = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);`,
            `    if (rate < 0 || rate > 1) throw new RangeError(\`bad rate \${rate} for order \${order.id}\`);`,
            `    return Math.round(subtotal * (1 - rate) * 100) / 100;`,
            "}",
            ""
        );
    }
    body.length = lines;
    return [
        "diff --git a/src/discounts.ts b/src/discounts.ts",
        "new file mode 100644",
        "index 0000000..1111111",
        "--- /dev/null",
        "+++ b/src/discounts.ts",
        `@@ -0,0 +1,${lines} @@`,
        ...body.map((line) => `+${line}`),
        ""
    ].join("\n");
}

async function main(): Promise<void> {
    // BENCH_THREADS overrides: on a shared, busy machine one thread can beat two that wait on each other.
    const threads = Number(process.env.BENCH_THREADS ?? availableParallelism());
    log("generating or reusing the random Qwen2.5-0.5B-shaped model…");
    const modelPath = await randomModel();
    const diff = parseUnifiedDiff(diffOfNewFile(300));

    // --- the whole stack ---
    const client = new EngineClient({workerPath, processScope: "private", requestTimeoutMs: 600_000});
    let engineMs: number;
    let contextSize: number;
    let units;
    let stats;
    try {
        client.configure({modelPath, threads});
        const info = await client.ensureModel();
        contextSize = info.contextSize;
        units = diffUnits(diff, contentBudget(contextSize, settings)).units;
        log(`context ${contextSize}, ${units.length} unit(s), ${threads} threads`);
        const started = performance.now();
        const result = await review(units, client, {settings});
        engineMs = performance.now() - started;
        stats = result.stats;
        log(`stack: ${Math.round(engineMs)} ms, ${result.notes.length} note(s)`);
    } finally {
        await client.shutdown();
    }

    // --- node-llama-cpp alone, the same requests in-process ---
    const llama = await getLlama({gpu: false, build: "never", maxThreads: threads});
    const model = await llama.loadModel({modelPath, gpuLayers: 0});
    const context = await model.createContext({sequences: 3, contextSize, threads});
    const sequence = context.getSequence();
    const chatWrapper = resolveChatWrapper(model);
    const chat = new LlamaChat({contextSequence: sequence, chatWrapper});
    const thinks = chatWrapper.settings.segments?.thought != null;
    const grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(findingsSchema());
    const started = performance.now();
    let generated = 0;
    for (const unit of units) {
        const prompt = reviewPrompt(unit);
        const first = await chat.generateResponse(
            [{type: "user", text: prompt}, {type: "model", response: thinks ? [{type: "segment", segmentType: "thought", text: "", ended: false}] : []}],
            {maxTokens: settings.maxTokens, temperature: 0, seed: settings.seed, budgets: {thoughtTokens: Infinity}, onResponseChunk: (chunk) => (generated += chunk.tokens.length)}
        );
        if (first.response.trim() === "") continue;
        const history: ChatHistoryItem[] = [
            {type: "user", text: prompt},
            {type: "model", response: [first.response]},
            {type: "user", text: structuringPrompt()},
            {type: "model", response: thinks ? [{type: "segment", segmentType: "thought", text: "\n\n", ended: true}] : []}
        ];
        const second = await chat.generateResponse(history, {
            grammar,
            maxTokens: settings.structuredMaxTokens,
            temperature: 0,
            seed: settings.seed,
            budgets: {thoughtTokens: Infinity},
            onResponseChunk: (chunk) => (generated += chunk.tokens.length)
        });
        try {
            grammar.parse(second.response);
        } catch {
            // Cut at the cap, as on the stack side: no findings.
        }
    }
    const directMs = performance.now() - started;
    const promptTokens = sequence.tokenMeter.usedInputTokens;
    chat.dispose();
    await context.dispose();
    await model.dispose();
    await llama.dispose();
    log(`node-llama-cpp alone: ${Math.round(directMs)} ms`);

    const stackGenerated = stats.thoughtTokens + stats.answerTokens + stats.structuredTokens;
    console.log(JSON.stringify({
        totalMs: Math.round(engineMs),
        promptTokens,
        generatedTokens: stackGenerated,
        overheadRatio: Math.round((engineMs / directMs) * 1000) / 1000,
        directMs: Math.round(directMs),
        directGeneratedTokens: generated,
        units: units.length,
        diffLines: 300,
        contextSize,
        threads
    }));
}

await main();
