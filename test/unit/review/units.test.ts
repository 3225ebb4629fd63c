import assert from "node:assert/strict";
import {estimateTokens, splitLines, textUnits} from "../../../src/review/units";

describe("review units: files and selections", () => {
    it("estimates more tokens than R1's tokenizer would use", () => {
        // Qwen's vocabulary averages 3.5-4 characters of code per token; the estimate uses 3.
        assert.equal(estimateTokens("function add(a, b) {"), 7);
        // Outside ASCII every UTF-8 byte counts: é is 2, 漢 is 3, an emoji is 4.
        assert.equal(estimateTokens("é漢😀"), 9);
        assert.equal(estimateTokens(""), 0);
    });

    it("splits lines on LF and CRLF without a phantom last line", () => {
        assert.deepEqual(splitLines("a\r\nb\nc\n"), ["a", "b", "c"]);
        assert.deepEqual(splitLines("a\n\n"), ["a", ""]);
        assert.deepEqual(splitLines(""), []);
    });

    it("reviews a small file as one unit, lines numbered from 1", () => {
        const units = textUnits("a.ts", "let a = 1;\nlet b = 2;\n", 1000);
        assert.equal(units.length, 1);
        assert.equal(units[0]!.content, "1 | let a = 1;\n2 | let b = 2;");
        assert.deepEqual(units[0]!.excerpts, [{startLine: 1, lines: ["let a = 1;", "let b = 2;"]}]);
        assert.equal(units[0]!.kind, "file");
    });

    it("cuts a large file into parts within the budget, preferably after a blank line", () => {
        const blocks = Array.from({length: 12}, (_, block) => [`function f${block}() {`, `    return ${block} * 2 + offset(${block});`, "}", ""].join("\n"));
        const text = blocks.join("\n");
        const units = textUnits("big.ts", text, 60);
        assert.ok(units.length > 2);
        let next = 1;
        for (const unit of units) {
            assert.ok(estimateTokens(unit.content) <= 60, `part ${unit.part.index}: ${estimateTokens(unit.content)} tokens`);
            assert.equal(unit.excerpts.length, 1);
            assert.equal(unit.excerpts[0]!.startLine, next, "parts follow each other without gaps or overlap");
            next += unit.excerpts[0]!.lines.length;
            if (unit.part.index < unit.part.count) assert.equal(unit.excerpts[0]!.lines.at(-1), "", "a part ends after a blank line");
        }
        assert.equal(next - 1, splitLines(text).length);
    });

    it("reviews a selection with the file's own line numbers", () => {
        const text = Array.from({length: 200}, (_, i) => `line ${i + 1}`).join("\n");
        const units = textUnits("s.ts", text, 1000, {kind: "selection", startLine: 98, endLine: 101});
        assert.equal(units[0]!.kind, "selection");
        assert.equal(units[0]!.content, " 98 | line 98\n 99 | line 99\n100 | line 100\n101 | line 101");
        assert.deepEqual(units[0]!.excerpts, [{startLine: 98, lines: ["line 98", "line 99", "line 100", "line 101"]}]);
    });

    it("has no units for an empty file or an empty range", () => {
        assert.deepEqual(textUnits("e.ts", "", 100), []);
        assert.deepEqual(textUnits("e.ts", "a\n", 100, {startLine: 5, endLine: 9}), []);
    });

    it("refuses a budget that is not positive", () => {
        assert.throws(() => textUnits("a.ts", "a\n", 0), RangeError);
    });
});
