/**
 * Which context chunks go into one prompt. The choice depends only on the ring's snapshot and the
 * budget, not on what is being typed, so consecutive keystrokes send the same chunks in the same
 * order and the prompt's stable part (and the model's KV cache) survives. The one exception is
 * wanted: a chunk of the current file that the prompt already shows around the cursor is left out.
 */
import {containment, significantLines} from "./lineSimilarity";
import type {ContextChunk} from "./types";

/** A chunk of the current file whose lines are mostly in the prompt's window already is redundant. */
const redundantShare = 0.5;

/** Drops the current file's chunks that repeat `windowText` (the file text the prompt shows). */
export function withoutWindowOverlap(chunks: readonly ContextChunk[], uri: string, windowText: () => string): ContextChunk[] {
    if (!chunks.some((chunk) => chunk.uri === uri)) return [...chunks];
    const window = new Set(significantLines(windowText()));
    return chunks.filter((chunk) => chunk.uri !== uri || containment(significantLines(chunk.text), window) < redundantShare);
}

/**
 * Picks chunks newest first (the ring appends, so the newest are last) while their rendered cost fits
 * `budget`; a chunk too large for what is left is skipped. Returns the picked ones in ring order.
 */
export function pickChunks(chunks: readonly ContextChunk[], budget: number, cost: (chunk: ContextChunk) => number): {chunks: ContextChunk[]; tokens: number} {
    const picked = new Set<number>();
    let tokens = 0;
    for (let i = chunks.length - 1; i >= 0; i--) {
        const chunk = chunks[i];
        if (!chunk) continue;
        const chunkTokens = cost(chunk);
        if (tokens + chunkTokens > budget) continue;
        tokens += chunkTokens;
        picked.add(i);
    }
    return {chunks: chunks.filter((_, i) => picked.has(i)), tokens};
}
