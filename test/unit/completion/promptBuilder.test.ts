import assert from "node:assert/strict";
import {buildPrompt, type BuiltPrompt, type PromptOptions} from "../../../src/completion/promptBuilder";
import {defaultBudgets} from "../../../src/completion/promptBudgets";
import {estimateTokens} from "../../../src/completion/tokenBudget";
import type {CompletionModelCaps, ContextChunk, DocumentSnapshot} from "../../../src/completion/types";

const fimCaps: CompletionModelCaps = {format: "repoFim", thinks: false, contextSize: 8192};
const fimPlainCaps: CompletionModelCaps = {format: "fim", thinks: false, contextSize: 8192};
const r1Caps: CompletionModelCaps = {format: "r1", thinks: true, contextSize: 8192};
const plainCaps: CompletionModelCaps = {format: "plain", thinks: false, contextSize: 8192};
const workspace = {name: "work", uri: "file:///work"};
const options: PromptOptions = {maxTokens: 64};

/** A realistic TypeScript file of about `functions` × 10 lines. */
function sourceFile(functions: number): string {
    const parts: string[] = [];
    for (let i = 0; i < functions; i++) {
        parts.push(
            `/** Computes the ${i}th value from the inputs. */`,
            `export function compute${i}(input: number[], scale = ${i}): number {`,
            `    let total = 0;`,
            `    for (const value of input) {`,
            `        total += value * scale;`,
            `    }`,
            `    return total / Math.max(1, input.length);`,
            `}`,
            ``
        );
    }
    return parts.join("\n");
}

function snapshot(text: string, offset: number, uri = "file:///work/src/app.ts", version = 1): DocumentSnapshot {
    return {uri, languageId: "typescript", text, offset, version, workspace};
}

function commonPrefixLength(a: string, b: string): number {
    const max = Math.min(a.length, b.length);
    let i = 0;
    while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
    return i;
}

/** What a prompt shows before the cursor: its prefix, then (FIM) the middle that starts the answer. */
function beforeCursor(prompt: BuiltPrompt): string {
    return prompt.params.prefix + (prompt.params.middle ?? "");
}

function must(prompt: BuiltPrompt | undefined): BuiltPrompt {
    assert.ok(prompt, "a prompt was built");
    return prompt;
}

const chunks: ContextChunk[] = [
    {uri: "file:///work/src/util/math.ts", text: "export function clamp(x: number, lo: number, hi: number): number {\n    return Math.min(hi, Math.max(lo, x));\n}\n"},
    {uri: "file:///work/src/util/format.ts", text: "export function pad(text: string, width: number): string {\n    return text.padStart(width);\n}\n"}
];

