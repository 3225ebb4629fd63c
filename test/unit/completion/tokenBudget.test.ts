import assert from "node:assert/strict";
import {endForBudget, estimateTokens, keepEnd, keepStart, startForBudget} from "../../../src/completion/tokenBudget";

/** Real Qwen2.5 token counts of these lines are 14–17; the estimate must not be lower. */
const typicalCode = [
    `    const result = await fetch(url, {method: "GET"});`,
    `    for item in items:`,
    `function getElementById(id: string): HTMLElement | null {`,
    `a.b=function(c){return c&&c.d?e(c):f}`
];

function lines(count: number, width = 40): string {
    return Array.from({length: count}, (_, i) => `    let value${i} = compute(${i}, "${"x".repeat(width % 7)}");`).join("\n");
}

describe("tokenBudget", () => {
    describe("estimateTokens", () => {
        it("charges typical code at most about 3 characters per token (pessimistic vs. Qwen's 3–4 bytes)", () => {
            for (const line of typicalCode) {
                const estimate = estimateTokens(line);
                assert.ok(line.length / estimate <= 3, `${line}: ${line.length} chars → ${estimate} tokens`);
                assert.ok(line.length / estimate >= 1.2, `${line}: not absurdly pessimistic (${estimate})`);
            }
        });

        it("never charges less than one token per UTF-8 byte's worth for non-ASCII text", () => {
            assert.equal(estimateTokens("日本語"), 9);
            assert.equal(estimateTokens("é"), 2);
            assert.equal(estimateTokens("😀"), 4);
        });

        it("charges digits one token each (Qwen splits numbers)", () => {
            assert.equal(estimateTokens("1234567890"), 10);
        });

        it("estimates a range the same as the slice on its own", () => {
            const text = "let a = b + c;\n  foo(bar)";
            for (let start = 0; start < text.length; start++) {
                for (let end = start; end <= text.length; end++) {
                    assert.equal(estimateTokens(text, start, end), estimateTokens(text.slice(start, end)), `${start}..${end}`);
                }
            }
        });

        it("is fast: a megabyte in well under a second", () => {
            const text = lines(20_000);
            const started = performance.now();
            estimateTokens(text);
            assert.ok(performance.now() - started < 1_000);
        });
    });

    describe("startForBudget", () => {
        it("keeps everything when it fits", () => {
            assert.equal(startForBudget("a\nb\nc", 5, 100), 0);
        });

        it("cuts at a line start and respects the budget", () => {
            const text = lines(200);
            for (const budget of [50, 300, 1_000]) {
                const start = startForBudget(text, text.length, budget);
                assert.ok(start === 0 || text[start - 1] === "\n", "starts at a line start");
                assert.ok(estimateTokens(text, start) <= budget, `within ${budget}`);
                // Not wastefully short: one more line would not fit.
                const previousLine = text.lastIndexOf("\n", start - 2) + 1;
                assert.ok(estimateTokens(text, previousLine) > budget - 1 || start === 0);
            }
        });

        it("cuts inside a line only when one line is longer than the budget (minified code)", () => {
            const minified = "x=1;".repeat(50_000);
            const start = startForBudget(minified, minified.length, 200);
            assert.ok(start > 0);
            assert.ok(estimateTokens(minified, start) <= 200);
            assert.ok(minified.length - start > 100);
        });

        it("never splits a surrogate pair", () => {
            const text = "😀".repeat(100);
            const start = startForBudget(text, text.length, 21);
            const code = text.charCodeAt(start);
            assert.ok(!(code >= 0xdc00 && code <= 0xdfff));
        });

        it("with a quantum, the start stays put while text is typed at the end", () => {
            let text = lines(400);
            const starts = new Set<number>();
            for (let i = 0; i < 60; i++) {
                text += "z";
                const start = startForBudget(text, text.length, 600, {quantum: 400});
                assert.ok(estimateTokens(text, start) <= 600);
                starts.add(start);
            }
            assert.ok(starts.size <= 2, `start moved ${starts.size - 1} times in 60 keystrokes`);
        });

        it("a quantum larger than the window does not empty it", () => {
            const text = "日本語のテキスト".repeat(200);
            const start = startForBudget(text, text.length, 60, {quantum: 768});
            assert.ok(text.length - start >= 5, `${text.length - start} characters kept`);
            assert.ok(estimateTokens(text, start) <= 60);
        });
    });

    describe("endForBudget", () => {
        it("ends at a line end within the budget", () => {
            const text = lines(200);
            for (const budget of [50, 300]) {
                const end = endForBudget(text, 0, budget);
                assert.ok(end === text.length || text[end] === "\n", "ends at a line end");
                assert.ok(estimateTokens(text, 0, end) <= budget);
            }
        });

        it("does not leave a carriage return at the end", () => {
            const text = "aaaa aaaa\r\nbbbb bbbb\r\ncccc cccc\r\n".repeat(20);
            const end = endForBudget(text, 0, 20);
            assert.notEqual(text[end - 1], "\r");
        });

        it("starting mid-line keeps the rest of that line when it fits", () => {
            const text = "foo(a, b);\nbar();\n" + lines(100);
            assert.ok(text.slice(4, endForBudget(text, 4, 20)).startsWith("a, b);\nbar();"));
        });
    });

    it("keepStart / keepEnd cut strings on line boundaries", () => {
        const text = "alpha beta\ngamma delta\nepsilon zeta\n";
        assert.equal(keepEnd(text, 7), "epsilon zeta\n");
        assert.equal(keepStart(text, 7), "alpha beta");
        assert.equal(keepEnd(text, 1_000), text);
    });
});
