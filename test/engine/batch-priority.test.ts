// The batch priority on the real pipeline, in-process: node-llama-cpp hands the strategy the items
// our operations queue, chat and structured answers queue theirs below keystroke priority (the
// default, 5, would rank them with completions), and while a completion runs beside a chat on the
// same context, the chat's items get at most the small remainder of each batch.
import assert from "node:assert/strict";
import type {CustomBatchingPrioritizationStrategy, LlamaContext} from "node-llama-cpp";
import type * as BatchPriority from "../../src/engine/worker/batchPriority";
import type * as Chat from "../../src/engine/worker/chat";
import type * as Complete from "../../src/engine/worker/complete";
import type * as Sequences from "../../src/engine/worker/loadedSequences";
import type {LoadedModel, ModelRuntime} from "../../src/engine/worker/runtime";
import type * as Structured from "../../src/engine/worker/structured";
import {scriptedModel} from "../models/scripted";

interface BatchRecord {
    /** Priority, queued tokens and tokens given, per item. */
    items: {priority: number; queued: number; given: number}[];
    keystrokeActive: boolean;
}

describe("batch priority on a real context", function () {
    this.timeout(120_000);
    let runtime: ModelRuntime;
    let context: LlamaContext | undefined;
    let loaded: LoadedModel;
    let priority: typeof BatchPriority;
    let chat: typeof Chat;
    let complete: typeof Complete;
    let structured: typeof Structured;
    const batches: BatchRecord[] = [];

    before(async () => {
        const {ModelRuntime} = await import("../../src/engine/worker/runtime");
        priority = await import("../../src/engine/worker/batchPriority");
        chat = await import("../../src/engine/worker/chat");
        complete = await import("../../src/engine/worker/complete");
        structured = await import("../../src/engine/worker/structured");
        const sequences: typeof Sequences = await import("../../src/engine/worker/loadedSequences");
        runtime = new ModelRuntime(() => undefined);
        await runtime.load(0, {modelPath: await scriptedModel(), contextSize: 4096, threads: 1}, () => undefined, new AbortController().signal);
        const real = runtime.require(0, "chat");
        // The loaded model's own pieces on a context of the same shape whose strategy (the worker's) is recorded.
        const keystrokes = new sequences.KeystrokeWork();
        const inner = priority.batchPriorityStrategy(() => keystrokes.active);
        const recording: CustomBatchingPrioritizationStrategy = ({items, size}) => {
            const chosen = inner({items, size});
            batches.push({
                keystrokeActive: keystrokes.active,
                items: items.map((item) => ({priority: item.evaluationPriority, queued: item.tokens.length, given: chosen.find((entry) => entry.item === item)?.processAmount ?? 0}))
            });
            return chosen;
        };
        context = await real.model.createContext({contextSize: 4096, sequences: real.info.sequences.length, threads: 1, batching: {itemPrioritizationStrategy: recording}});
        loaded = {...real, ...sequences.takeSequences(context, real.info.sequences, "chat"), context, keystrokes, state: new Map()};
    });
    beforeEach(() => {
        batches.length = 0;
    });
    after(async () => {
        await context?.dispose();
        await runtime?.dispose();
    });

    /** A long question (~2,000 tokens) the sequence's cache does not hold yet: each call's words are new. */
    let asked = 0;
    const askChat = (sequence: "chat" | "review" = "chat") => {
        const question = Array.from({length: 400}, (_, i) => `word${asked}x${i}`).join(" ");
        asked++;
        return chat.runChat(loaded, {messages: [{role: "user", content: question}], thoughtBudget: 0, maxTokens: 8, sequence}, new AbortController().signal, () => undefined);
    };
    const priorities = (): Set<number> => new Set(batches.flatMap((batch) => batch.items.map((item) => item.priority)));

    it("a chat and a review queue their tokens at background priority", async () => {
        assert.equal((await askChat()).answer, "Hello!");
        assert.equal((await askChat("review")).answer, "Hello!");
        assert.ok(batches.length > 0, "the strategy was asked");
        assert.deepEqual([...priorities()], [priority.backgroundPriority]);
    });

    it("a structured answer queues its tokens at background priority", async () => {
        // Under the grammar the scripted model's answer may not close in 4 tokens (the parse then fails): only what it queued matters here.
        await structured.runStructured(loaded, {messages: [{role: "user", content: "Say hello."}], schema: {type: "string"}, maxTokens: 4}, new AbortController().signal).catch(() => undefined);
        assert.ok(batches.length > 0);
        assert.deepEqual([...priorities()], [priority.backgroundPriority]);
    });

    it("a completion queues at keystroke priority, and a chat beside it only fills the remainder of each batch", async () => {
        const prefix = Array.from({length: 120}, (_, i) => `let v${i} = ${i};`).join("\n");
        const [answer, completion] = await Promise.all([askChat(), complete.runComplete(loaded, {prefix: `${prefix}\nrun`, maxTokens: 16}, new AbortController().signal, () => undefined, 7)]);
        assert.equal(answer.answer, "Hello!");
        assert.equal(completion.text, "console.log(42);\n}");
        assert.ok(priorities().has(priority.keystrokePriority) && priorities().has(priority.backgroundPriority), `priorities seen: ${[...priorities()].join(", ")}`);
        const shared = batches.filter((batch) => batch.keystrokeActive && batch.items.some((item) => item.priority === priority.backgroundPriority));
        assert.ok(shared.length > 0, "the chat queued tokens while the completion ran");
        for (const batch of shared) {
            const background = batch.items.filter((item) => item.priority === priority.backgroundPriority).reduce((sum, item) => sum + item.given, 0);
            assert.ok(background <= priority.defaultBackgroundTokens, `background work got ${background} tokens of a batch: ${JSON.stringify(batch.items)}`);
        }
        assert.ok(
            shared.some((batch) => batch.items.some((item) => item.priority === priority.backgroundPriority && item.queued > priority.defaultBackgroundTokens)),
            "the chat's prompt was pending beside the completion, and held back"
        );
    });
});
