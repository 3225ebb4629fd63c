/**
 * The sequences of a model's context — decided here once, for the load (the worker creates them)
 * and its plan (each one's KV cache is memory the plan must count).
 *
 * Completions get a pool of sequences, one per client (window) that completes, so each window's
 * KV cache survives the others' typing; a client beyond the pool takes the least recently used
 * one (and that window's cache is lost). In node-llama-cpp 3.21.1 every sequence of a context
 * reserves a whole context's cells (`contextSize × sequences`), whatever it holds, so the pool's
 * size is memory paid at load. What one more sequence costs by node-llama-cpp's own estimate
 * (`estimateContextResourceRequirements`, which the plan uses; measured on header-only files of
 * these shapes, CPU; more than the raw f16 KV cache of 2 × layers × KV heads × head size × 2 bytes
 * a token — 96 MiB for the 0.5B — since it also counts what llama.cpp allocates beside it):
 * - a completion model at 8,192 tokens: Qwen2.5-Coder-0.5B 336 MiB, 1.5B 432 MiB, 3B 560 MiB —
 *   small beside a chat model, so 3 sequences (+0.7–1.1 GiB over one) serve three windows;
 * - the chat model serving completions too, at its 16,384 tokens: R1-Distill-Qwen-1.5B 864 MiB,
 *   7B 1.8 GiB, 14B 4.3 GiB — as much as a whole chat. So it gets 2 completion sequences (4 in
 *   all instead of 3), and several windows on a big chat model are better served by a separate
 *   completion model.
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
