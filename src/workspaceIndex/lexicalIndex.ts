/**
 * The ranking: BM25+ over the pieces of code (MiniSearch), with the symbol and the file's path as
 * fields of their own so that a question naming a function or a file finds it first. Pieces are
 * added and discarded one file at a time (an edit re-indexes only that file), and the whole index
 * turns into plain data and back for the index file.
 */
import MiniSearch, {type AsPlainObject, type SearchResult} from "minisearch";
import {codeTerms} from "./identifiers";

export interface IndexedChunk {
    path: string;
    startLine: number;
    endLine: number;
    symbol?: string;
}

interface ChunkDocument {
    id: number;
    path: string;
    symbol: string;
    text: string;
}

export interface RankedChunk extends IndexedChunk {
    score: number;
}

const fields = ["symbol", "path", "text"];
/** How much more a match in the name or the path counts than one in the code. */
const boost = {symbol: 3, path: 2, text: 1};

const options = {
    fields,
    storeFields: [],
    idField: "id",
    // The one tokenizer for code and questions; terms come out lower-cased already.
    tokenize: (text: string) => codeTerms(text),
    processTerm: (term: string) => term,
    // No prefix matching: each prefix pulls in every longer term's postings ("param" → params,
    // parameter, parameters…), which tripled the time of a question and lowered recall@5 in bench:index.
    searchOptions: {boost, combineWith: "OR" as const}
};

/**
 * Which of a question's terms are ranked: its rarest, at most `maxQueryTerms`, leaving out those
 * in more than `commonShare` of the pieces (unless nothing rarer is left). A common term ("param",
 * "returns", "value") adds little to BM25 — its inverse document frequency is near zero — but
 * scoring it walks tens of thousands of postings; a pasted paragraph would take seconds. In
 * bench:index this took the query p95 from ~900 ms to ~50 ms and raised recall@5 (0.855 → 0.870).
 */
const maxQueryTerms = 16;
const commonShare = 0.05;
/** A small index is fast whatever the question, and there 5% of it is a handful of pieces: nothing below this many pieces is common. */
const minCommonDocuments = 1_000;
const fallbackTerms = 4;

/** MiniSearch keeps its term → field → (document → frequency) map private; its size per field is the document frequency (minisearch is pinned). */
interface WithPostings {
    _index: {get(term: string): Map<number, Map<number, number>> | undefined};
}

/**
 * What of a piece's text is ranked: the start of each line and of the piece. A 50,000-character line
 * (an embedded table, a data URI) is not something a question is about, and ranking all of it
 * costs as much as a whole file.
 */
const maxIndexedLineChars = 400;
const maxIndexedChars = 8_000;

function indexedText(text: string): string {
    const capped = text.length > maxIndexedChars ? text.slice(0, maxIndexedChars) : text;
    return capped.replace(new RegExp(`[^\\n]{${maxIndexedLineChars}}[^\\n]*`, "g"), (line) => line.slice(0, maxIndexedLineChars));
}

export class LexicalIndex {
    private readonly search: MiniSearch<ChunkDocument>;
    private readonly chunks = new Map<number, IndexedChunk>();
    private nextId: number;

    private constructor(search: MiniSearch<ChunkDocument>, chunks: Iterable<[number, IndexedChunk]>, nextId: number) {
        this.search = search;
        for (const [id, chunk] of chunks) this.chunks.set(id, chunk);
        this.nextId = nextId;
    }

    static empty(): LexicalIndex {
        return new LexicalIndex(new MiniSearch<ChunkDocument>(options), [], 1);
    }

    get chunkCount(): number {
        return this.chunks.size;
    }

    /** Adds one piece; returns its id (to discard it when the file changes). */
    add(chunk: IndexedChunk, text: string): number {
        const id = this.nextId++;
        this.search.add({id, path: chunk.path, symbol: chunk.symbol ?? "", text: indexedText(text)});
        this.chunks.set(id, chunk);
        return id;
    }

    discard(ids: Iterable<number>): void {
        for (const id of ids) {
            if (!this.chunks.delete(id)) continue;
            this.search.discard(id);
        }
    }

    /** The best pieces for `query`, at most `perFile` from one file so that one long file cannot fill every place. */
    rank(query: string, limit: number, perFile = 2): RankedChunk[] {
        const terms = this.queryTerms(query);
        if (terms.length === 0) return [];
        // A term said twice counts twice, as it would in the question's own text.
        // Each term is searched as it is: MiniSearch would otherwise tokenize it again (into its parts).
        const results: SearchResult[] = this.search.search({combineWith: "OR", queries: terms.map(({term, count}) => ({queries: [term], boostTerm: () => count}))}, {tokenize: (term) => [term]});
        const ranked: RankedChunk[] = [];
        const fromFile = new Map<string, number>();
        for (const result of results) {
            const chunk = this.chunks.get(result.id as number);
            if (!chunk) continue;
            const taken = fromFile.get(chunk.path) ?? 0;
            if (taken >= perFile) continue;
            fromFile.set(chunk.path, taken + 1);
            ranked.push({...chunk, score: result.score});
            if (ranked.length >= limit) break;
        }
        return ranked;
    }

    /** The question's distinct terms worth ranking (see maxQueryTerms), with how often each occurs. */
    queryTerms(query: string): Array<{term: string; count: number}> {
        const counts = new Map<string, number>();
        for (const term of codeTerms(query)) counts.set(term, (counts.get(term) ?? 0) + 1);
        const postings = (this.search as unknown as WithPostings)._index;
        const terms = [...counts].map(([term, count]) => {
            let documents = 0;
            for (const field of postings.get(term)?.values() ?? []) documents = Math.max(documents, field.size);
            return {term, count, documents};
        });
        // Rarest first; a term no piece has costs nothing and changes nothing.
        const known = terms.filter((term) => term.documents > 0).sort((a, b) => a.documents - b.documents || (a.term < b.term ? -1 : 1));
        const common = Math.max(minCommonDocuments, commonShare * this.chunks.size);
        const rare = known.filter((term) => term.documents <= common);
        return (rare.length > 0 ? rare.slice(0, maxQueryTerms) : known.slice(0, fallbackTerms)).map(({term, count}) => ({term, count}));
    }

    toData(): LexicalIndexData {
        return {search: this.search.toJSON(), chunks: [...this.chunks], nextId: this.nextId};
    }

    static fromData(data: LexicalIndexData): LexicalIndex {
        return new LexicalIndex(MiniSearch.loadJS<ChunkDocument>(data.search, options), data.chunks, data.nextId);
    }
}

export interface LexicalIndexData {
    search: AsPlainObject;
    chunks: Array<[number, IndexedChunk]>;
    nextId: number;
}
