// A tiny qwen2 model that follows a script, so engine and UI tests can assert exact output from the
// real node-llama-cpp pipeline.
//
// How: every attention and FFN output is zero, so the residual stream stays the current token's
// embedding and the next token depends only on the last token. Each token's embedding is a one-hot
// vector naming its successor's "class"; the output matrix maps each class to its successor with a
// logit of +64 and every other token to 0, so greedy decoding (and sampling at temperature 0.6) walks
// a fixed chain.
//
// Scripts repeat characters ("Hmm", "la la"), so a chain keyed on token text can't express them;
// instead each step of each script is its own token. llama.cpp aborts on duplicate token texts, so
// the steps are cut into chunks whose texts are unique in the vocabulary (e.g. "Hmm, ok." becomes
// "Hmm" + ", ok."). No merge produces these tokens, so tokenizing a prompt never yields them.
//
// Chains (anything not listed continues with the completion):
//   <｜Assistant｜> → <think> → thought… → </think> → answer… → <｜end▁of▁sentence｜>  (or filler forever)
//   <｜Assistant｜> → thought… (emitThinkOpen: false, like models whose template ends with "<think>\n")
//   <think> → thought…     </think> → answer…     (also when node-llama-cpp forces </think> for a budget)
//   "\n" → thought…  "\n\n" → answer…  (Enclave's prompt ends "<think>\n"; its closing ends "</think>\n\n")
//   <|fim_middle|> → infill… → EOS
//   any other token → completion… → EOS
import assert from "node:assert/strict";
import { cachedFile } from "./cache";
import { R1_DISTILL_QWEN_CHAT_TEMPLATE } from "./chat-template";
import { writeGguf } from "./gguf-writer";
import { constantF32, qwen2Metadata, qwen2Tensors } from "./qwen2";
import type { Qwen2Dims, TensorContent } from "./qwen2";
import { QWEN_CODER_TOKENIZER, VocabBuilder } from "./vocab";
import type { QwenCoderTokenName, Vocab } from "./vocab";

export interface ScriptedSpec {
    /** Thought text, between `<think>` and `</think>`. */
    readonly thought: string;
    /** Answer text after `</think>`. */
    readonly answer: string;
    /** Emit `<think>` after `<｜Assistant｜>`; when false the thought starts right away. */
    readonly emitThinkOpen: boolean;
    /** After the answer, repeat `filler` forever instead of ending (abort tests, long streams). */
    readonly answerLoop: boolean;
    /** What `answerLoop` repeats. */
    readonly filler: string;
    /** Emitted after `<|fim_middle|>`, then EOS. */
    readonly infill: string;
    /** Emitted after any other token (the end of ordinary prompt text), then EOS. */
    readonly completion: string;
    /** `qwen2.context_length`. */
    readonly contextLength: number;
    /** `tokenizer.chat_template`: R1-Distill-Qwen's current one, or `R1_DISTILL_QWEN_CHAT_TEMPLATE_ORIGINAL`; null: the file has none. */
    readonly chatTemplate: string | null;
}

export const SCRIPTED_DEFAULTS: ScriptedSpec = {
    thought: "Hmm, ok.",
    answer: "Hello!",
    emitThinkOpen: true,
    answerLoop: false,
    filler: " la",
    infill: "return a + b;",
    completion: "console.log(42);\n}",
    contextLength: 32768,
    chatTemplate: R1_DISTILL_QWEN_CHAT_TEMPLATE
};

/** The logit of the scripted next token; all others get 0. */
export const SCRIPT_LOGIT = 64;

export interface ScriptedPlan {
    readonly spec: ScriptedSpec;
    readonly vocab: Vocab;
    readonly dims: Qwen2Dims;
    /** Token ids of each script's steps, in order. */
    readonly steps: Readonly<Record<"thought" | "answer" | "infill" | "completion" | "filler", readonly number[]>>;
    /** Next token for a given last token. */
    next(token: number): number;
}

export async function scriptedModel(spec: Partial<ScriptedSpec> = {}): Promise<string> {
    const resolved: ScriptedSpec = { ...SCRIPTED_DEFAULTS, ...spec };
    return cachedFile("scripted", resolved, (tempPath) => writeScriptedModel(tempPath, resolved));
}

export async function writeScriptedModel(filePath: string, spec: ScriptedSpec): Promise<void> {
    await writeChainModel(filePath, planScriptedModel(spec), "DeepSeek R1 Distill Qwen (Enclave scripted test model)");
}

/** A chain model (either family) as a GGUF file: the plan's tokenizer, embeddings and output matrix. */
async function writeChainModel(filePath: string, plan: ChainModel & { readonly vocab: Pick<Vocab<string>, "metadata"> }, name: string): Promise<void> {
    const metadata = {
        ...qwen2Metadata(plan.dims, name, "f32"),
        ...plan.vocab.metadata()
    };
    await writeGguf(filePath, metadata, qwen2Tensors(plan.dims, (info) => {
        const count = info.dims.reduce((a, b) => a * b, 1);
        switch (info.role) {
            case "token_embd": return embeddings(plan);
            case "output": return outputMatrix(plan);
            case "attn_norm": case "ffn_norm": case "output_norm": return constantF32(count, 1);
            default: return constantF32(count, 0); // attention and FFN contribute nothing
        }
    }));
}

