/**
 * The ranking: BM25 over the pieces of code, by SQLite's full-text search (FTS5, in SQLite's own
 * WebAssembly build), with the symbol and the file's path as columns of their own so that a
 * question naming a function or a file finds it first. Pieces are added and discarded one file at
 * a time (an edit re-indexes only that file).
 *
 * Why SQLite and not a JavaScript index: FTS5 keeps its postings as compact, delta-encoded pages —
 * about a fifth of the corpus's size — where MiniSearch's maps of maps took ~6 bytes of heap per
 * byte of code (330 MB for bench:index's 55 MB corpus, and over 1.4 GB of process memory at the
 * peak of a build with its save). The database lives in memory and is written to the index file
 * as its own bytes (`serialize`, `LexicalIndex.open`).
 */
import sqlite3InitModule, {type Database, type Sqlite3Static} from "@sqlite.org/sqlite-wasm";
import {codeTerms} from "./identifiers";

export interface IndexedChunk {
    path: string;
    startLine: number;
    endLine: number;
    symbol?: string;
}

export interface RankedChunk extends IndexedChunk {
    score: number;
}

/** How much more a match in the name or the path counts than one in the code (bm25's column weights: symbol, path, text). */
const columnWeights = [3, 2, 1];

/*
 * Terms go in already made by codeTerms (the one tokenizer for code and questions), joined by
 * spaces; FTS5's tokenizer only splits them again at the spaces. `tokenchars` keeps the `_` and
 * `$` inside identifiers, diacritics are kept as written. Contentless (the text is not stored: the
 * file on disk is), with deletes (an edited file's pieces are discarded). Full detail (positions):
 * with less, bm25() of a contentless table cannot count a term's occurrences and scores every row 0.
 */
const schema = `create virtual table pieces using fts5(symbol, path, text, content='', contentless_delete=1, tokenize="unicode61 remove_diacritics 0 tokenchars '_$'");
create virtual table terms using fts5vocab(pieces, 'row');`;

/**
 * Which of a question's terms are ranked: its rarest, at most `maxQueryTerms`, leaving out those
 * in more than `commonShare` of the pieces (unless nothing rarer is left). A common term ("param",
 * "returns", "value") adds little to BM25 — its inverse document frequency is near zero — but
 * scoring it walks tens of thousands of postings; a pasted paragraph would take seconds. In
 * bench:index this took the query p95 from ~900 ms to ~50 ms and raised recall@5.
 */
const maxQueryTerms = 16;
const commonShare = 0.05;
/** A small index is fast whatever the question, and there 5% of it is a handful of pieces: nothing below this many pieces is common. */
const minCommonDocuments = 1_000;
const fallbackTerms = 4;
/** How many ranked pieces are read per place asked for: enough that the per-file cap still fills the places. */
const candidatesPerPlace = 8;

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

const terms = (text: string): string => codeTerms(text).join(" ");

let runtime: Promise<Sqlite3Static> | undefined;

/** SQLite's WebAssembly module, started once per thread. */
function sqlite(): Promise<Sqlite3Static> {
    runtime ??= sqlite3InitModule();
    return runtime;
}

/** Raised for index bytes that are not a database of ours: the index file is damaged. */
export class DamagedIndexError extends Error {}

export class LexicalIndex {
    private readonly chunks = new Map<number, IndexedChunk>();
    private closed = false;

    private constructor(
        private readonly sqlite3: Sqlite3Static,
        private readonly db: Database,
        chunks: Iterable<[number, IndexedChunk]>,
        private nextId: number
    ) {
        for (const [id, chunk] of chunks) this.chunks.set(id, chunk);
    }

    static async empty(): Promise<LexicalIndex> {
        const sqlite3 = await sqlite();
        const db = new sqlite3.oo1.DB(":memory:");
        db.exec(schema);
        return new LexicalIndex(sqlite3, db, [], 1);
    }

