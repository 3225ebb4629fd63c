/**
 * The tokens of a `complete` prompt, built here rather than inside LlamaCompletion so that the
 * worker can evaluate them in abortable slices first (prefill.ts) and hand LlamaCompletion a prompt
 * whose every token but the last is already in the KV cache.
 *
 * The layout is node-llama-cpp's own (LlamaCompletion's infill and completion prompts), plus the
 * infill `middle`, which llama.cpp's server also places after `<|fim_middle|>`:
 *   infill:     [BOS] <|fim_prefix|> prefix <|fim_suffix|> suffix <|fim_middle|> middle
 *   completion: [BOS] prefix middle
 */
import {LlamaText, LlamaVocabularyType, SpecialTokensText, type LlamaModel, type Token} from "node-llama-cpp";
import type {CompleteParams} from "../protocol";

export interface CompletionPrompt {
    mode: "infill" | "completion";
    /** The whole prompt as evaluated, BOS included. */
    tokens: Token[];
    /** The BOS token LlamaCompletion prepends itself, if any (it is the first of `tokens`). */
    bos: Token | undefined;
    /** Tokens cut from the front of the prefix to fit `maxPromptTokens`. */
    cut: number;
}

/**
 * An overlong prompt loses a multiple of this many tokens, not the exact excess: cut to the token,
 * its head would move with every keystroke and no prompt would share a prefix with the one before.
 */
const cutQuantum = 256;

function cutLength(excess: number, available: number): number {
    if (excess <= 0) return 0;
    return Math.min(available, Math.ceil(excess / cutQuantum) * cutQuantum);
}

/**
 * Builds the prompt for a sequence of `contextSize` tokens. LlamaCompletion keeps a tenth of the
 * context free for shifts and cuts longer inputs from the front; a prompt longer than the rest loses
 * tokens from the front of its prefix here first, in steps of `cutQuantum`.
 */
export function completionPrompt(model: LlamaModel, params: CompleteParams, infillSupported: boolean, contextSize: number): CompletionPrompt {
    const maxPromptTokens = contextSize - Math.max(1, Math.floor(contextSize / 10));
    const bos = beginningToken(model);
    const tokenize = (text: string): Token[] => model.tokenize(text, false, "trimLeadingSpace");
    const prefixTokens = params.specialTokens
        ? withSpecialTokens(params.prefix, model).tokenize(model.tokenizer, "trimLeadingSpace")
        : tokenize(params.prefix);
    const middleTokens = params.middle ? tokenize(params.middle) : [];
    const {prefix: fimPrefix, suffix: fimSuffix, middle: fimMiddle} = model.tokens.infill;
    const fim = params.suffix != null && infillSupported && fimPrefix != null && fimSuffix != null ? {prefixToken: fimPrefix, suffixToken: fimSuffix, suffix: params.suffix} : undefined;
    const head: Token[] = bos != null ? [bos] : [];
    let body: Token[];
    let cut: number;
    if (fim) {
        const suffixTokens = tokenize(fim.suffix);
        const fixed = head.length + 3 + suffixTokens.length + middleTokens.length;
        cut = cutLength(fixed + prefixTokens.length - maxPromptTokens, prefixTokens.length);
        const keptPrefix = prefixTokens.slice(cut);
        body = fimMiddle != null
            ? [fim.prefixToken, ...keptPrefix, fim.suffixToken, ...suffixTokens, fimMiddle, ...middleTokens]
            // Without a middle token, node-llama-cpp's order: suffix first, the prefix runs into the answer.
            : [fim.suffixToken, ...suffixTokens, fim.prefixToken, ...keptPrefix, ...middleTokens];
    } else {
        const all = [...prefixTokens, ...middleTokens];
        cut = cutLength(head.length + all.length - maxPromptTokens, all.length - 1);
        body = all.slice(cut);
    }
    return {mode: fim ? "infill" : "completion", tokens: [...head, ...body], bos: bos ?? undefined, cut};
}

/**
 * A prompt written in the model's chat format. node-llama-cpp prepends BOS itself when the model
 * asks for it, so a BOS written by the prompt builder is dropped rather than doubled.
 */
function withSpecialTokens(prefix: string, model: LlamaModel): LlamaText {
    const bos = model.tokens.bosString;
    const text = bos && model.tokens.shouldPrependBosToken && prefix.startsWith(bos) ? prefix.slice(bos.length) : prefix;
    return LlamaText(new SpecialTokensText(text));
}

/** The token LlamaCompletion prepends to every prompt (its rule, by vocabulary type). */
function beginningToken(model: LlamaModel): Token | null {
    switch (model.vocabularyType) {
        case LlamaVocabularyType.rwkv:
        case LlamaVocabularyType.ugm:
            return null;
        case LlamaVocabularyType.wpm:
            return model.tokens.bos;
        default:
            return model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
    }
}
