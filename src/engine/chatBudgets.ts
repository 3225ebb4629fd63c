/**
 * The chat's token budgets, decided here and nowhere else (the settings, the review, the CLI and the
 * worker all read this file; package.json's descriptions are checked against it by a unit test).
 *
 * A request has two separate allowances: the thought (`thoughtBudget`) and the answer that follows it
 * (`maxTokens`). The answer's room is set aside first, so a thought that uses its whole budget still
 * leaves the answer all of its tokens.
 *
 * Why these numbers, for a laptop: DeepSeek evaluates R1 with up to 32,768 generated tokens, but an
 * R1 distill on a laptop CPU writes roughly 5–30 tokens/s, and its reasoning about a coding question
 * usually ends within a few thousand tokens. "normal" (4,096 thought tokens) lets that reasoning
 * finish in most cases — a few minutes at worst on a 7B model — instead of cutting it at 2,048 as
 * before; "quick" (1,024) is for short questions; "unlimited" thinks as long as the context allows.
 * 2,048 answer tokens hold a long explanation with a page of code.
 */

export const thinkingLevels = ["off", "quick", "normal", "unlimited"] as const;
export type ThinkingLevel = (typeof thinkingLevels)[number];

/** Thought tokens per level; -1: as many as the context leaves after the prompt and the answer's room. */
export const thoughtBudgets: Readonly<Record<ThinkingLevel, number>> = {off: 0, quick: 1024, normal: 4096, unlimited: -1};
export const defaultThinking: ThinkingLevel = "normal";
/** Tokens the answer may generate once the thought is closed. */
export const defaultAnswerTokens = 2048;

/**
 * Once the budget is reached, a word the model is in the middle of may still end within this many
 * tokens (see `thoughtCut.ts`); past it the thought is closed anyway. BPE words are rarely longer
 * than a few tokens, so 16 only runs out on identifiers, hashes and the like.
 */
export const wordEndAllowance = 16;
/** "\n</think>\n\n" (Enclave's closing of a thought) is at most this many tokens. */
export const thoughtClosingTokens = 3;

export interface ChatLimits {
    /** Thought tokens this request may generate before Enclave closes the thought (0: no thinking). */
    thoughtTokens: number;
    /** Tokens the answer may generate after the thought. */
    answerTokens: number;
}

/**
 * What one request may generate with a `promptTokens`-token prompt in a context of `contextSize`:
 * the answer's room is taken first, the thought gets at most its budget of what is left ("unlimited":
 * all of it).
 */
export function chatLimits(thoughtBudget: number, answerTokens: number, contextSize: number, promptTokens: number): ChatLimits {
    const free = Math.max(0, contextSize - promptTokens);
    const answer = Math.min(answerTokens, free);
    const room = Math.max(0, free - answer - thoughtClosingTokens - wordEndAllowance);
    return {thoughtTokens: thoughtBudget < 0 ? room : Math.min(thoughtBudget, room), answerTokens: answer};
}

/**
 * The most tokens a chat prompt (history included) should take so that the thought and the answer
 * still fit; never less than half the context. "Unlimited" thinking reserves what "normal" would:
 * it then thinks into whatever the prompt leaves.
 */
export function promptRoom(contextSize: number, thoughtBudget: number, answerTokens: number): number {
    const thought = thoughtBudget < 0 ? thoughtBudgets.normal : thoughtBudget;
    const reserve = answerTokens + (thought > 0 ? thought + thoughtClosingTokens + wordEndAllowance : thoughtClosingTokens);
    return Math.max(Math.floor(contextSize / 2), contextSize - reserve);
}
