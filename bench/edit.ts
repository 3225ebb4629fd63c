/**
 * `npm run bench:edit`: a 40-line rewrite in a 1,500-line file with the cached random
 * Qwen2.5-0.5B-shaped model, through the stack the command uses (rewrite prompt → InlineEditSession
 * → EngineClient → model process → RewriteStream → inline-diff edits applied to the document),
 * against node-llama-cpp alone in-process on the same prompt and output (same chat wrapper and
 * history, greedy sampling, the same token limit — so both sides generate the same tokens). Runs
 * alternate between the two sides; each pair gets a prompt of its own (the file name differs at
 * the start) so every run reads its prompt cold, as a first edit does.
 *
 * What it reports (the last line is JSON):
 * - firstLineVisibleMs: instruction sent → the first new line applied to the document (median);
 * - overheadRatio: the stack's total ÷ node-llama-cpp alone (medians);
 * - editorLagP99Ms: per answer chunk, the editor-application path — RewriteStream's reduction
 *   (thought, fences, indentation), the inline diff's next edit and that edit applied to the
 *   1,500-line document — measured outside VS Code (see `note`);
 * - loadAverage over the run, as the other benches report it.
 *
 * Random weights write noise without newlines, so on the stack side each answer token's text is
 * replaced, token for token, by the next piece of a real 40-line rewrite (prose, then the code in a
 * fence): the editor path handles real lines at the model's real pace, and both sides still
 * generate the same tokens (as many as the rewrite has pieces). Model loading is excluded.
 *
 * Run: node esbuild.mjs && tsx bench/edit.ts   (BENCH_THREADS=n, BENCH_EDIT_PAIRS=n)
 */
import {availableParallelism, loadavg} from "node:os";
import {fileURLToPath} from "node:url";
import {getLlama, LlamaChat, resolveChatWrapper, type ChatHistoryItem} from "node-llama-cpp";
import {linedText} from "../src/edit/fragmentText";
import {applyEdit, nextEdit} from "../src/edit/inlineDiff";
import {InlineEditSession, type RewriteEnginePort} from "../src/edit/inlineEditSession";
import {rewriteMessages} from "../src/edit/rewritePrompt";
import {EngineClient} from "../src/engine/client";
import {closedThought} from "../src/engine/worker/chat";
import {randomModel} from "../test/models/random";
import {report, runBench} from "./output";

const workerPath = fileURLToPath(new URL("../dist/worker.mjs", import.meta.url));
const log = (message: string) => console.error(`[bench:edit] ${message}`);
const round = (value: number | undefined, digits = 1): number | null => (value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits)));
const median = (values: readonly number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};
const percentile = (values: readonly number[], p: number): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

const fileLineCount = 1500;
const target = {start: 730, end: 769};
const instruction = "Validate the inputs and return early when the order is empty.";

/** A TypeScript file of 1,500 lines: functions of 6 lines and a blank line. */
function fileText(): string {
    const lines: string[] = [];
    for (let i = 0; lines.length < fileLineCount; i++)
        lines.push(
            `export function orderTotal${i}(order: Order, rate: number): number {`,
            "    const subtotal = order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);",
            `    if (rate < 0 || rate > 1) throw new RangeError(\`bad rate \${rate} for order \${order.id}\`);`,
            "    const discounted = subtotal * (1 - rate);",
            "    return Math.round(discounted * 100) / 100;",
            "}",
            ""
        );
    return lines.slice(0, fileLineCount).join("\n") + "\n";
}

/** The answer the stack side streams: the target's 40 lines rewritten, in a fence after a line of prose. */
function rewriteAnswer(lines: readonly string[]): string {
    const rewritten = lines.slice(target.start, target.end + 1).map((line) =>
        line
            .replace("const subtotal = order.items.reduce(", "const total = order.lines.reduce(")
            .replace("if (rate < 0 || rate > 1) throw new RangeError", "if (!(rate >= 0 && rate <= 1)) throw new RangeError")
            .replace("const discounted = subtotal * (1 - rate);", "if (order.lines.length === 0) return 0; const discounted = total * (1 - rate);")
    );
    return `Here is the rewrite, with the inputs validated:\n\n\`\`\`ts\n${rewritten.join("\n")}\n\`\`\`\n`;
}

