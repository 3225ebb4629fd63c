/**
 * Which chat format a model gets when its file has no chat template, and what Enclave says about it.
 *
 * node-llama-cpp, given no `tokenizer.chat_template`, guesses from the model's name and architecture
 * and otherwise falls back to a generic "### User / ### Response" format that does not reason: for a
 * DeepSeek-R1 distill whose converter dropped the template, that silently turns off its reasoning
 * and prompts it in a format it was never trained on. So: a vocabulary with R1's own turn and thought
 * tokens gets the DeepSeek-R1 format (the tokens are what that format is written in); any other model
 * keeps node-llama-cpp's guess. Either way the user is told in one sentence, reported in `info` (Show
 * Model Info, the log and the chat show it as is).
 */

/** The tokens R1's format is written in; a vocabulary that has each as one token was trained on it. */
export const r1FormatTokens = ["<｜User｜>", "<｜Assistant｜>", "<think>", "</think>"] as const;

export type ChatFormatChoice =
    | {kind: "template"}
    | {kind: "r1"; note: string}
    | {kind: "guess"; note: (wrapperName: string, thinks: boolean) => string};

export function chooseChatFormat(hasTemplate: boolean, hasR1Tokens: boolean): ChatFormatChoice {
    if (hasTemplate) return {kind: "template"};
    if (hasR1Tokens)
        return {
            kind: "r1",
            note: "This model file has no chat template. Its vocabulary has DeepSeek-R1's tokens, so Enclave uses the DeepSeek-R1 format (it reasons before answering); if this is not an R1 model, answers may be poor."
        };
    return {
        kind: "guess",
        note: (wrapperName, thinks) =>
            `This model file has no chat template; Enclave uses the ${wrapperName} format${thinks ? "" : " (no reasoning)"}, answers may be poor. A GGUF file converted with its chat template works better.`
    };
}
