/**
 * Where Enclave closes a thought when the thinking budget is reached, and how: as R1 closes its own,
 * "\n</think>\n\n", and never inside a word.
 *
 * The decision: the budget counts tokens, but a token often ends mid-word ("Hm" + "mm"). Once the
 * budget is used up, the thought is closed at the first token boundary that is not inside a word:
 * right away when the text so far ends in a space or punctuation, otherwise before the next token
 * that starts a new word (that token is dropped) or after the token that ends the word. A word that
 * runs past `wordEndAllowance` extra tokens (an identifier, a hash) is closed where it is: the
 * closing's own newline still keeps it apart from what follows. Closing at a line or sentence end
 * instead would cost up to a few dozen tokens more and was not worth the wait on a laptop.
 */
import {wordEndAllowance} from "../chatBudgets";

export type CutDecision = "continue" | "closeAfter" | "closeBefore";

const endsInWord = /[\p{L}\p{N}_]$/u;
// A contraction ("'t", "’s") continues the word before it.
const startsInWord = /^['’]?[\p{L}\p{N}_]/u;

/**
 * What to do with the next chunk of thought, given the thought so far (`thought`, `used` tokens)
 * and a budget above 0: keep it and go on, keep it and close, or close without it.
 */
export function cutDecision(thought: string, used: number, chunk: string, chunkTokens: number, budget: number, allowance = wordEndAllowance): CutDecision {
    const total = used + chunkTokens;
    if (total < budget) return "continue";
    if (used >= budget && !(endsInWord.test(thought) && startsInWord.test(chunk))) return "closeBefore";
    if (!endsInWord.test(thought + chunk) || total >= budget + allowance) return "closeAfter";
    return "continue";
}

/** The thought text Enclave sends back when it closes the thought: R1 ends it with a newline. */
export function closedThoughtText(thought: string): string {
    return thought.endsWith("\n") ? thought : `${thought}\n`;
}
