/**
 * The special-token text that prompts are made of, and the neutralising of such text inside the
 * user's own files. When a prompt is sent with `specialTokens: true`, a file that merely mentions
 * `<|file_sep|>` or `<｜User｜>` (a tokenizer test, this extension's own source) would otherwise turn
 * into real control tokens and derail the model.
 */

export const r1 = {
    bos: "<｜begin▁of▁sentence｜>",
    user: "<｜User｜>",
    assistant: "<｜Assistant｜>",
    thinkOpen: "<think>",
    thinkClose: "</think>"
} as const;

/** Qwen2.5-Coder's repository tokens (the worker sends the real tokens; these are for estimates). */
export const qwenRepo = {
    repoName: "<|repo_name|>",
    fileSep: "<|file_sep|>"
} as const;

// `<|name|>`, `<｜name｜>` (full-width bars, DeepSeek) and the think tags.
const specialLike = /<(?=[|｜][^<>\s|｜]{1,64}[|｜]>)|<(?=\/?think>)/g;

/** Puts a zero-width space after the `<` of anything that would parse as a special token. */
export function neutralizeSpecialTokens(text: string): string {
    return text.replace(specialLike, "<\u200b");
}
