import assert from "node:assert/strict";
import {
    cutAtStops, cutAtSuffixRepeat, dropBlank, dropIfRepeatsSuffix, dropPartialLastLine, keepWordIntact, limitLines,
    postProcess, restoreNeutralized, stopAtBlockEnd, stripThinking, trimLineSuffixOverlap, trimTrailingWhitespace, type CursorContext
} from "../../../src/completion/postProcess";

/** The cursor context of `source` at "|". */
function at(source: string): CursorContext {
    const offset = source.indexOf("|");
    const text = source.slice(0, offset) + source.slice(offset + 1);
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    const lineEnd = text.indexOf("\n", offset);
    return {linePrefix: text.slice(lineStart, offset), lineSuffix: text.slice(offset, lineEnd === -1 ? undefined : lineEnd), after: text.slice(offset)};
}

describe("postProcess", () => {
    describe("stripThinking", () => {
        it("drops a closed thought and what precedes it", () => {
            assert.equal(stripThinking("<think>\nlet me see\n</think>\n\nreturn 1;"), "return 1;");
            assert.equal(stripThinking("so the answer is\n</think>\nreturn 1;"), "return 1;");
        });
        it("drops an unclosed thought to the end", () => {
            assert.equal(stripThinking("return 1;<think>hmm"), "return 1;");
        });
        it("leaves text without tags alone", () => {
            assert.equal(stripThinking("a < b && c > d"), "a < b && c > d");
        });
    });

    it("restoreNeutralized removes the zero-width space prompts put into special-token text", () => {
        assert.equal(restoreNeutralized("x = '<\u200b|file_sep|>'"), "x = '<|file_sep|>'");
    });

    it("cutAtStops cuts at the earliest stop string", () => {
        assert.equal(cutAtStops("a()\n```\nmore", ["```"]), "a()\n");
        assert.equal(cutAtStops("a\nb", ["\n", "b"]), "a");
        assert.equal(cutAtStops("abc", []), "abc");
    });

    it("dropPartialLastLine drops the unfinished line of a generation cut by a cap", () => {
        assert.equal(dropPartialLastLine("a();\nb(", true), "a();");
        assert.equal(dropPartialLastLine("a();\nb(", false), "a();\nb(");
        assert.equal(dropPartialLastLine("single(", true), "single(");
    });

    describe("dropIfRepeatsSuffix", () => {
        it("drops a suggestion that is the text after the cursor", () => {
            assert.equal(dropIfRepeatsSuffix("}", at("if (x) {\n    y();\n|\n}\n")), "");
            assert.equal(dropIfRepeatsSuffix("    return a;", at("function f() {\n|\n    return a;\n}")), "");
        });
        it("keeps new text", () => {
            assert.equal(dropIfRepeatsSuffix("y();", at("if (x) {\n    |\n}\n")), "y();");
        });
    });

    describe("cutAtSuffixRepeat", () => {
        it("stops where the suggestion starts writing the next lines of the file", () => {
            assert.equal(cutAtSuffixRepeat("y();\n}\n", at("if (x) {\n    |\n}\nafter();")), "y();");
            assert.equal(cutAtSuffixRepeat("a = 1;\nb = 2;\nreturn a + b;", at("function f() {\n    |\n    return a + b;\n}")), "a = 1;\nb = 2;");
        });
        it("keeps a suggestion that does not repeat the suffix", () => {
            assert.equal(cutAtSuffixRepeat("y();\nz();", at("if (x) {\n    |\n}\n")), "y();\nz();");
        });
    });

    describe("trimLineSuffixOverlap", () => {
        it("drops the closing characters the line already has", () => {
            assert.equal(trimLineSuffixOverlap("a, b)", at("foo(|)")), "a, b");
            assert.equal(trimLineSuffixOverlap("a, b);", at("foo(|);")), "a, b");
            assert.equal(trimLineSuffixOverlap("name\"", at("x = \"|\"")), "name");
        });
        it("drops the whole rest of the line when the suggestion ends with it", () => {
            assert.equal(trimLineSuffixOverlap("x > 0) {", at("if (|) {")), "x > 0");
        });
        it("keeps suggestions that end differently", () => {
            assert.equal(trimLineSuffixOverlap("a, b", at("foo(|)")), "a, b");
            assert.equal(trimLineSuffixOverlap("anything", at("x = |")), "anything");
        });
    });

    describe("stopAtBlockEnd", () => {
        it("stops before a line indented less than the cursor's line", () => {
            const ctx = at("function f() {\n    if (x) {\n        |\n    }\n}");
            assert.equal(stopAtBlockEnd("a();\n        b();\n    }\n}\nfunction g() {", ctx), "a();\n        b();");
        });
        it("keeps the closing line at the block's own indentation", () => {
            const ctx = at("    if (x) {|");
            assert.equal(stopAtBlockEnd("\n        a();\n    }\n}", ctx), "\n        a();\n    }");
        });
        it("counts a tab as tabSize columns", () => {
            const ctx = {...at("\t\t|"), tabSize: 4};
            assert.equal(stopAtBlockEnd("a();\n        b();\n    c();", ctx), "a();\n        b();");
        });
        it("ignores blank lines", () => {
            assert.equal(stopAtBlockEnd("a();\n\n    b();", at("    |")), "a();\n\n    b();");
        });
    });

    it("trimTrailingWhitespace trims every line and trailing blank lines", () => {
        assert.equal(trimTrailingWhitespace("a();   \n  b(); \n\n  \n"), "a();\n  b();");
        assert.equal(trimTrailingWhitespace("x "), "x");
    });

    it("dropBlank drops whitespace-only suggestions", () => {
        assert.equal(dropBlank("  \n\t "), "");
        assert.equal(dropBlank(""), "");
        assert.equal(dropBlank(" a"), " a");
    });

    describe("keepWordIntact", () => {
        it("offers nothing in the middle of a word", () => {
            assert.equal(keepWordIntact("bar", at("fo|o")), "");
            assert.equal(keepWordIntact("(", at("fo|o")), "");
        });
        it("before a word, only text that ends in a non-word character", () => {
            assert.equal(keepWordIntact("await ", at("x = |foo()")), "await ");
            assert.equal(keepWordIntact("this.", at("x = |foo()")), "this.");
            assert.equal(keepWordIntact("bar", at("x = |foo()")), "");
            assert.equal(keepWordIntact("a();\n", at("x = |foo()")), "");
        });
        it("anything when no word follows the cursor", () => {
            assert.equal(keepWordIntact("bar", at("foo|")), "bar");
            assert.equal(keepWordIntact("bar", at("foo|)")), "bar");
            assert.equal(keepWordIntact("bar\nbaz", at("foo|")), "bar\nbaz");
        });
        it("treats non-ASCII letters as word characters", () => {
            assert.equal(keepWordIntact("x", at("gr|ün")), "");
        });
    });

    it("limitLines keeps the first lines", () => {
        assert.equal(limitLines("a\nb\nc", 2), "a\nb");
        assert.equal(limitLines("a\nb", 2), "a\nb");
    });

    describe("the pipeline", () => {
        it("never lets thought text through, in any position", () => {
            for (const raw of ["<think>plan</think>x = 1;", "x = 1;\n<think>oops", "reasoning...</think>\nx = 1;"]) {
                const text = postProcess({raw, ctx: at("let |")});
                assert.ok(!text.includes("think"), raw);
            }
        });

        it("completes a block body and stops before the closing brace the file has", () => {
            const ctx = at("function add(a, b) {\n    |\n}\n\nfunction sub() {}");
            assert.equal(postProcess({raw: "return a + b;\n}\n\nfunction mul(a, b) {", ctx}), "return a + b;");
        });

        it("R1 output: cut at the fence, no trailing whitespace", () => {
            assert.equal(postProcess({raw: "a + b;   \n```\nExplanation: ...", ctx: at("return |"), stops: ["```"]}), "a + b;");
        });

        it("returns empty for whitespace or a repeat of the suffix", () => {
            assert.equal(postProcess({raw: "   \n  ", ctx: at("x|")}), "");
            assert.equal(postProcess({raw: "}", ctx: at("{\n|\n}")}), "");
        });
    });
});
