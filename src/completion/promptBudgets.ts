/**
 * Token budgets of a completion prompt, and fitting them to the model's context. Budgets are in
 * estimated tokens (see tokenBudget.ts, which overcounts code by about 1.5× for Qwen's vocabulary),
 * so the defaults hold roughly 1000 real tokens before the cursor (about 100 lines) and 650 of other
 * files: enough context for a small model while a warm prompt stays cheap.
 *
 * The suffix differs by format. A FIM prompt puts the suffix after the prefix, so every keystroke
 * re-evaluates it: it stays small (about 8 lines). An R1 prompt puts it before the prefix, where it
 * stays in the KV cache while typing, so it can be larger. A plain continuation has no suffix.
 */
import type {CompletionFormat} from "../engine/protocol";

export interface PromptBudgets {
    /** The current file before the cursor. */
    prefixTokens: number;
    /** The current file after the cursor. */
    suffixTokens: number;
    /** Chunks of other files. */
    contextTokens: number;
}

const fimBudgets: Readonly<PromptBudgets> = Object.freeze({prefixTokens: 1536, suffixTokens: 128, contextTokens: 1024});

export const defaultBudgets: Readonly<Record<CompletionFormat, Readonly<PromptBudgets>>> = Object.freeze({
    repoFim: fimBudgets,
    fim: fimBudgets,
    r1: Object.freeze({prefixTokens: 1536, suffixTokens: 384, contextTokens: 1024}),
    plain: Object.freeze({prefixTokens: 1536, suffixTokens: 0, contextTokens: 1024})
});

/** Below this, a prompt has too little of the file to be worth a model call. */
export const minPrefixTokens = 16;
/** Slack for the special tokens the engine adds itself (BOS, FIM markers). */
const engineTokens = 8;

/**
 * The most prompt tokens that can be sent with `maxTokens` to generate. node-llama-cpp keeps a tenth
 * of the context free for context shifts and would cut an input longer than the rest from the front,
 * which would drop the stable part of the prompt; and prompt plus answer must fit without a shift,
 * which would throw away the KV cache.
 */
export function promptTokenLimit(contextSize: number, maxTokens: number): number {
    const shiftReserve = Math.max(1, Math.floor(contextSize / 10));
    return Math.min(contextSize - shiftReserve, contextSize - maxTokens) - engineTokens;
}

/**
 * Budgets scaled down together so that they add up to at most `total` tokens (a prompt sized by
 * the machine's speed keeps some of everything: other files, the code after and before the cursor).
 */
export function budgetsWithin(budgets: PromptBudgets, total: number): PromptBudgets {
    const sum = budgets.prefixTokens + budgets.suffixTokens + budgets.contextTokens;
    if (sum <= total) return budgets;
    const scale = Math.max(0, total) / sum;
    return {
        prefixTokens: Math.floor(budgets.prefixTokens * scale),
        suffixTokens: Math.floor(budgets.suffixTokens * scale),
        contextTokens: Math.floor(budgets.contextTokens * scale)
    };
}

/**
 * Shrinks budgets to `available` tokens: other files go first, then the suffix down to a quarter of
 * what is left, then the prefix. Returns undefined when not even a minimal prefix fits.
 */
export function fitBudgets(budgets: PromptBudgets, available: number): PromptBudgets | undefined {
    const wanted = {
        prefixTokens: Math.max(0, Math.floor(budgets.prefixTokens)),
        suffixTokens: Math.max(0, Math.floor(budgets.suffixTokens)),
        contextTokens: Math.max(0, Math.floor(budgets.contextTokens))
    };
    const room = Math.floor(available);
    if (room < minPrefixTokens || wanted.prefixTokens < minPrefixTokens) return undefined;
    const fileTokens = wanted.prefixTokens + wanted.suffixTokens;
    if (fileTokens <= room) return {...wanted, contextTokens: Math.min(wanted.contextTokens, room - fileTokens)};
    const suffixTokens = Math.min(wanted.suffixTokens, Math.floor(room / 4));
    return {prefixTokens: Math.min(wanted.prefixTokens, room - suffixTokens), suffixTokens, contextTokens: 0};
}