describe("promptBuilder", () => {
    it("uses the format it is given (the worker's), whatever the file is called", () => {
        const doc = snapshot(sourceFile(3), 100, "file:///work/deepseek-coder-fim.ts");
        assert.equal(must(buildPrompt(doc, [], fimCaps, options)).format, "repoFim");
        assert.equal(must(buildPrompt(doc, [], fimPlainCaps, options)).format, "fim");
        assert.equal(must(buildPrompt(doc, [], r1Caps, options)).format, "r1");
        assert.equal(must(buildPrompt(doc, [], plainCaps, options)).format, "plain");
    });

    it("at the very start of a file that opens with a blank line, nothing after the cursor goes into the prefix", () => {
        for (const caps of [fimCaps, fimPlainCaps]) {
            const text = "\nexport const answer = 42;\n";
            const prompt = must(buildPrompt(snapshot(text, 0), [], caps, options));
            assert.equal(beforeCursor(prompt), "", "nothing is before the cursor");
            assert.equal(prompt.params.suffix, text.slice(0, prompt.suffixEnd), "the suffix starts at the cursor, with the line break");
            assert.ok(prompt.params.suffix.startsWith("\nexport"));
        }
    });

    describe("repoFim format", () => {
        it("sends the file around the cursor as prefix and suffix, and the other files in the repository part", () => {
            const text = sourceFile(3);
            const offset = text.indexOf("let total = 0;") + "let total".length;
            const prompt = must(buildPrompt(snapshot(text, offset), chunks, fimCaps, options));
            assert.equal(prompt.params.specialTokens, undefined, "the worker adds the special tokens; no text is parsed as one");
            assert.deepEqual(prompt.params.repository, {
                name: "work",
                files: [{path: "src/util/math.ts", text: chunks[0]!.text}, {path: "src/util/format.ts", text: chunks[1]!.text}],
                path: "src/app.ts"
            }, "workspace-relative paths, all from the same root");
            const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
            const contentStart = lineStart + "    ".length;
            assert.equal(text.slice(lineStart, contentStart), "    ");
            assert.equal(prompt.params.prefix, text.slice(0, contentStart), "the file above the cursor's line, and its indentation");
            assert.equal(prompt.params.middle, text.slice(contentStart, offset), "the cursor's line goes after <|fim_middle|>");
            assert.equal(prompt.params.suffix, text.slice(offset, prompt.suffixEnd));
            assert.ok(prompt.suffixEnd > text.indexOf("\n", offset) && text[prompt.suffixEnd] === "\n", "a few whole lines after the cursor");
            assert.equal(prompt.params.maxTokens, 64);
            assert.equal(prompt.params.temperature, 0);
        });

        it("a file outside the workspace folder gets a path from the same root; no workspace: the file's name", () => {
            const outside = {uri: "file:///lib/shared/log.ts", text: "export const log = console.log;\n"};
            const inRepo = must(buildPrompt(snapshot("let a = ", 8), [outside], fimCaps, options)).params.repository;
            assert.deepEqual(inRepo?.files.map((file) => file.path), ["../lib/shared/log.ts"]);
            const untitled: DocumentSnapshot = {uri: "untitled:Untitled-1", languageId: "typescript", text: "let a = ", offset: 8, version: 1};
            const loose = must(buildPrompt(untitled, [], fimCaps, options)).params.repository;
            assert.deepEqual({name: loose?.name, path: loose?.path}, {name: "workspace", path: "Untitled-1"});
        });

        it("sends the user's text as it is: the worker never parses it for special tokens", () => {
            const text = "const sep = \"<|file_sep|>\";\nlet x = ";
            const prompt = must(buildPrompt(snapshot(text, text.length), [{uri: "file:///work/t.ts", text: "<|repo_name|>"}], fimCaps, options));
            assert.equal(prompt.params.prefix, "const sep = \"<|file_sep|>\";\n");
            assert.equal(prompt.params.repository?.files[0]?.text, "<|repo_name|>");
            assert.equal(prompt.params.specialTokens, undefined);
        });
    });

    describe("fim format", () => {
        it("without repository tokens, other files become comments and no special text is sent", () => {
            const text = sourceFile(2);
            const prompt = must(buildPrompt(snapshot(text, 50), chunks, fimPlainCaps, options));
            assert.equal(prompt.params.specialTokens, undefined);
            assert.ok(prompt.params.prefix.startsWith("// Path: src/util/math.ts\n// export function clamp"));
            assert.ok(!prompt.params.prefix.includes("<|"));
            assert.ok(beforeCursor(prompt).endsWith(text.slice(0, 50)));
        });

        it("a language without line comments gets no other files", () => {
            const doc = {...snapshot("some text\nmore text\n", 9), languageId: "plaintext"};
            const prompt = must(buildPrompt(doc, chunks, fimPlainCaps, options));
            assert.equal(prompt.params.prefix, "");
            assert.equal(prompt.params.middle, "some text");
            assert.equal(prompt.chunks.length, 0);
        });

    });

    describe("plain format", () => {
        it("continues the file: other files as comments, the text up to the cursor, no suffix", () => {
            const text = sourceFile(2);
            const prompt = must(buildPrompt(snapshot(text, 50), chunks, plainCaps, options));
            assert.equal(prompt.params.suffix, undefined);
            assert.equal(prompt.params.middle, undefined);
            assert.equal(prompt.params.repository, undefined);
            assert.ok(prompt.params.prefix.startsWith("// Path: src/util/math.ts\n// export function clamp"));
            assert.ok(prompt.params.prefix.endsWith(text.slice(0, 50)));
        });
    });

    describe("R1 mode", () => {
        it("prefills the answer with an empty thought and an open fence holding the file so far", () => {
            const text = sourceFile(3);
            const offset = text.indexOf("total += value") + "total += ".length;
            const prompt = must(buildPrompt(snapshot(text, offset), chunks, r1Caps, options));
            const {prefix, suffix, stop, specialTokens} = prompt.params;
            assert.equal(suffix, undefined, "plain continuation, not infill");
            assert.equal(specialTokens, true);
            assert.deepEqual(stop, ["```"]);
            assert.ok(prefix.startsWith("<｜begin▁of▁sentence｜><｜User｜>"), "DeepSeek's template (the engine never doubles BOS)");
            assert.ok(prefix.endsWith("<｜Assistant｜><think>\n\n</think>\n\n```typescript\n" + text.slice(0, offset)));
            const user = prefix.slice(0, prefix.indexOf("<｜Assistant｜>"));
            assert.ok(user.includes("`src/util/math.ts`") && user.includes("clamp"), "other files in the user turn, workspace-relative");
            assert.ok(user.includes("`src/app.ts`"), "the current file, from the same root");
            assert.ok(user.includes(text.slice(offset, offset + 40)), "the code after the cursor in the user turn");
            assert.ok(user.indexOf("clamp") < user.indexOf("code after the cursor"), "other files before the suffix");
        });

        it("skips the think block for a model that does not think, and BOS when told to", () => {
            const prompt = must(buildPrompt(snapshot("let a = ", 8), [], {...r1Caps, thinks: false}, {...options, bos: false}));
            assert.ok(prompt.params.prefix.startsWith("<｜User｜>"));
            assert.ok(prompt.params.prefix.endsWith("<｜Assistant｜>```typescript\nlet a = "));
            assert.ok(!prompt.params.prefix.includes("<think>"));
        });

        it("uses another fence when the file has ``` near the cursor", () => {
            const text = "# Title\n\n```js\nlet a = 1;\n```\n\nMore ";
            const prompt = must(buildPrompt({...snapshot(text, text.length), languageId: "markdown"}, [], r1Caps, options));
            assert.deepEqual(prompt.params.stop, ["~~~~~"]);
        });
    });

    it("a single-line request stops at the line's end", () => {
        const text = "foo(a, );\n";
        for (const caps of [fimCaps, r1Caps]) {
            const prompt = must(buildPrompt(snapshot(text, 7), [], caps, {...options, singleLine: true}));
            assert.ok(prompt.params.stop?.includes("\n"));
        }
    });

    describe("budgets", () => {
        const text = sourceFile(200);
        const offset = text.indexOf("export function compute120(");
        const manyChunks: ContextChunk[] = Array.from({length: 12}, (_, i) => ({uri: `file:///lib/mod${i}.ts`, text: sourceFile(2).replaceAll("compute", `mod${i}_`)}));

        for (const caps of [fimCaps, fimPlainCaps, r1Caps]) {
            for (const contextSize of [512, 1024, 2048, 4096, 32_768]) {
                it(`${caps.format}, context ${contextSize}: the prompt and the answer fit`, () => {
                    const prompt = must(buildPrompt(snapshot(text, offset), manyChunks, {...caps, contextSize}, {...options, timeCapMs: 500}));
                    assert.ok(prompt.estimatedTokens + 64 <= contextSize, `${prompt.estimatedTokens} + 64 > ${contextSize}`);
                    assert.ok(prompt.estimatedTokens <= contextSize * 0.9, "leaves node-llama-cpp's context-shift reserve");
                    const budgets = defaultBudgets[prompt.format];
                    assert.ok(estimateTokens(text, prompt.prefixStart, offset) <= budgets.prefixTokens);
                    assert.ok(estimateTokens(text, offset, prompt.suffixEnd) <= budgets.suffixTokens);
                    if (contextSize >= 4096) assert.ok(estimateTokens(text, offset, prompt.suffixEnd) > budgets.suffixTokens / 2, "fills the suffix budget");
                    assert.ok(prompt.prefixStart === 0 || text[prompt.prefixStart - 1] === "\n", "prefix starts at a line start");
                    assert.ok(prompt.suffixEnd === text.length || text[prompt.suffixEnd] === "\n", "suffix ends at a line end");
                    assert.equal(prompt.params.timeCapMs, 500);
                });
            }
        }

        it("uses the budgets it is given", () => {
            const budgets = {prefixTokens: 300, suffixTokens: 100, contextTokens: 700};
            const prompt = must(buildPrompt(snapshot(text, offset), manyChunks, fimCaps, {...options, budgets}));
            assert.ok(estimateTokens(text, prompt.prefixStart, offset) <= 300);
            assert.ok(estimateTokens(text, offset, prompt.suffixEnd) <= 100);
            assert.ok(estimateTokens(text, prompt.prefixStart, offset) > 200, "fills the budget");
            const chunkTokens = (prompt.params.repository?.files ?? []).reduce((sum, file) => sum + estimateTokens(`<|file_sep|>${file.path}\n${file.text}\n`), 0);
            assert.ok(chunkTokens <= 700, `${chunkTokens} chunk tokens`);
            assert.ok(prompt.chunks.length >= 1 && prompt.chunks.length < manyChunks.length, `${prompt.chunks.length} chunks`);
        });

        it("returns undefined when the context cannot hold a useful prompt", () => {
            assert.equal(buildPrompt(snapshot(text, offset), [], {...fimCaps, contextSize: 64}, options), undefined);
            assert.equal(buildPrompt(snapshot(text, offset), [], {...r1Caps, contextSize: 128}, options), undefined);
        });
    });

    describe("stable prefix", () => {
        for (const caps of [fimCaps, r1Caps]) {
            it(`${caps.format}: consecutive keystrokes share everything but the cursor's line`, () => {
                let text = sourceFile(170); // ~1500 lines
                let offset = text.indexOf("export function compute150(");
                const typed = "export function average(values: number[]): number {\n    return values.reduce((a, b) => a + b, 0) / values.length;\n}\n";
                let previous = must(buildPrompt(snapshot(text, offset), chunks, caps, options)).params.prefix;
                let windowMoves = 0;
                for (const ch of typed) {
                    text = text.slice(0, offset) + ch + text.slice(offset);
                    offset++;
                    const prompt = must(buildPrompt(snapshot(text, offset), chunks, caps, options));
                    const current = prompt.params.prefix;
                    const shared = commonPrefixLength(previous, current);
                    const previousCursorLine = previous.lastIndexOf("\n", previous.length - 2) + 1;
                    if (shared < previousCursorLine) windowMoves++;
                    else assert.ok(shared >= previousCursorLine, "diverges only on the cursor's line");
                    assert.deepEqual(prompt.chunks, chunks, "same chunks, same order");
                    assert.ok(prompt.prefixStart > 0, "the file is larger than the window (the cut is exercised)");
                    previous = current;
                }
                // The prefix window's start is quantized: it moves rarely, not on every keystroke.
                assert.ok(windowMoves <= 1, `the window moved ${windowMoves} times in ${typed.length} keystrokes`);
            });
        }

        it("an anchored window start moves less often than a quantized one while typing many lines, and always fits", function () {
            this.timeout(20_000);
            const typed = "    const value = compute(index) * 2 + offset;\n".repeat(60);
            const moves = (anchored: boolean): number => {
                let text = sourceFile(170);
                let offset = text.indexOf("export function compute150(");
                let anchor: number | undefined;
                let start: number | undefined;
                let count = 0;
                for (const ch of typed) {
                    text = text.slice(0, offset) + ch + text.slice(offset);
                    offset++;
                    const prompt = must(buildPrompt(snapshot(text, offset), [], fimCaps, {...options, ...(anchored && anchor != null ? {prefixAnchor: anchor} : {})}));
                    assert.ok(prompt.estimatedTokens <= fimCaps.contextSize);
                    assert.ok(prompt.prefixStart === 0 || text[prompt.prefixStart - 1] === "\n", "the window starts at a line start");
                    if (start !== undefined && prompt.prefixStart !== start) count++;
                    start = prompt.prefixStart;
                    anchor = prompt.prefixStart;
                }
                return count;
            };
            const anchored = moves(true);
            const quantized = moves(false);
            assert.ok(anchored >= 1, "the window did have to move");
            assert.ok(anchored < quantized, `anchored moved ${anchored} times, quantized ${quantized}`);
        });

        it("an anchor that no longer sits at a line start, or lies after the cursor, is not used", () => {
            const text = sourceFile(20);
            const offset = text.indexOf("return total");
            const free = must(buildPrompt(snapshot(text, offset), [], fimCaps, options)).prefixStart;
            for (const anchor of [text.indexOf("let total") + 2, offset + 10, -3])
                assert.equal(must(buildPrompt(snapshot(text, offset), [], fimCaps, {...options, prefixAnchor: anchor})).prefixStart, free);
        });

        it("FIM: typing within a line changes only the middle; prefix and suffix stay the same", () => {
            let text = sourceFile(40);
            let offset = text.indexOf("let total = 0;") + "let total = 0;".length;
            text = text.slice(0, offset) + "\n    " + text.slice(offset);
            offset += 5;
            const first = must(buildPrompt(snapshot(text, offset), chunks, fimCaps, options)).params;
            for (const ch of "const count = values.length;") {
                text = text.slice(0, offset) + ch + text.slice(offset);
                offset++;
                const params = must(buildPrompt(snapshot(text, offset), chunks, fimCaps, options)).params;
                assert.equal(params.prefix, first.prefix);
                assert.equal(params.suffix, first.suffix);
                assert.equal(params.middle, text.slice(text.lastIndexOf("\n", offset - 1) + 1 + 4, offset), "the line after its indentation");
            }
        });

        it("FIM: with the middle kept, new lines go into the middle too; prefix and suffix stay until it grows long", () => {
            let text = sourceFile(40);
            let offset = text.indexOf("let total = 0;") + "let total = 0;".length;
            text = text.slice(0, offset) + "\n    " + text.slice(offset);
            offset += 5;
            const first = must(buildPrompt(snapshot(text, offset), chunks, fimCaps, options));
            let anchor = first.middleStart;
            let start = first.prefixStart;
            let previous = first;
            let resets = 0;
            const typed = "const count = values.length;\n    let sum = 0;\n    for (const v of values) sum += v;\n    ".repeat(12);
            for (const ch of typed) {
                text = text.slice(0, offset) + ch + text.slice(offset);
                offset++;
                const prompt = must(buildPrompt(snapshot(text, offset), chunks, fimCaps, {...options, middleAnchor: anchor, prefixAnchor: start}));
                assert.equal(beforeCursor(prompt).slice(-40), text.slice(offset - 40, offset).slice(-40));
                if (prompt.middleStart !== anchor || prompt.prefixStart !== start) {
                    resets++;
                    assert.ok(prompt.middleStart > anchor, "a new middle starts at the cursor's line");
                } else {
                    assert.equal(prompt.params.prefix, previous.params.prefix, "the prefix does not change while the middle is kept");
                    assert.equal(prompt.params.suffix, previous.params.suffix);
                }
                anchor = prompt.middleStart;
                start = prompt.prefixStart;
                previous = prompt;
            }
            assert.ok(resets >= 1 && resets <= 6, `the middle started again ${resets} times over ${typed.split("\n").length} lines`);
        });

        it("R1: the code after the cursor is in the stable part", () => {
            const text = sourceFile(20);
            const offset = text.indexOf("return total") + "return ".length;
            const before = must(buildPrompt(snapshot(text, offset), [], r1Caps, options)).params.prefix;
            const typedText = text.slice(0, offset) + "t" + text.slice(offset);
            const after = must(buildPrompt(snapshot(typedText, offset + 1), [], r1Caps, options)).params.prefix;
            const shared = commonPrefixLength(before, after);
            assert.ok(before.slice(0, shared).includes(text.slice(offset, offset + 200)));
        });
    });

    describe("context chunks", () => {
        it("leaves out chunks of the current file that the prompt shows already, keeps far ones", () => {
            const text = sourceFile(300);
            const offset = text.indexOf("export function compute250(");
            const near = {uri: "file:///work/src/app.ts", text: text.slice(text.indexOf("export function compute245("), text.indexOf("export function compute248("))};
            const far = {uri: "file:///work/src/app.ts", text: text.slice(text.indexOf("export function compute10("), text.indexOf("export function compute12("))};
            const prompt = must(buildPrompt(snapshot(text, offset), [far, near, ...chunks], fimCaps, options));
            assert.deepEqual(prompt.chunks, [far, ...chunks]);
        });

        it("prefers the newest chunks when they do not all fit, in ring order", () => {
            const big = Array.from({length: 6}, (_, i) => ({uri: `file:///m${i}.ts`, text: sourceFile(3).replaceAll("compute", `m${i}_`)}));
            const prompt = must(buildPrompt(snapshot("let a = ", 8), big, fimCaps, {...options, budgets: {contextTokens: 600}}));
            const uris = prompt.chunks.map((chunk) => chunk.uri);
            assert.ok(uris.length >= 1 && uris.length < 6);
            assert.deepEqual(uris, big.slice(6 - uris.length).map((chunk) => chunk.uri));
        });
    });

    describe("bad input", () => {
        it("a huge file gives a bounded prompt quickly", () => {
            const text = sourceFile(100_000); // ~900k lines, ~30 MB
            const started = performance.now();
            const prompt = must(buildPrompt(snapshot(text, Math.floor(text.length / 2)), chunks, fimCaps, options));
            assert.ok(performance.now() - started < 200, `${performance.now() - started} ms`);
            assert.ok(prompt.estimatedTokens < fimCaps.contextSize);
        });

        it("a minified one-line file gives a bounded prompt", () => {
            const text = "var a=function(b){return b*2};".repeat(100_000);
            for (const caps of [fimCaps, r1Caps]) {
                const prompt = must(buildPrompt(snapshot(text, 1_500_000, "file:///min.js"), [], caps, options));
                assert.ok(prompt.estimatedTokens < caps.contextSize);
                assert.ok(beforeCursor(prompt).endsWith(text.slice(1_500_000 - 50, 1_500_000)));
            }
        });

        it("an out-of-range cursor is clamped, never a throw", () => {
            assert.ok(buildPrompt(snapshot("abc", 99), [], fimCaps, options));
            assert.ok(buildPrompt(snapshot("abc", -5), [], r1Caps, options));
        });
    });
});