export function planScriptedModel(spec: ScriptedSpec): ScriptedPlan {
    const builder = new VocabBuilder();
    const claim = (text: string): number[] => cutIntoUniqueChunks(text, (raw) => builder.has(raw))
        .map((chunk) => builder.addNormal(chunk));
    const steps = {
        thought: claim(spec.thought),
        answer: claim(spec.answer),
        infill: claim(spec.infill),
        completion: claim(spec.completion),
        filler: spec.answerLoop ? claim(spec.filler) : []
    };
    if (spec.answerLoop && steps.filler.length === 0)
        throw new Error("answerLoop needs a non-empty filler");
    const vocab = builder.build({ chatTemplate: spec.chatTemplate });
    const { special } = vocab;

    const transitions = new Map<number, number>();
    const link = (from: number, chain: readonly number[], end: number): void => linkChain(transitions, from, chain, end);
    const afterAnswer = spec.answerLoop ? steps.filler[0]! : special.eos;
    link(special.endThink, steps.answer, afterAnswer);
    if (spec.answerLoop)
        link(steps.filler[0]!, steps.filler.slice(1), steps.filler[0]!); // loops back to its own start
    link(special.think, steps.thought, special.endThink);
    // R1's current template ends the prompt "<think>\n", and a closed thought ends "\n</think>\n\n":
    // like the real model, continue with the thought after a lone newline and with the answer
    // after a blank line. (So an ordinary prompt ending in exactly "\n" or "\n\n" gets them too.)
    transitions.set(newline(vocab), steps.thought[0] ?? special.endThink);
    transitions.set(blankLine(vocab), steps.answer[0] ?? afterAnswer);
    if (spec.emitThinkOpen)
        transitions.set(special.assistant, special.think);
    else
        transitions.set(special.assistant, steps.thought[0] ?? special.endThink);
    link(special.fimMiddle, steps.infill, special.eos);
    const defaultNext = steps.completion[0] ?? special.eos;
    if (steps.completion.length > 0)
        link(steps.completion[0]!, steps.completion.slice(1), special.eos);

    return { spec, vocab, steps, ...chainModel(transitions, defaultNext, vocab.tokens.length, spec.contextLength) };
}

/** What the weights of a chain model are built from: its dimensions and each token's successor. */
interface ChainModel {
    readonly dims: Qwen2Dims;
    next(token: number): number;
}

/** Adds from → chain[0] → … → chain[last] → end to `transitions` (from → end when the chain is empty). */
function linkChain(transitions: Map<number, number>, from: number, chain: readonly number[], end: number): void {
    let previous = from;
    for (const token of chain) {
        transitions.set(previous, token);
        previous = token;
    }
    transitions.set(previous, end);
}

/**
 * The chain model that follows `transitions` and continues with `defaultNext` after any other token:
 * one embedding dimension per distinct successor, rounded up to a multiple of 64.
 */
function chainModel(transitions: ReadonlyMap<number, number>, defaultNext: number, vocabSize: number, contextLength: number): ChainModel {
    const classCount = new Set([...transitions.values(), defaultNext]).size;
    const dims: Qwen2Dims = {
        layers: 2,
        embedding: 64 * Math.ceil(classCount / 64),
        heads: 4,
        kvHeads: 2,
        ffn: 64,
        vocab: vocabSize,
        contextLength,
        ropeTheta: 1e6,
        tiedOutput: false
    };
    return { dims, next: (token) => transitions.get(token) ?? defaultNext };
}

/** The byte token "\n" ("Ċ"), as ordinary text tokenizes a lone newline. */
export function newline(vocab: Vocab): number {
    return vocab.normalId("\n") ?? assert.fail("the vocabulary has no newline token");
}

/** The merged token "\n\n" ("ĊĊ"), as ordinary text tokenizes a blank line. */
export function blankLine(vocab: Vocab): number {
    return vocab.normalId("\n\n") ?? assert.fail("the vocabulary has no blank-line token");
}

/** Successor token → the embedding dimension that stands for it. */
function successorClasses(plan: ChainModel): Map<number, number> {
    const classes = new Map<number, number>();
    for (let token = 0; token < plan.dims.vocab; token++) {
        const successor = plan.next(token);
        if (!classes.has(successor))
            classes.set(successor, classes.size);
    }
    return classes;
}

