/**
 * A bounded ring of chunks from files the user recently opened, edited or copied from, which
 * completion prompts show before the current file (the extra-context idea of llama.vscode).
 *
 * Prompts put these chunks first so that consecutive keystrokes share a long prompt prefix; that only
 * pays if the ring changes rarely. So adding a chunk that is the same as, or nearly the same as, one
 * already held changes nothing; a chunk that overlaps an older one of the same file replaces it; and
 * `snapshot()` returns the same array until the ring really changes.
 */
import {looksBinary} from "./binaryText";
import {lineStartAt} from "./cursorText";
import {jaccard, significantLines} from "./lineSimilarity";
import {estimateTokens, keepStart} from "./tokenBudget";
import type {ContextChunk} from "./types";

export interface ContextRingOptions {
    /** Most chunks held. Default 16. */
    maxChunks?: number;
    /** Most estimated tokens held over all chunks. Default 4096. */
    maxTokens?: number;
    /** Lines in a chunk picked around a position. Default 32. */
    chunkLines?: number;
    /** Most estimated tokens in one chunk (32 lines of code are about 500). Default 768. */
    maxChunkTokens?: number;
    /** Chunks with fewer non-blank lines say too little to be worth their tokens. Default 3. */
    minLines?: number;
    /** Line similarity (Jaccard) from which a new chunk counts as already held. Default 0.9. */
    nearDuplicate?: number;
    /** Line similarity from which a new chunk of the same file replaces an older one. Default 0.5. */
    overlap?: number;
}

interface HeldChunk {
    chunk: ContextChunk;
    lines: string[];
    tokens: number;
}

/** Why an `add` changed nothing, or what it did; useful in logs and tests. */
export type AddOutcome = "added" | "replaced" | "duplicate" | "tooSmall" | "binary";

export class ContextRing {
    private readonly options: Required<ContextRingOptions>;
    private held: HeldChunk[] = [];
    private cached: readonly ContextChunk[] | undefined;
    private changes = 0;

    constructor(options: ContextRingOptions = {}) {
        this.options = {
            maxChunks: options.maxChunks ?? 16,
            maxTokens: options.maxTokens ?? 4096,
            chunkLines: options.chunkLines ?? 32,
            maxChunkTokens: options.maxChunkTokens ?? 768,
            minLines: options.minLines ?? 3,
            nearDuplicate: options.nearDuplicate ?? 0.9,
            overlap: options.overlap ?? 0.5
        };
    }

    /** Grows by one each time the ring's content changes. */
    get version(): number {
        return this.changes;
    }

    get size(): number {
        return this.held.length;
    }

    get tokens(): number {
        return this.held.reduce((sum, held) => sum + held.tokens, 0);
    }

    /**
     * Picks the `chunkLines` lines centred on `offset` of a document (opened, edited or scrolled to).
     * Reads only around `offset`, so a huge file costs no more than a small one.
     */
    addAround(doc: {uri: string; text: string; offset: number; languageId?: string}, offset = doc.offset): AddOutcome {
        const text = doc.text;
        const at = Math.max(0, Math.min(text.length, offset));
        const half = Math.floor(this.options.chunkLines / 2);
        let start = lineStartAt(text, at);
        for (let i = 0; i < half && start > 0; i++) start = lineStartAt(text, start - 1);
        let end = at;
        for (let i = 0; i < this.options.chunkLines - half && end < text.length; i++) {
            const lineEnd = text.indexOf("\n", end);
            end = lineEnd === -1 ? text.length : lineEnd + 1;
        }
        return this.add({uri: doc.uri, text: text.slice(start, end), ...(doc.languageId != null ? {languageId: doc.languageId} : {})});
    }

    /** Adds text as it is (a copied selection), cut to the chunk size. */
    add(chunk: ContextChunk): AddOutcome {
        if (looksBinary(chunk.text)) return "binary";
        // Cut before trimming: the cut reads only the budget's worth, however long the text.
        const text = keepStart(chunk.text, this.options.maxChunkTokens).trimEnd();
        const lines = significantLines(text);
        if (lines.length < this.options.minLines) return "tooSmall";
        if (this.held.some((held) => held.chunk.text === text || jaccard(held.lines, lines) >= this.options.nearDuplicate)) return "duplicate";
        const overlapping = this.held.findIndex((held) => held.chunk.uri === chunk.uri && jaccard(held.lines, lines) >= this.options.overlap);
        if (overlapping !== -1) this.held.splice(overlapping, 1);
        this.held.push({chunk: Object.freeze({...chunk, text}), lines, tokens: estimateTokens(text)});
        this.evict();
        this.changed();
        return overlapping !== -1 ? "replaced" : "added";
    }

    /** Forgets a file's chunks (deleted, or its content is no longer trusted). */
    removeUri(uri: string): void {
        const before = this.held.length;
        this.held = this.held.filter((held) => held.chunk.uri !== uri);
        if (this.held.length !== before) this.changed();
    }

    clear(): void {
        if (this.held.length === 0) return;
        this.held = [];
        this.changed();
    }

    /** The chunks, oldest first; the same array (same identity, same order) until the ring changes. */
    snapshot(): readonly ContextChunk[] {
        this.cached ??= Object.freeze(this.held.map((held) => held.chunk));
        return this.cached;
    }

    private evict(): void {
        let tokens = this.tokens;
        while (this.held.length > 0 && (this.held.length > this.options.maxChunks || tokens > this.options.maxTokens)) {
            const oldest = this.held.shift();
            tokens -= oldest?.tokens ?? 0;
        }
    }

    private changed(): void {
        this.changes++;
        this.cached = undefined;
    }
}
