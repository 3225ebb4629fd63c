/**
 * The sequences of one loaded model's context and what each keeps between requests: chat and
 * review one each, completions a pool with one sequence per client (completionPool.ts). Every
 * sequence has its own lock (its KV cache serves one generation at a time; different sequences
 * run side by side, batched by node-llama-cpp) and a completion sequence its own LlamaCompletion
 * and prefill pace.
 */
import type {LlamaCompletion, LlamaContext, LlamaContextSequence} from "node-llama-cpp";
import {EngineError} from "../errors";
import type {ModelRole, SequenceName} from "../protocol";
import {CompletionPool} from "./completionPool";
import {Mutex} from "./mutex";
import {PrefillPace} from "./prefill";

export type SharedSequenceName = Exclude<SequenceName, "completion">;

/** One completion sequence and the objects kept with it. */
export interface CompletionSlot {
    readonly sequence: LlamaContextSequence;
    readonly lock: Mutex;
    readonly pace: PrefillPace;
    /** Made on first use, kept so that its state carries over. */
    completion?: LlamaCompletion;
}

export interface ContextSequences {
    sequence(name: SharedSequenceName): LlamaContextSequence;
    lock(name: SharedSequenceName): Mutex;
    /** `client`'s completion sequence (a free one, or the least recently used one, if it has none yet). */
    completionSlot(client: number): CompletionSlot;
    /** `client` is gone: its completion sequence is free for another. */
    releaseClient(client: number): void;
    /** How many completion sequences there are (0: a separate completion model serves completions). */
    readonly completionSequences: number;
}

/** Takes one sequence of `context` for each of `names` (one entry per sequence, as the plan counted them). */
export function takeSequences(context: LlamaContext, names: readonly SequenceName[], role: ModelRole): ContextSequences {
    const shared = new Map<SharedSequenceName, {sequence: LlamaContextSequence; lock: Mutex}>();
    const slots: CompletionSlot[] = [];
    for (const name of names) {
        const sequence = context.getSequence();
        if (name === "completion") slots.push({sequence, lock: new Mutex(), pace: new PrefillPace()});
        else shared.set(name, {sequence, lock: new Mutex()});
    }
    const pool = slots.length > 0 ? new CompletionPool(slots) : undefined;
    const named = (name: SharedSequenceName) => shared.get(name) ?? fail(`The ${role} model has no ${name} sequence.`);
    return {
        sequence: (name) => named(name).sequence,
        lock: (name) => named(name).lock,
        completionSlot: (client) => (pool ?? fail(`The ${role} model has no completion sequence: a separate completion model was set when it loaded.`)).acquire(client).slot,
        releaseClient: (client) => pool?.release(client),
        completionSequences: slots.length
    };
}

/**
 * Counts keystroke work running on a context; the context's batch strategy (batchPriority.ts)
 * asks it at each batch.
 */
export class KeystrokeWork {
    private running = 0;

    get active(): boolean {
        return this.running > 0;
    }

    async run<T>(task: () => Promise<T>): Promise<T> {
        this.running++;
        try {
            return await task();
        } finally {
            this.running--;
        }
    }
}

function fail(message: string): never {
    throw new EngineError("NoModelLoaded", message);
}