    /** The index from the bytes `serialize` gave and the pieces it held; DamagedIndexError when they do not fit together. */
    static async open(bytes: Uint8Array, chunks: Iterable<[number, IndexedChunk]>, nextId: number): Promise<LexicalIndex> {
        const sqlite3 = await sqlite();
        const db = new sqlite3.oo1.DB(":memory:");
        try {
            // A plain Uint8Array view: SQLite's helper picks its heap by the array's constructor, and a Buffer's is not one it knows.
            const pointer = sqlite3.wasm.allocFromTypedArray(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
            const flags = sqlite3.capi.SQLITE_DESERIALIZE_FREEONCLOSE | sqlite3.capi.SQLITE_DESERIALIZE_RESIZEABLE;
            db.checkRc(sqlite3.capi.sqlite3_deserialize(db.pointer as number, "main", pointer, bytes.length, bytes.length, flags));
            const index = new LexicalIndex(sqlite3, db, chunks, nextId);
            index.check();
            return index;
        } catch (error) {
            db.close();
            throw error instanceof DamagedIndexError ? error : new DamagedIndexError(String(error));
        }
    }

    get chunkCount(): number {
        return this.chunks.size;
    }

    /** Adds one piece; returns its id (to discard it when the file changes). */
    add(chunk: IndexedChunk, text: string): number {
        const id = this.nextId++;
        this.db.exec({sql: "insert into pieces(rowid, symbol, path, text) values (?, ?, ?, ?)", bind: [id, terms(chunk.symbol ?? ""), terms(chunk.path), terms(indexedText(text))]});
        this.chunks.set(id, chunk);
        return id;
    }

    discard(ids: Iterable<number>): void {
        for (const id of ids) {
            if (!this.chunks.delete(id)) continue;
            this.db.exec({sql: "delete from pieces where rowid = ?", bind: [id]});
        }
    }

    /** The best pieces for `query`, at most `perFile` from one file so that one long file cannot fill every place. */
    rank(query: string, limit: number, perFile = 2): RankedChunk[] {
        const asked = this.queryTerms(query);
        if (asked.length === 0 || limit <= 0) return [];
        // A term asked twice counts twice, as it would in the question's own text: bm25 sums over the query's phrases.
        const match = asked.flatMap(({term, count}) => Array.from({length: count}, () => `"${term}"`)).join(" OR ");
        const rows = this.db.selectArrays(`select rowid, bm25(pieces, ${columnWeights.join(", ")}) as score from pieces where pieces match ? order by score, rowid limit ?`, [match, limit * candidatesPerPlace]);
        const ranked: RankedChunk[] = [];
        const fromFile = new Map<string, number>();
        for (const [id, score] of rows) {
            const chunk = this.chunks.get(Number(id));
            if (!chunk) continue;
            const taken = fromFile.get(chunk.path) ?? 0;
            if (taken >= perFile) continue;
            fromFile.set(chunk.path, taken + 1);
            // bm25() is negative, lower is better; the index's scores are higher-is-better.
            ranked.push({...chunk, score: -Number(score)});
            if (ranked.length >= limit) break;
        }
        return ranked;
    }

    /** The question's distinct terms worth ranking (see maxQueryTerms), with how often each occurs. */
    queryTerms(query: string): Array<{term: string; count: number}> {
        const counts = new Map<string, number>();
        for (const term of codeTerms(query)) counts.set(term, (counts.get(term) ?? 0) + 1);
        if (counts.size === 0) return [];
        const asked = [...counts.keys()];
        const documents = new Map<string, number>();
        for (const [term, count] of this.db.selectArrays(`select term, doc from terms where term in (${asked.map(() => "?").join(", ")})`, asked)) documents.set(term as string, Number(count));
        // Rarest first; a term no piece has costs nothing and changes nothing.
        const known = asked
            .map((term) => ({term, count: counts.get(term) ?? 0, documents: documents.get(term) ?? 0}))
            .filter((term) => term.documents > 0)
            .sort((a, b) => a.documents - b.documents || (a.term < b.term ? -1 : 1));
        const common = Math.max(minCommonDocuments, commonShare * this.chunks.size);
        const rare = known.filter((term) => term.documents <= common);
        return (rare.length > 0 ? rare.slice(0, maxQueryTerms) : known.slice(0, fallbackTerms)).map(({term, count}) => ({term, count}));
    }

    /** The pieces' places, in id order, and the id the next piece gets: stored beside `serialize`'s bytes. */
    get pieces(): {chunks: ReadonlyMap<number, IndexedChunk>; nextId: number} {
        return {chunks: this.chunks, nextId: this.nextId};
    }

    /** The database's bytes, for the index file (a copy: the index goes on changing). */
    serialize(): Uint8Array {
        return this.sqlite3.capi.sqlite3_js_db_export(this.db.pointer as number);
    }

    close(): void {
        if (this.closed) return;
        this.closed = true;
        this.db.close();
    }

    /** Stored bytes and stored pieces must be of one index: as many rows as pieces, and no id beyond the next one. */
    private check(): void {
        for (const [id] of this.chunks) if (id >= this.nextId) throw new DamagedIndexError("a piece id beyond the next id");
        const [integrity] = this.db.selectArrays("pragma quick_check");
        if (integrity?.[0] !== "ok") throw new DamagedIndexError(`the ranking database is damaged (${JSON.stringify(integrity?.[0] ?? null)})`);
        const rows = Number(this.db.selectValue("select count(*) from pieces"));
        if (rows !== this.chunks.size) throw new DamagedIndexError(`the ranking holds ${rows} pieces, the index ${this.chunks.size}`);
    }
}
