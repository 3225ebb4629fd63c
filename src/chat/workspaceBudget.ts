/**
 * How much retrieved workspace code a turn may carry: decided here and nowhere else.
 *
 * The code gets at most half of the prompt room (`promptRoom` in engine/chatBudgets.ts), and never
 * more than what the newest turn's own text (question, other attachments, the citation
 * instruction) leaves of it. The other half is the conversation's: older turns are trimmed to fit
 * it before any retrieved code of the newest turn is (the newest turn always stays whole, see
 * `trimToBudget`). Chunks come best first and are kept while they fit, so the least relevant go first.
 */

/** The share of the prompt room retrieved code may take. */
export const workspaceCodeShare = 0.5;

/**
 * Chunks asked of the index for one question. A laptop model's context holds a few dozen chunks
 * at most; asking for more only costs ranking and token counting.
 */
export const maxRetrievedChunks = 40;

/** Tokens the newest turn's retrieved code may take, given the prompt room and the rest of that turn. */
export function workspaceCodeRoom(promptRoomTokens: number, restOfTurnTokens: number): number {
    return Math.max(0, Math.min(Math.floor(promptRoomTokens * workspaceCodeShare), promptRoomTokens - restOfTurnTokens));
}

/** How many of the best-first `costs` fit in `roomTokens`: the longest prefix, so relevance order is kept. */
export function chunksThatFit(costs: readonly number[], roomTokens: number): {count: number; tokens: number} {
    let tokens = 0;
    let count = 0;
    for (const cost of costs) {
        if (tokens + cost > roomTokens) break;
        tokens += cost;
        count++;
    }
    return {count, tokens};
}
