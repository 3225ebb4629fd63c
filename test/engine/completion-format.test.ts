// Completions in the format each model was trained on, from the host's prompt builder through the
// real worker: the R1-shaped scripted model (R1-Distill-Qwen's tokens and template, FIM tokens
// included) gets the R1 prompt; the Qwen2.5-Coder-shaped one gets repository-level FIM, whose tokens
// are compared character for character with Qwen's documented layout.
import assert from "node:assert/strict";
import type {Llama, LlamaModel} from "node-llama-cpp";
import {buildPrompt} from "../../src/completion/promptBuilder";
import type {CompletionModelCaps, ContextChunk, DocumentSnapshot} from "../../src/completion/types";
import type {CompleteParams} from "../../src/engine/protocol";
import {completionPrompt} from "../../src/engine/worker/completionPrompt";
import {coderScriptedModel, scriptedModel} from "../models/scripted";
import {useLoadedClient} from "./harness";

/** A fixed workspace "shop": two other files, and checkout.ts with the cursor on an empty line of a body. */
const workspace = {name: "shop", uri: "file:///home/dev/shop"};
const others: ContextChunk[] = [
    {uri: "file:///home/dev/shop/src/money.ts", text: "export function cents(amount: number): number {\n    return Math.round(amount * 100);\n}\n"},
    {uri: "file:///home/dev/shop/src/cart/item.ts", text: "export interface Item {\n    price: number;\n}\n"}
];
const checkout = "import {cents} from \"./money\";\n\nexport function total(items: Item[]): number {\n    \n}\n";

function at(text: string, cursor: number): DocumentSnapshot {
    return {uri: "file:///home/dev/shop/src/checkout.ts", languageId: "typescript", text, offset: cursor, version: 1, workspace};
}

const emptyLine = at(checkout, checkout.indexOf("    \n}") + 4);
const typed = checkout.replace("    \n}", "    return \n}");
const midLine = at(typed, typed.indexOf("return ") + "return ".length);

function build(doc: DocumentSnapshot, chunks: readonly ContextChunk[], caps: CompletionModelCaps): CompleteParams {
    const prompt = buildPrompt(doc, chunks, caps, {maxTokens: 32});
    assert.ok(prompt, "a prompt was built");
    return prompt.params;
}

describe("completion formats", function () {
    this.timeout(90_000);

    describe("an R1 distill alone (the R1-shaped scripted model)", () => {
        const loaded = useLoadedClient(async () => ({modelPath: await scriptedModel()}));

        it("is reported as r1, and its completions are an R1 chat turn answered after the prefilled code fence", async () => {
            const info = await loaded().info();
            assert.ok(info);
            assert.equal(info.completionFormat, "r1");
            assert.match(info.completionFormatReason, /reasoning chat model.*FIM tokens/s);
            const params = build(emptyLine, others, {format: info.completionFormat, thinks: info.thinks, contextSize: info.contextSize});
            assert.equal(params.suffix, undefined);
            assert.ok(params.prefix.startsWith("<｜begin▁of▁sentence｜><｜User｜>Complete the typescript code in `src/checkout.ts`"));
            assert.ok(params.prefix.endsWith("<｜Assistant｜><think>\n\n</think>\n\n```typescript\n" + checkout.slice(0, emptyLine.offset)));
            const result = await loaded().complete(params);
            assert.equal(result.mode, "completion");
            // The scripted completion follows ordinary text; after <|fim_middle|> it would have been the infill.
            assert.equal(result.text, "console.log(42);\n}");
        });

        it("refuses a repository part, which only a repoFim model takes, with a sentence", async () => {
            await assert.rejects(
                loaded().complete({prefix: "x", repository: {name: "shop", files: [], path: "a.ts"}}),
                /completion format is "r1": a repository part is only for "repoFim" models/
            );
        });
    });

    describe("a Qwen2.5-Coder-shaped model", () => {
        const loaded = useLoadedClient(async () => ({modelPath: await coderScriptedModel()}));

        it("is reported as repoFim, does not think, and fills in the middle right after <|fim_middle|>", async () => {
            const info = await loaded().info();
            assert.ok(info);
            assert.equal(info.completionFormat, "repoFim");
            assert.equal(info.thinks, false, "its ChatML template has no <think>");
            const caps: CompletionModelCaps = {format: info.completionFormat, thinks: info.thinks, contextSize: info.contextSize};
            const result = await loaded().complete(build(emptyLine, others, caps));
            assert.deepEqual({mode: result.mode, text: result.text}, {mode: "infill", text: "return a - b;"});

            // A keystroke on the line re-evaluates only the middle: the repository part and the file stay cached.
            const before = checkout.replace("    \n}", "    return\n}");
            const first = await loaded().complete(build(at(before, before.indexOf("return") + "return".length), others, caps));
            const next = await loaded().complete(build(midLine, others, caps));
            assert.ok(next.reusedTokens >= next.promptTokens - 3, `${next.reusedTokens} of ${next.promptTokens} reused (first: ${first.promptTokens})`);
        });

        it("refuses a repository part without a suffix rather than dropping it", async () => {
            await assert.rejects(
                loaded().complete({prefix: "x", repository: {name: "shop", files: [], path: "a.ts"}}),
                /A repository part comes with a suffix/
            );
        });
    });
});

