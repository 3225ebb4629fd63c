/**
 * The tokens of a `complete` prompt, built here rather than inside LlamaCompletion so that the
 * worker can evaluate them in abortable slices first (prefill.ts) and hand LlamaCompletion a prompt
 * whose every token but the last is already in the KV cache.
 *
 * Which layout a request gets follows the model's completion format (completionFormat.ts), never
 * the request alone: a suffix is only for FIM formats, a repository part only for repoFim.
 *   repoFim:    [BOS] <|repo_name|> name\n (<|file_sep|> path\n text\n)* <|file_sep|> path\n
 *               <|fim_prefix|> prefix <|fim_suffix|> suffix <|fim_middle|> middle
 *   fim:        [BOS] <|fim_prefix|> prefix <|fim_suffix|> suffix <|fim_middle|> middle
 *   r1, plain:  [BOS] prefix middle
 * The repository part is Qwen2.5-Coder's repository-level format (and llama.cpp's
 * `format_infill`). `middle` (the cursor's line so far) is ours: llama.cpp's server appends such text
 * to the prefix, before `<|fim_suffix|>`; we put it after `<|fim_middle|>`, where the answer starts,
 * so that what changes while typing is the prompt's very end and a keystroke re-evaluates only its
 * own line, never the suffix. Everything before it stays the same while typing, first the other
 * files, which is what makes the KV cache of the completion sequence pay off.
 */
import {LlamaText, LlamaVocabularyType, SpecialTokensText, type LlamaModel, type Token} from "node-llama-cpp";
import {EngineError} from "../errors";
import type {CompleteParams, CompletionFormat} from "../protocol";

export interface CompletionPrompt {
    mode: "infill" | "completion";
    /** The whole prompt as evaluated, BOS included. */
    tokens: Token[];
    /** The BOS token LlamaCompletion prepends itself, if any (it is the first of `tokens`). */
    bos: Token | undefined;
    /** Tokens cut from the front (other files first, then the prefix) to fit the context. */
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
 * tokens from its front here first, in steps of `cutQuantum`: the other files' tokens, then the prefix.
 */
export function completionPrompt(model: LlamaModel, params: CompleteParams, format: CompletionFormat, contextSize: number): CompletionPrompt {
    const fimFormat = format === "repoFim" || format === "fim";
    if (params.repository != null && format !== "repoFim")
        throw new EngineError("InvalidRequest", `This model's completion format is "${format}": a repository part is only for "repoFim" models.`);
    if (params.suffix != null && !fimFormat)
        throw new EngineError("InvalidRequest", `This model's completion format is "${format}": it does not fill in the middle, so a request for it has no suffix.`);
    // A repository part belongs before <|fim_prefix|>; without a suffix there is no FIM prompt to put it in.
    if (params.repository != null && params.suffix == null)
        throw new EngineError("InvalidRequest", "A repository part comes with a suffix: it is laid out only in a fill-in-the-middle prompt.");

    const maxPromptTokens = contextSize - Math.max(1, Math.floor(contextSize / 10));
    const bos = beginningToken(model);
    const head: Token[] = bos != null ? [bos] : [];
    const tokenize = (text: string): Token[] => model.tokenize(text, false, "trimLeadingSpace");
    const prefixTokens = params.specialTokens
        ? withSpecialTokens(params.prefix, model).tokenize(model.tokenizer, "trimLeadingSpace")
        : tokenize(params.prefix);
    const middleTokens = params.middle ? tokenize(params.middle) : [];

    if (!fimFormat || params.suffix == null) {
        const all = [...prefixTokens, ...middleTokens];
        const cut = cutLength(head.length + all.length - maxPromptTokens, all.length - 1);
        return {mode: "completion", tokens: [...head, ...all.slice(cut)], bos: bos ?? undefined, cut};
    }

    const {prefix: fimPrefix, suffix: fimSuffix, middle: fimMiddle} = model.tokens.infill;
    if (fimPrefix == null || fimSuffix == null || fimMiddle == null)
        throw new EngineError("InvalidRequest", "This model has no fill-in-the-middle tokens.");
    const repo = params.repository != null ? repositoryTokens(model, params.repository, tokenize) : {header: [], files: [], current: []};
    const suffixTokens = tokenize(params.suffix);
    const fixed = head.length + repo.header.length + repo.current.length + 3 + suffixTokens.length + middleTokens.length;
    const excess = fixed + repo.files.length + prefixTokens.length - maxPromptTokens;
    const filesCut = cutLength(excess, repo.files.length);
    const prefixCut = cutLength(excess - filesCut, prefixTokens.length);
    const tokens = [
        ...head,
        ...repo.header,
        ...repo.files.slice(filesCut),
        ...repo.current,
        fimPrefix,
        ...prefixTokens.slice(prefixCut),
        fimSuffix,
        ...suffixTokens,
        fimMiddle,
        ...middleTokens
    ];
    return {mode: "infill", tokens, bos: bos ?? undefined, cut: filesCut + prefixCut};
}

/** `<|repo_name|>name\n`, then `<|file_sep|>path\ntext\n` per other file, then `<|file_sep|>path\n` of the current file. */
function repositoryTokens(model: LlamaModel, repository: NonNullable<CompleteParams["repository"]>, tokenize: (text: string) => Token[]): {header: Token[]; files: Token[]; current: Token[]} {
    const repoName = specialToken(model, "<|repo_name|>");
    const fileSep = specialToken(model, "<|file_sep|>");
    const files: Token[] = [];
    for (const file of repository.files) files.push(fileSep, ...tokenize(`${file.path}\n`), ...tokenize(`${file.text}\n`));
    return {header: [repoName, ...tokenize(`${repository.name}\n`)], files, current: [fileSep, ...tokenize(`${repository.path}\n`)]};
}

function specialToken(model: LlamaModel, text: string): Token {
    const tokens = model.tokenize(text, true);
    if (tokens.length !== 1 || tokens[0] == null) throw new EngineError("InvalidRequest", `This model has no ${text} token.`);
    return tokens[0];
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
