/**
 * Recent suggestions, and serving the rest of a suggestion the user is typing through, both without a
 * model call. A suggestion depends on the text just before the cursor and the text right after it, so
 * that is the key: the document, the last few lines up to the cursor, and the next few lines.
 */
import {lineStartAt, tailLines} from "./cursorText";
import type {DocumentSnapshot} from "./types";

const keyLinesBefore = 8;
const keyCharsBefore = 1024;
const keyLinesAfter = 2;
const keyCharsAfter = 512;
/** How far back on the line a cached suggestion may have started for typed-through lookups. */
const maxTypedBack = 64;

/** The next `lines` lines from `offset` (the rest of the cursor's line first), at most `cap` characters. */
function headLines(text: string, offset: number, lines: number, cap: number): string {
    const limit = Math.min(text.length, offset + cap);
    let end = offset;
    for (let i = 0; i < lines && end < limit; i++) {
        const lineEnd = text.indexOf("\n", end);
        end = lineEnd === -1 ? limit : lineEnd + 1;
    }
    return text.slice(offset, Math.min(end, limit));
}

/** The cache key of a suggestion shown at `prefixEnd` with the document's text from `suffixStart` after it. */
export function cacheKey(doc: Pick<DocumentSnapshot, "uri" | "text">, prefixEnd: number, suffixStart = prefixEnd): string {
    return `${doc.uri}\u0000${tailLines(doc.text, prefixEnd, keyLinesBefore, keyCharsBefore)}\u0000${headLines(doc.text, suffixStart, keyLinesAfter, keyCharsAfter)}`;
}

/** A suggestion as it was shown: the snapshot it was computed for, and its text. */
export interface ShownSuggestion {
    doc: DocumentSnapshot;
    text: string;
}

/**
 * The rest of `prev`'s suggestion when the only change since is text typed at its cursor that matches
 * the suggestion's start (an editor's auto-indent after a typed line break may differ from the
 * suggestion's indentation). Undefined on deletes, other edits, a mismatch, or nothing left to show.
 */
export function typedThrough(prev: ShownSuggestion, now: DocumentSnapshot): string | undefined {
    const before = prev.doc;
    if (now.uri !== before.uri) return undefined;
    const typedLength = now.offset - before.offset;
    if (typedLength <= 0 || now.text.length - before.text.length !== typedLength) return undefined;
    // Both ends unchanged: only the typed text differs. (String comparison is a memcmp: cheap even for big files.)
    if (now.text.slice(now.offset) !== before.text.slice(before.offset)) return undefined;
    if (now.text.slice(0, before.offset) !== before.text.slice(0, before.offset)) return undefined;
    const typed = now.text.slice(before.offset, now.offset);
    return restAfter(prev.text, typed);
}

function restAfter(suggestion: string, typed: string): string | undefined {
    let rest: string | undefined;
    if (suggestion.startsWith(typed)) rest = suggestion.slice(typed.length);
    else {
        // A typed line break plus the editor's own indentation: match up to the break, skip the indentation.
        const indent = /\n[ \t]+$/.exec(typed);
        if (!indent) return undefined;
        const core = typed.slice(0, typed.length - indent[0].length + 1);
        if (!suggestion.startsWith(core)) return undefined;
        rest = suggestion.slice(core.length).replace(/^[ \t]*/, "");
    }
    return rest.trim() === "" ? undefined : rest;
}

export interface CacheHit {
    text: string;
    /** Served as the rest of a suggestion cached at an earlier position on this line. */
    typedThrough: boolean;
}

/** An LRU map of suggestions; an empty text is a remembered "no suggestion here". */
export class SuggestionCache {
    private readonly entries = new Map<string, string>();

    constructor(private readonly maxEntries = 256) {}

    get size(): number {
        return this.entries.size;
    }

    set(doc: DocumentSnapshot, text: string): void {
        const key = cacheKey(doc, doc.offset);
        this.entries.delete(key);
        this.entries.set(key, text);
        while (this.entries.size > this.maxEntries) {
            const oldest = this.entries.keys().next();
            if (oldest.done) break;
            this.entries.delete(oldest.value);
        }
    }

    /**
     * The suggestion for this exact position, or the rest of one cached a few characters back on the
     * same line whose start matches what was typed since (the user typed, deleted, and typed again).
     */
    get(doc: DocumentSnapshot): CacheHit | undefined {
        const exact = this.touch(cacheKey(doc, doc.offset));
        if (exact !== undefined) return {text: exact, typedThrough: false};
        const lineStart = lineStartAt(doc.text, doc.offset);
        const furthest = Math.max(lineStart, doc.offset - maxTypedBack);
        for (let start = doc.offset - 1; start >= furthest; start--) {
            const cached = this.entries.get(cacheKey(doc, start, doc.offset));
            if (!cached) continue;
            const rest = restAfter(cached, doc.text.slice(start, doc.offset));
            if (rest !== undefined) {
                this.touch(cacheKey(doc, start, doc.offset));
                return {text: rest, typedThrough: true};
            }
        }
        return undefined;
    }

    clear(): void {
        this.entries.clear();
    }

    private touch(key: string): string | undefined {
        const value = this.entries.get(key);
        if (value === undefined) return undefined;
        this.entries.delete(key);
        this.entries.set(key, value);
        return value;
    }
}
