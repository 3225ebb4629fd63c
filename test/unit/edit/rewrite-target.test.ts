import assert from "node:assert/strict";
import {chooseRewriteTarget, type SymbolLines} from "../../../src/edit/rewriteRange";
import {RecentInstructions} from "../../../src/edit/recentInstructions";

const text = [
    "import {a} from './a';", // 0
    "", // 1
    "export class Cart {", // 2
    "    items: number[] = [];", // 3
    "", // 4
    "    total(): number {", // 5
    "        let sum = 0;", // 6
    "        for (const item of this.items) sum += item;", // 7
    "        return sum;", // 8
    "    }", // 9
    "}", // 10
    "", // 11
    "const x = 1;", // 12
    "const y = 2;", // 13
    ""
].join("\n");
const offsetOf = (line: number, column = 0): number => text.split("\n").slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column;
const symbols: SymbolLines[] = [
    {name: "Cart", kind: "class", startLine: 2, endLine: 10, children: [
        {name: "items", kind: "property", startLine: 3, endLine: 3},
        {name: "total", kind: "method", startLine: 5, endLine: 9}
    ]},
    {name: "x", kind: "constant", startLine: 12, endLine: 12}
];

describe("the lines an inline edit rewrites", () => {
    it("takes the selection's whole lines, whatever the symbols say", () => {
        const target = chooseRewriteTarget({text, selection: {start: offsetOf(6, 8), end: offsetOf(7, 10)}, cursor: offsetOf(7, 10), symbols});
        assert.deepEqual(target, {lines: {start: 6, end: 7}, how: "selection"});
        const toLineStart = chooseRewriteTarget({text, selection: {start: offsetOf(6), end: offsetOf(8)}, cursor: offsetOf(8), symbols});
        assert.deepEqual(toLineStart.lines, {start: 6, end: 7}, "a selection ending at a line's start leaves that line out");
    });

    it("takes the innermost function around the cursor without a selection", () => {
        const target = chooseRewriteTarget({text, selection: {start: offsetOf(7, 4), end: offsetOf(7, 4)}, cursor: offsetOf(7, 4), symbols});
        assert.deepEqual(target, {lines: {start: 5, end: 9}, how: "function", name: "total"});
    });

    it("takes the enclosing block when no function encloses the cursor", () => {
        const target = chooseRewriteTarget({text, cursor: offsetOf(4), symbols});
        assert.deepEqual(target, {lines: {start: 2, end: 10}, how: "block", name: "Cart"});
    });

    it("takes the paragraph around the cursor without symbols, and a blank line alone", () => {
        assert.deepEqual(chooseRewriteTarget({text, cursor: offsetOf(13, 3)}), {lines: {start: 12, end: 13}, how: "paragraph"});
        assert.deepEqual(chooseRewriteTarget({text, cursor: offsetOf(7), symbols: []}), {lines: {start: 5, end: 10}, how: "paragraph"});
        assert.deepEqual(chooseRewriteTarget({text, cursor: offsetOf(11)}), {lines: {start: 11, end: 11}, how: "paragraph"});
    });

    it("leaves a one-line symbol to the paragraph rule", () => {
        assert.deepEqual(chooseRewriteTarget({text, cursor: offsetOf(12), symbols}), {lines: {start: 12, end: 13}, how: "paragraph"});
    });
});

describe("recent instructions", () => {
    it("keeps the newest first, without repeats, up to its size", () => {
        const recent = new RecentInstructions([], 3);
        for (const instruction of ["make it shorter", "add types", "  make   it shorter ", "use a map", "add docs"]) recent.add(instruction);
        assert.deepEqual(recent.list, ["add docs", "use a map", "make it shorter"]);
        recent.add("   ");
        assert.deepEqual(recent.list, ["add docs", "use a map", "make it shorter"], "a blank instruction is not kept");
    });

    it("reads stored state defensively", () => {
        assert.deepEqual(new RecentInstructions(["a", 3, null, "a", " b "]).list, ["a", "b"]);
        assert.deepEqual(new RecentInstructions({not: "a list"}).list, []);
    });
});
