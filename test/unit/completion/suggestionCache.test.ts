import assert from "node:assert/strict";
import {SuggestionCache, typedThrough} from "../../../src/completion/suggestionCache";
import type {DocumentSnapshot} from "../../../src/completion/types";

let version = 0;
/** A snapshot of `source` with the cursor at "|". */
function snap(source: string, uri = "file:///a.ts"): DocumentSnapshot {
    const offset = source.indexOf("|");
    return {uri, languageId: "typescript", text: source.slice(0, offset) + source.slice(offset + 1), offset, version: ++version};
}

describe("suggestionCache", () => {
    describe("typedThrough", () => {
        const shown = {doc: snap("function f() {\n    return |\n}\n"), text: "a + b;"};

        it("serves the rest when the typed text matches the suggestion's start", () => {
            assert.equal(typedThrough(shown, snap("function f() {\n    return a|\n}\n")), " + b;");
            assert.equal(typedThrough(shown, snap("function f() {\n    return a + |\n}\n")), "b;");
        });

        it("serves the next lines when the first line of a multi-line suggestion was typed", () => {
            const multi = {doc: snap("if (x) {\n    |\n}"), text: "a();\n    b();"};
            assert.equal(typedThrough(multi, snap("if (x) {\n    a();|\n}")), "\n    b();");
            assert.equal(typedThrough(multi, snap("if (x) {\n    a();\n    |\n}")), "b();");
            // The editor indented the new line differently from the suggestion: skip the indentation.
            assert.equal(typedThrough(multi, snap("if (x) {\n    a();\n        |\n}")), "b();");
        });

        it("invalidates on a mismatch, a delete, an edit elsewhere, another document, or nothing left", () => {
            assert.equal(typedThrough(shown, snap("function f() {\n    return x|\n}\n")), undefined);
            assert.equal(typedThrough(shown, snap("function f() {\n    retur|\n}\n")), undefined);
            assert.equal(typedThrough(shown, snap("function g() {\n    return a|\n}\n")), undefined);
            assert.equal(typedThrough(shown, snap("function f() {\n    return a|\n}\n// more")), undefined);
            assert.equal(typedThrough(shown, snap("function f() {\n    return a|\n}\n", "file:///b.ts")), undefined);
            assert.equal(typedThrough(shown, snap("function f() {\n    return a + b;|\n}\n")), undefined);
            assert.equal(typedThrough(shown, snap("function f() {\n    return |\n}\n")), undefined);
        });
    });

    describe("SuggestionCache", () => {
        it("returns a suggestion for the same text around the cursor, even at a later version", () => {
            const cache = new SuggestionCache();
            cache.set(snap("const x = |;\nfoo();"), "compute()");
            assert.deepEqual(cache.get(snap("const x = |;\nfoo();")), {text: "compute()", typedThrough: false});
            assert.equal(cache.get(snap("const y = |;\nfoo();")), undefined, "other text before the cursor");
            assert.equal(cache.get(snap("const x = |;\nbar();")), undefined, "other text after the cursor");
            assert.equal(cache.get(snap("const x = |;\nfoo();", "file:///other.ts")), undefined, "other document");
        });

        it("remembers 'no suggestion' as an empty text", () => {
            const cache = new SuggestionCache();
            cache.set(snap("x|"), "");
            assert.deepEqual(cache.get(snap("x|")), {text: "", typedThrough: false});
        });

        it("serves the rest of a suggestion cached earlier on the line (type, delete, type again)", () => {
            const cache = new SuggestionCache();
            cache.set(snap("let total = |\n"), "items.length;");
            assert.deepEqual(cache.get(snap("let total = ite|\n")), {text: "ms.length;", typedThrough: true});
            assert.equal(cache.get(snap("let total = itx|\n")), undefined);
        });

        it("is an LRU bounded by its size", () => {
            const cache = new SuggestionCache(2);
            cache.set(snap("a|"), "1");
            cache.set(snap("b|"), "2");
            cache.get(snap("a|"));
            cache.set(snap("c|"), "3");
            assert.equal(cache.size, 2);
            assert.ok(cache.get(snap("a|")), "recently used survives");
            assert.equal(cache.get(snap("b|")), undefined, "least recently used is gone");
        });
    });
});