/** Token-sized pieces (a word with its leading space, a number, a run of punctuation, a newline), as a code tokenizer cuts text. */
const pieces = (text: string): string[] => text.match(/[ \t]*[A-Za-z_]+|[ \t]*\d+|[ \t]*[^\sA-Za-z_\d]{1,2}|\n|[ \t]+/g) ?? [];

interface StackRun {
    totalMs: number;
    firstLineMs: number | null;
    chunkMs: number[];
    answerTokens: number;
    answerLines: number;
}

async function main(): Promise<void> {
    const threads = Number(process.env.BENCH_THREADS ?? availableParallelism());
    const pairs = Number(process.env.BENCH_EDIT_PAIRS ?? 3);
    const loadStart = loadavg()[0] ?? 0;
    let loadMax = loadStart;
    const loadTimer = setInterval(() => (loadMax = Math.max(loadMax, loadavg()[0] ?? 0)), 1000);
    log("generating or reusing the random Qwen2.5-0.5B-shaped model…");
    const modelPath = await randomModel();
    const text = fileText();
    const file = linedText(text);
    const answerPieces = pieces(rewriteAnswer(file.lines));
    const answerTokens = answerPieces.length;
    const settings = {temperature: 0, maxTokens: answerTokens, thoughtBudget: 0};
    const sourceFor = (pair: number) => ({fileName: `src/orders${pair}.ts`, language: "typescript", file, range: target});

    const client = new EngineClient({workerPath, processScope: "private", requestTimeoutMs: 900_000});
    client.configure({modelPath, threads});
    const info = await client.ensureModel();
    const llama = await getLlama({gpu: false, build: "never", maxThreads: threads});
    const model = await llama.loadModel({modelPath, gpuLayers: 0});
    const context = await model.createContext({sequences: info.sequences.length, contextSize: info.contextSize, threads});
    const chat = new LlamaChat({contextSequence: context.getSequence(), chatWrapper: resolveChatWrapper(model)});
    const promptTokens = await client.countTokens(rewriteMessages({...sourceFor(0), lines: file.lines}, [{instruction}])[0]?.content ?? "");
    log(`context ${info.contextSize}, prompt ≈${promptTokens} tokens, ${answerTokens} answer tokens, ${threads} threads, ${pairs} pair(s)`);

    /** The stack: the session streams into an in-memory 1,500-line document through the inline diff's edits. */
    const viaStack = async (pair: number): Promise<StackRun> => {
        const document = [...file.lines];
        let shown: readonly string[] = [];
        const chunkMs: number[] = [];
        let firstLineMs: number | null = null;
        let tokens = 0;
        let pieceIndex = 0;
        const started = performance.now();
        const engine: RewriteEnginePort = {
            chat: (params, options) =>
                client.chat(params, {
                    signal: options.signal,
                    onEvent: (event) => {
                        const at = performance.now();
                        options.onEvent(event.kind === "answer" ? {kind: "answer", text: answerPieces[pieceIndex++] ?? "", tokens: event.tokens} : event);
                        chunkMs.push(performance.now() - at);
                    }
                })
        };
        const session = new InlineEditSession(sourceFor(pair), engine, () => settings);
        const outcome = await session.round(instruction, new AbortController().signal, {
            lines: (snapshot) => {
                const edit = nextEdit(shown, snapshot.lines);
                if (!edit) return;
                // The proposal sits below the target's lines, as in the editor.
                const at = target.end + 1 + edit.start;
                document.splice(at, edit.removed, ...edit.inserted);
                shown = applyEdit(shown, edit);
                if (firstLineMs === null && shown.length > 0) firstLineMs = performance.now() - started;
            },
            thought: () => undefined
        });
        const totalMs = performance.now() - started;
        if (outcome.kind !== "stopped") tokens = outcome.result?.answerTokens ?? 0;
        return {totalMs, firstLineMs, chunkMs, answerTokens: tokens, answerLines: shown.length};
    };

    /** node-llama-cpp alone: the same prompt, the thought closed as the worker closes it with thinking off. */
    const direct = async (pair: number): Promise<{totalMs: number; tokens: number}> => {
        const [message] = rewriteMessages({...sourceFor(pair), lines: file.lines}, [{instruction}]);
        const history: ChatHistoryItem[] = [{type: "user", text: message?.content ?? ""}, {type: "model", response: closedThought("")}];
        let tokens = 0;
        const started = performance.now();
        await chat.generateResponse(history, {
            temperature: 0,
            topP: 0.95,
            maxTokens: answerTokens,
            budgets: {thoughtTokens: Infinity},
            onResponseChunk: (chunk) => (tokens += chunk.tokens.length)
        });
        return {totalMs: performance.now() - started, tokens};
    };

    const stackRuns: StackRun[] = [];
    const directRuns: {totalMs: number; tokens: number}[] = [];
    try {
        for (let pair = 0; pair < pairs; pair++) {
            // Alternate who goes first so neither side always gets the warmer CPU.
            const stackFirst = pair % 2 === 0;
            if (stackFirst) stackRuns.push(await viaStack(pair));
            directRuns.push(await direct(pair));
            if (!stackFirst) stackRuns.push(await viaStack(pair));
            const last = stackRuns.at(-1);
            log(`pair ${pair + 1}/${pairs}: stack ${Math.round(last?.totalMs ?? 0)} ms (${last?.answerTokens} tokens, ${last?.answerLines} lines), direct ${Math.round(directRuns.at(-1)?.totalMs ?? 0)} ms (${directRuns.at(-1)?.tokens} tokens)`);
        }
    } finally {
        clearInterval(loadTimer);
        chat.dispose();
        await context.dispose();
        await model.dispose();
        await llama.dispose();
        await client.shutdown();
    }

    const chunks = stackRuns.flatMap((run) => run.chunkMs);
    const firstLines = stackRuns.map((run) => run.firstLineMs).filter((ms): ms is number => ms !== null);
    const stackMs = median(stackRuns.map((run) => run.totalMs));
    const directMs = median(directRuns.map((run) => run.totalMs));
    const result = {
        firstLineVisibleMs: firstLines.length > 0 ? round(median(firstLines), 0) : null,
        overheadRatio: round(stackMs / directMs, 3),
        editorLagP99Ms: round(percentile(chunks, 99), 3),
        totalMs: round(stackMs, 0),
        directMs: round(directMs, 0),
        answerTokens: stackRuns[0]?.answerTokens ?? 0,
        directTokens: directRuns[0]?.tokens ?? 0,
        answerLines: stackRuns[0]?.answerLines ?? 0,
        chunks: chunks.length,
        editorLagMaxMs: round(Math.max(...chunks), 3),
        promptTokens,
        fileLines: fileLineCount,
        rewriteLines: target.end - target.start + 1,
        pairs,
        threads,
        contextSize: info.contextSize,
        loadAverage: {start: round(loadStart, 2), max: round(loadMax, 2), end: round(loadavg()[0], 2)},
        note:
            "editorLagP99Ms is the editor-application path measured outside VS Code: each answer chunk through RewriteStream (thought, fence and indentation reduction), the inline diff's next edit, and that edit applied to the 1,500-line document held as an array of lines. VS Code's own part (the extension host sending TextEditor.edit to the renderer, decorations, painting) cannot be measured outside VS Code and is not included. The random model writes noise without newlines, so on the stack side each answer token's text is replaced by the next piece of a real 40-line rewrite (prose, then a fenced block): the lines are real, their pace is the model's; both sides generate the same number of tokens. firstLineVisibleMs includes reading the cold prompt (promptTokens), which is most of it on a CPU."
    };
    await report("edit", result, {stackRuns: stackRuns.map(({chunkMs, ...run}) => ({...run, chunks: chunkMs.length})), directRuns});
}

runBench(main);
