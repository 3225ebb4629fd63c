/**
 * The sequences of a model's context — decided here once, for the load (the worker creates them),
 * its plan and the fit policy (each one's KV cache is memory the plan must count).
 *
 * Completions get a pool of sequences, one per client (window) that completes, so each window's
 * KV cache survives the others' typing; a client beyond the pool takes the least recently used
 * one (and that window's cache is lost). In node-llama-cpp 3.21.1 every sequence of a context
 * reserves a whole context's KV cache (`contextSize × sequences` cells), whatever it holds, so the
 * pool's size is a memory cost paid at load. At f16, KV bytes per token are 2 × layers × KV heads
 * × head size × 2:
 * - a completion model (up to 8,192 tokens per sequence): Qwen2.5-Coder-0.5B (24 × 2 × 64) costs
 *   96 MiB a sequence, 1.5B (28 × 2 × 128) 224 MiB, 3B (36 × 2 × 128) 288 MiB — small beside its
 *   weights, so 3 sequences (0.3–0.9 GiB) serve three windows typing in turn;
 * - the chat model serving completions too (up to 16,384 tokens, the chat's size): one more
 *   sequence costs R1-Distill-Qwen-1.5B 448 MiB, 7B (28 × 4 × 128) 896 MiB, 14B (48 × 8 × 128)
 *   3 GiB — as much as a whole chat. So it gets 2 completion sequences (4 in all instead of 3),
 *   and several windows on a big chat model are better served by a separate completion model.
 */
import type {ModelRole} from "./catalogue";

export type SequenceKind = "chat" | "completion" | "review";

/** Completion sequences of each role's context (see above for the memory behind the figures). */
export const completionPoolSize: Readonly<Record<ModelRole, number>> = {chat: 2, completion: 3};

/**
 * Every sequence of a role's context, one entry each: the chat model has chat, its completion
 * pool and review (no completion sequences when a separate completion model serves completions);
 * a completion model has its completion pool.
 */
export function contextSequences(role: ModelRole, separateCompletion: boolean): readonly SequenceKind[] {
    const pool: SequenceKind[] = Array.from({length: completionPoolSize[role]}, () => "completion");
    if (role === "completion") return pool;
    return separateCompletion ? ["chat", "review"] : ["chat", ...pool, "review"];
}