describe("repository-level FIM prompt fidelity", function () {
    this.timeout(60_000);
    let llama: Llama;
    let model: LlamaModel;

    before(async () => {
        const nlc = await import("node-llama-cpp");
        llama = await nlc.getLlama({gpu: false, build: "never", logLevel: nlc.LlamaLogLevel.error});
        model = await llama.loadModel({modelPath: await coderScriptedModel()});
    });
    after(async () => {
        await model?.dispose();
        await llama?.dispose();
    });

    /** The worker's tokens for the host's request, as text (special tokens as their text). */
    const rendered = (doc: DocumentSnapshot): string =>
        model.detokenize(completionPrompt(model, build(doc, others, {format: "repoFim", thinks: false, contextSize: 8192}), "repoFim", 8192).tokens, true);

    it("equals Qwen2.5-Coder's documented layout, character for character", () => {
        // Written out from QwenLM/Qwen2.5-Coder's repository-level example: <|repo_name|>name, then each
        // file as <|file_sep|>path\ncontent\n, the current file's path, then the FIM part. No BOS.
        const reference =
            "<|repo_name|>shop\n" +
            "<|file_sep|>src/money.ts\n" +
            "export function cents(amount: number): number {\n" +
            "    return Math.round(amount * 100);\n" +
            "}\n" +
            "\n" +
            "<|file_sep|>src/cart/item.ts\n" +
            "export interface Item {\n" +
            "    price: number;\n" +
            "}\n" +
            "\n" +
            "<|file_sep|>src/checkout.ts\n" +
            "<|fim_prefix|>import {cents} from \"./money\";\n" +
            "\n" +
            "export function total(items: Item[]): number {\n" +
            "    <|fim_suffix|>\n" +
            "}\n" +
            "<|fim_middle|>";
        assert.equal(rendered(emptyLine), reference);
        // Mid-line, the typed part of the line goes after <|fim_middle|> (ours, for the KV cache), the rest is the same.
        assert.equal(rendered(midLine), reference + "return ");
    });

    it("an overlong prompt loses the other files first, never the current file's header or prefix", () => {
        const many: ContextChunk[] = Array.from({length: 40}, (_, i) => ({uri: `file:///home/dev/shop/src/m${i}.ts`, text: `export const m${i} = ${"1 + ".repeat(40)}1;\n`}));
        const params = build(emptyLine, many, {format: "repoFim", thinks: false, contextSize: 32_768});
        const prompt = completionPrompt(model, params, "repoFim", 1024);
        assert.ok(prompt.cut > 0 && prompt.cut % 256 === 0, `cut ${prompt.cut}`);
        const text = model.detokenize(prompt.tokens, true);
        assert.ok(text.endsWith("<|file_sep|>src/checkout.ts\n<|fim_prefix|>" + checkout.slice(0, emptyLine.offset) + "<|fim_suffix|>\n}\n<|fim_middle|>"), "the current file is whole");
        assert.ok(text.includes("src/m39.ts"), "the newest files, nearest the current one, are kept");
    });
});
