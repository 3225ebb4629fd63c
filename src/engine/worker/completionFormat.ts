/**
 * The one rule for how completions are prompted on a model, decided from what the model is (its
 * chat template and vocabulary), never from its name. The worker reports the result in `info`
 * (`completionFormat`, `completionFormatReason`); the host builds its prompts from it as-is.
 *
 * FIM tokens alone do not make a FIM model: every Qwen2.5-derived vocabulary has them, the
 * DeepSeek-R1-Distill-Qwen chat fine-tunes included, and those were never trained to fill in the
 * middle. So a reasoning chat model gets a chat prompt in its own format even when its vocabulary
 * has FIM tokens, and FIM is for models with FIM tokens and a template that does not reason (e.g.
 * Qwen2.5-Coder's ChatML).
 */
import type {CompletionFormat} from "../protocol";

/** What the rule looks at, read from the loaded model (runtime.ts). */
export interface CompletionFormatFacts {
    /** node-llama-cpp's chat wrapper for the model's template ("DeepSeek" for R1's). */
    chatWrapper: string;
    /** `tokenizer.chat_template`, if the file has one. */
    chatTemplate: string | undefined;
    /** `<|fim_prefix|>`, `<|fim_suffix|>` and `<|fim_middle|>` are tokens of the vocabulary. */
    fimTokens: boolean;
    /** `<|repo_name|>` and `<|file_sep|>` are single special tokens of the vocabulary. */
    repoTokens: boolean;
}

export interface CompletionFormatDecision {
    format: CompletionFormat;
    reason: string;
}

export function completionFormatOf(facts: CompletionFormatFacts): CompletionFormatDecision {
    const fimNote = facts.fimTokens ? " Its vocabulary has FIM tokens (inherited from Qwen2.5), but it was not trained to fill in the middle." : "";
    if (facts.chatWrapper === "DeepSeek")
        return {format: "r1", reason: `A reasoning chat model (DeepSeek-R1 chat template): completions are an R1 chat turn with the reasoning skipped.${fimNote}`};
    if (facts.chatTemplate != null && templateReasons(facts.chatTemplate))
        return {
            format: "plain",
            reason: `A reasoning chat model (its chat template has <think>) in a format other than R1's: completions continue the file as plain text.${fimNote}`
        };
    if (facts.fimTokens && facts.repoTokens)
        return {format: "repoFim", reason: "A fill-in-the-middle model with <|repo_name|> and <|file_sep|> (Qwen2.5-Coder's repository format): other files go in as repository files before the current one."};
    if (facts.fimTokens)
        return {format: "fim", reason: "A fill-in-the-middle model without repository tokens: other files go in as comments before the code."};
    return {format: "plain", reason: "Neither a reasoning chat model nor a fill-in-the-middle model: completions continue the file as plain text."};
}

/**
 * A chat template that handles `<think>` belongs to a model that reasons. node-llama-cpp's Qwen
 * wrapper has thought segments for every ChatML Qwen template (Qwen3 and QwQ think), so the
 * wrapper alone would call Qwen2.5-Coder a reasoning model.
 */
export function templateReasons(chatTemplate: string): boolean {
    return /<\/?think>/.test(chatTemplate);
}
