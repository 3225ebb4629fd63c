/**
 * Who gets the next batch of a context whose sequences are busy at once. node-llama-cpp gathers
 * the tokens every sequence has queued (a chat's 2,000-token prompt, a completion's 128-token
 * prefill slice, one token per generation step) into one batch of at most `size` tokens (512 by
 * default) and decodes it in one native call nothing interrupts; its default strategy splits the
 * batch evenly, so a completion step would carry up to ~500 tokens of another window's chat prompt
 * — seconds on a laptop CPU, for every step of the completion.
 *
 * Keystroke work (completions, evaluated at `keystrokePriority`) goes first here: it gets the
 * batch, and other work only fills a small remainder (`backgroundTokens`) — enough for a chat's
 * one-token generation steps to go on, too little for its prompt to slow the completion. The
 * limit also holds while a completion request is running but has nothing queued at this moment:
 * between its prefill slices and its generation steps the completion's next tokens arrive a few
 * event-loop turns after the batch before ended, and the chat prompt waiting meanwhile would
 * otherwise take a whole batch in that gap. Without keystroke work, the batch is shared evenly.
 */
import type {BatchItem, CustomBatchingPrioritizationStrategy, EvaluationPriority, PrioritizedBatchItem} from "node-llama-cpp";

/** Completions: a user is waiting with their hands on the keyboard. */
export const keystrokePriority: EvaluationPriority = 5;
/** Chat, review and structured answers: they stream for seconds or minutes anyway. */
export const backgroundPriority: EvaluationPriority = 3;

export interface BatchPriorityOptions {
    /** A completion request is running (its next tokens may not be queued yet). */
    readonly keystrokeActive: boolean;
    /** Tokens other work may add to a batch while keystroke work is running. */
    readonly backgroundTokens: number;
}

export const defaultBackgroundTokens = 16;

/**
 * The batch for `items`: keystroke items first, sharing `size` evenly; other items share what is
 * left, at most `backgroundTokens` while keystroke work runs. Items that get no tokens are left out
 * (node-llama-cpp evaluates at least one token of every item it is given).
 */
export function prioritizeBatch(items: readonly BatchItem[], size: number, options: BatchPriorityOptions): PrioritizedBatchItem[] {
    const urgent = items.filter((item) => item.evaluationPriority >= keystrokePriority);
    const others = items.filter((item) => item.evaluationPriority < keystrokePriority);
    if (urgent.length === 0 && !options.keystrokeActive) return shareEvenly(items, size);
    const first = shareEvenly(urgent, size);
    const used = first.reduce((sum, entry) => sum + entry.processAmount, 0);
    return [...first, ...shareEvenly(others, Math.min(size - used, Math.max(0, options.backgroundTokens)))];
}

/** node-llama-cpp's `itemPrioritizationStrategy` for a context, asking `keystrokeActive` at each batch. */
export function batchPriorityStrategy(keystrokeActive: () => boolean, backgroundTokens = defaultBackgroundTokens): CustomBatchingPrioritizationStrategy {
    return ({items, size}) => prioritizeBatch(items, size, {keystrokeActive: keystrokeActive(), backgroundTokens});
}

/**
 * Splits `size` tokens among `items` evenly, each taking at most what it has queued (what a short
 * item leaves goes to the longer ones); higher priority first where the split leaves a token over.
 * Returned in priority order, items with nothing left out.
 */
function shareEvenly(items: readonly BatchItem[], size: number): PrioritizedBatchItem[] {
    const order = [...items].sort((a, b) => b.evaluationPriority - a.evaluationPriority);
    const byNeed = [...order].sort((a, b) => a.tokens.length - b.tokens.length);
    const amounts = new Map<BatchItem, number>();
    let left = Math.max(0, size);
    byNeed.forEach((item, index) => {
        const amount = Math.min(item.tokens.length, Math.floor(left / (byNeed.length - index)));
        amounts.set(item, amount);
        left -= amount;
    });
    // Tokens the even split rounded away, to the most important item that still has some queued.
    for (const item of order) {
        if (left <= 0) break;
        const extra = Math.min(left, item.tokens.length - (amounts.get(item) ?? 0));
        amounts.set(item, (amounts.get(item) ?? 0) + extra);
        left -= extra;
    }
    return order.filter((item) => (amounts.get(item) ?? 0) > 0).map((item) => ({item, processAmount: amounts.get(item) ?? 0}));
}
