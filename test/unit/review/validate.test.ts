import assert from "node:assert/strict";
import type {AnchoredFinding} from "../../../src/review/findings";
import {normalizeReplacement, validateFindings} from "../../../src/review/validate";

const reviewed = ["import {x} from './x';", "", "function add(a, b) {", "    return a - b;", "}", "", "export {add};"];

function finding(overrides: Partial<AnchoredFinding> = {}): AnchoredFinding {
    return {
        file: "math.js",
        startLine: 4,
        endLine: 4,
        severity: "error",
        title: "add subtracts",
        explanation: "a - b",
        replacement: "    return a + b;",
        cited: ["    return a - b;"],
        ...overrides
    };
}

const text = (lines: readonly string[]) => `${lines.join("\n")}\n`;

describe("review validation against the file as it is now", () => {
    it("keeps a finding whose lines are unchanged, with its replacement", () => {
        const {kept, dropped} = validateFindings([finding()], text(reviewed));
        assert.deepEqual(kept, [finding()]);
        assert.deepEqual(dropped, []);
    });

    it("moves a finding with its code when lines were added above, and keeps the replacement", () => {
        const changed = ["// header", "// more", ...reviewed];
        const {kept} = validateFindings([finding({startLine: 3, endLine: 5, cited: reviewed.slice(2, 5), replacement: "function add(a, b) {\n    return a + b;\n}"})], text(changed));
        assert.equal(kept[0]!.startLine, 5);
        assert.equal(kept[0]!.endLine, 7);
        assert.ok(kept[0]!.replacement, "the lines still match exactly, so the fix applies cleanly");
    });

    it("moves to the nearest copy when the cited code appears more than once", () => {
        const changed = ["    return a - b;", ...reviewed, "    return a - b;"];
        const {kept} = validateFindings([finding()], text(changed));
        assert.equal(kept[0]!.startLine, 5);
    });

    it("withdraws the replacement when the lines changed only in whitespace", () => {
        const changed = reviewed.map((line) => line.replace("    return", "\treturn"));
        const {kept} = validateFindings([finding()], text(changed));
        assert.equal(kept.length, 1);
        assert.equal(kept[0]!.startLine, 4);
        assert.equal(kept[0]!.replacement, undefined, "the fix was written for other indentation");
        assert.deepEqual(kept[0]!.cited, ["\treturn a - b;"], "it now cites the current text");
    });

    it("drops a finding whose code is gone", () => {
        const changed = reviewed.map((line) => line.replace("a - b", "a + b"));
        const {kept, dropped} = validateFindings([finding()], text(changed));
        assert.deepEqual(kept, []);
        assert.equal(dropped.length, 1);
        assert.match(dropped[0]!.reason, /changed since the review/);
    });

    it("drops a finding on blank lines that moved, which cannot be told apart", () => {
        const changed = ["// new", ...reviewed];
        const {dropped} = validateFindings([finding({startLine: 2, endLine: 2, cited: [""]})], text(changed));
        assert.equal(dropped.length, 1);
    });

    it("keeps a finding on blank lines that stayed where they were", () => {
        assert.equal(validateFindings([finding({startLine: 2, endLine: 2, cited: [""], replacement: "// section"})], text(reviewed)).kept.length, 1);
    });

    it("drops everything when the file is empty now", () => {
        assert.equal(validateFindings([finding()], "").dropped.length, 1);
    });

    it("clamps a finding without cited text into the file and offers no fix", () => {
        const {kept} = validateFindings([finding({startLine: 6, endLine: 40, cited: []})], text(reviewed));
        assert.equal(kept[0]!.startLine, 6);
        assert.equal(kept[0]!.endLine, 7);
        assert.equal(kept[0]!.replacement, undefined);
    });

    it("compares lines without their CR in CRLF files", () => {
        const {kept} = validateFindings([finding()], reviewed.join("\r\n"));
        assert.ok(kept[0]!.replacement);
    });
});

describe("review replacements as the model writes them", () => {
    const cited = ["    return a - b;"];

    it("takes plain text, trimming trailing blank lines", () => {
        assert.equal(normalizeReplacement("    return a + b;\n\n", cited), "    return a + b;");
    });

    it("unwraps a markdown fence", () => {
        assert.equal(normalizeReplacement("```js\n    return a + b;\n```", cited), "    return a + b;");
    });

    it("removes the line-number column the prompt showed", () => {
        assert.equal(normalizeReplacement("4 |     return a + b;\n5 | }", cited), "    return a + b;\n}");
        assert.equal(normalizeReplacement("+4 |     return a + b;", cited), "    return a + b;");
    });

    it("keeps text that only looks numbered on some lines", () => {
        assert.equal(normalizeReplacement("x = 1 | 2;\n4 | y", cited), "x = 1 | 2;\n4 | y");
    });

    it("offers nothing for null, blank text, or the same lines", () => {
        assert.equal(normalizeReplacement(null, cited), undefined);
        assert.equal(normalizeReplacement("  \n", cited), undefined);
        assert.equal(normalizeReplacement("    return a - b;", cited), undefined);
    });
});