function embeddings(plan: ChainModel): TensorContent {
    const { embedding, vocab } = plan.dims;
    const classes = successorClasses(plan);
    return {
        type: "f32",
        fill: async (sink) => {
            const rows = new Float32Array(embedding * vocab);
            for (let token = 0; token < vocab; token++)
                rows[token * embedding + classes.get(plan.next(token))!] = 1;
            await sink.f32(rows);
        }
    };
}

function outputMatrix(plan: ChainModel): TensorContent {
    const { embedding, vocab } = plan.dims;
    const classes = successorClasses(plan);
    // rms_norm turns the one-hot 1 into sqrt(embedding); scale so the logit is exactly SCRIPT_LOGIT.
    const weight = SCRIPT_LOGIT / Math.sqrt(embedding);
    return {
        type: "f32",
        fill: async (sink) => {
            const rows = new Float32Array(embedding * vocab);
            for (const [successor, dimension] of classes)
                rows[successor * embedding + dimension] = weight;
            await sink.f32(rows);
        }
    };
}

// A second scripted model, shaped like Qwen2.5-Coder: its added tokens (ChatML, FIM, `<|repo_name|>`,
// `<|file_sep|>`; no R1 tokens, no `<think>`), its ChatML chat template, no BOS prepended, EOS
// `<|endoftext|>`. It never thinks. Chains:
//   <|fim_middle|> → infill… → <|endoftext|>
//   any other token → completion… → <|endoftext|>

export interface CoderScriptedSpec {
    /** Emitted after `<|fim_middle|>`, then EOS. */
    readonly infill: string;
    /** Emitted after any other token, then EOS. */
    readonly completion: string;
    readonly contextLength: number;
}

export const CODER_SCRIPTED_DEFAULTS: CoderScriptedSpec = {
    infill: "return a - b;",
    completion: "print(1)",
    contextLength: 32768
};

export async function coderScriptedModel(spec: Partial<CoderScriptedSpec> = {}): Promise<string> {
    const resolved: CoderScriptedSpec = { ...CODER_SCRIPTED_DEFAULTS, ...spec };
    return cachedFile("scripted-coder", resolved, (tempPath) => writeCoderScriptedModel(tempPath, resolved));
}

export interface CoderScriptedPlan {
    readonly vocab: Vocab<QwenCoderTokenName>;
    readonly dims: Qwen2Dims;
    next(token: number): number;
}

export function planCoderScriptedModel(spec: CoderScriptedSpec): CoderScriptedPlan {
    const builder = new VocabBuilder();
    const claim = (text: string): number[] => cutIntoUniqueChunks(text, (raw) => builder.has(raw)).map((chunk) => builder.addNormal(chunk));
    const infill = claim(spec.infill);
    const completion = claim(spec.completion);
    const vocab = builder.build(QWEN_CODER_TOKENIZER);
    const eos = vocab.special.endOfText;
    const transitions = new Map<number, number>();
    linkChain(transitions, vocab.special.fimMiddle, infill, eos);
    const defaultNext = completion[0] ?? eos;
    if (completion.length > 0) linkChain(transitions, completion[0]!, completion.slice(1), eos);
    return { vocab, ...chainModel(transitions, defaultNext, vocab.tokens.length, spec.contextLength) };
}

export async function writeCoderScriptedModel(filePath: string, spec: CoderScriptedSpec): Promise<void> {
    await writeChainModel(filePath, planCoderScriptedModel(spec), "Qwen2.5 Coder (Enclave scripted test model)");
}

// Word-ish pieces, like the Qwen2 pre-tokenizer: contractions, letters, digits, punctuation runs, spaces.
const piecePattern = /'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Cuts `text` into chunks whose token texts are free (`isTaken` false) and distinct from each other.
 * Tries word-like pieces first, then single characters; a piece that's taken is joined to its neighbours.
 */
export function cutIntoUniqueChunks(text: string, isTaken: (raw: string) => boolean): string[] {
    if (text === "")
        return [];
    for (const units of [text.match(piecePattern) ?? [text], [...text]]) {
        const chunks = greedyChunks(units, isTaken);
        if (chunks != null)
            return chunks;
    }
    throw new Error(`Can't cut ${JSON.stringify(text)} into tokens that are unique in the vocabulary; make the scripts differ`);
}

function greedyChunks(units: readonly string[], isTaken: (raw: string) => boolean): string[] | undefined {
    const chunks: string[] = [];
    const used = new Set<string>();
    const isFree = (chunk: string) => !isTaken(chunk) && !used.has(chunk);
    const accept = (chunk: string) => {
        chunks.push(chunk);
        used.add(chunk);
    };
    let pending = "";
    for (const unit of units) {
        pending += unit;
        if (isFree(pending)) {
            accept(pending);
            pending = "";
        }
    }
    // A taken remainder joins the chunks before it until the result is free.
    while (pending !== "") {
        const previous = chunks.pop();
        if (previous == null)
            return undefined;
        used.delete(previous);
        pending = previous + pending;
        if (isFree(pending)) {
            accept(pending);
            pending = "";
        }
    }
    return chunks;
}
