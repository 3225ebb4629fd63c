/**
 * Re-ranking of the workspace index's hits by embeddings: the lexical top N (30) are embedded
 * (each chunk once: its vector is kept by content hash, so asking again embeds only the question)
 * and ordered by cosine similarity to the question; the two rankings are fused by reciprocal rank
 * fusion (k = 60), which needs no score scale in common — BM25 scores and cosines are not
 * comparable. Without an embedding model the lexical order is kept: the same path, one step less.
 * VS Code-free; the embedder is the engine's (the model runs in the model process).
 */
import {VectorCache} from "../engine/vectorCache";
import {embedLimits} from "../engine/protocol";

/** What re-ranking needs from an embedding model. */
export interface Embedder {
    /** Which model: a vector of another model is never reused. */
    readonly modelId: string;
    embed(texts: readonly string[], kind: "query" | "document", signal: AbortSignal): Promise<Float32Array[]>;
}

export const rerankDefaults = {
    /** Lexical hits re-ranked: enough to lift a good chunk from far down, few enough to embed in well under a second. */
    candidates: 30,
    /** RRF's constant (Cormack et al. 2009): a rank r contributes 1 / (k + r). */
    rrfK: 60
} as const;

/** The cosine of the angle between `a` and `b` (0 when either is all zeros). */
export function cosine(a: Float32Array, b: Float32Array): number {
    if (a.length !== b.length) throw new Error(`Vectors of ${a.length} and ${b.length} dimensions cannot be compared.`);
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let i = 0; i < a.length; i++) {
        const x = a[i] ?? 0;
        const y = b[i] ?? 0;
        dot += x * y;
        normA += x * x;
        normB += y * y;
    }
    return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * Reciprocal rank fusion of rankings of the same `count` items (each ranking lists item positions,
 * best first): the item positions by fused score, best first; ties keep the first ranking's order.
 */
export function reciprocalRankFusion(rankings: readonly (readonly number[])[], count: number, k: number = rerankDefaults.rrfK): number[] {
    const scores = new Array<number>(count).fill(0);
    for (const ranking of rankings) ranking.forEach((item, rank) => (scores[item] = (scores[item] ?? 0) + 1 / (k + rank + 1)));
    const firstOrder = new Map((rankings[0] ?? []).map((item, rank) => [item, rank]));
    return Array.from({length: count}, (_, item) => item).sort(
        (a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || (firstOrder.get(a) ?? count) - (firstOrder.get(b) ?? count)
    );
}

export interface Rankable {
    readonly content: string;
    /** Where it is (embedded with the code: a path says much about what the code is). */
    readonly path: string;
}

export interface Reranked<T> {
    readonly hits: T[];
    /** True when embeddings took part (false: lexical alone). */
    readonly reranked: boolean;
    /** Chunks embedded for this question (the others' vectors were kept from before). */
    readonly embedded: number;
}

export class Reranker {
    private readonly vectors: VectorCache;

    constructor(options: {cacheBytes?: number} = {}) {
        this.vectors = new VectorCache(options.cacheBytes ?? 64 * 2 ** 20);
    }

    /** The best `limit` of `hits` (lexical order, best first), re-ranked by `embedder` when there is one. */
    async rank<T extends Rankable>(question: string, hits: readonly T[], limit: number, embedder: Embedder | undefined, signal: AbortSignal): Promise<Reranked<T>> {
        const candidates = hits.slice(0, Math.max(limit, rerankDefaults.candidates));
        if (embedder === undefined || candidates.length < 2) return {hits: candidates.slice(0, limit), reranked: false, embedded: 0};
        const texts = candidates.map(documentText);
        const keys = texts.map((text) => VectorCache.keyOf(embedder.modelId, "document", text));
        const missing = keys.flatMap((key, position) => (this.vectors.get(key) === undefined ? [position] : []));
        if (missing.length > 0) {
            const fresh = await embedder.embed(missing.map((position) => texts[position] ?? ""), "document", signal);
            missing.forEach((position, i) => {
                const vector = fresh[i];
                if (vector !== undefined) this.vectors.set(keys[position] ?? "", vector);
            });
        }
        const [queryVector] = await embedder.embed([queryText(question)], "query", signal);
        if (queryVector === undefined) throw new Error("The embedding model returned no vector for the question.");
        const similarity = keys.map((key) => {
            const vector = this.vectors.get(key);
            return vector === undefined ? -Infinity : cosine(queryVector, vector);
        });
        const lexical = candidates.map((_, position) => position);
        const semantic = [...lexical].sort((a, b) => (similarity[b] ?? 0) - (similarity[a] ?? 0));
        const fused = reciprocalRankFusion([lexical, semantic], candidates.length);
        return {hits: fused.slice(0, limit).map((position) => candidates[position] as T), reranked: true, embedded: missing.length};
    }
}

/** A chunk as its embedding sees it: its path, then its code, within the embed limit. */
function documentText(hit: Rankable): string {
    return `${hit.path}\n${hit.content}`.slice(0, embedLimits.maxChars);
}

function queryText(question: string): string {
    const text = question.trim() === "" ? "?" : question.trim();
    return text.slice(0, embedLimits.maxChars);
}
