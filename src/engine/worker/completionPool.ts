/**
 * Which completion sequence serves which client. Each client (a window, a CLI run) keeps the
 * sequence it was given, so its KV cache — the prompt it typed into last — survives the other
 * clients' completions; a client without one takes a free one, else the least recently used one
 * (whose owner's cache is then lost: the pool is bounded, models/sequences.ts says why). A client
 * that disconnects frees its sequence.
 */
export interface PoolGrant<Slot> {
    readonly slot: Slot;
    readonly index: number;
    /** The client whose sequence this was until now (its cache is lost), if any. */
    readonly reclaimedFrom?: number;
}

export class CompletionPool<Slot> {
    private readonly owners: Array<number | undefined>;
    /** Use order: a higher tick was used more recently (a counter, so two uses in one millisecond still order). */
    private readonly lastUse: number[];
    private tick = 0;

    constructor(private readonly slots: readonly Slot[]) {
        if (slots.length === 0) throw new Error("A completion pool needs at least one sequence.");
        this.owners = slots.map(() => undefined);
        this.lastUse = slots.map(() => 0);
    }

    get size(): number {
        return this.slots.length;
    }

    /** `client`'s sequence, giving it one first if it has none; counts as a use. */
    acquire(client: number): PoolGrant<Slot> {
        let index = this.owners.indexOf(client);
        let reclaimedFrom: number | undefined;
        if (index < 0) {
            index = this.owners.indexOf(undefined);
            if (index < 0) {
                index = this.leastRecentlyUsed();
                reclaimedFrom = this.owners[index];
            }
            this.owners[index] = client;
        }
        this.lastUse[index] = ++this.tick;
        return {slot: this.slots[index] as Slot, index, ...(reclaimedFrom == null ? {} : {reclaimedFrom})};
    }

    /** `client` is gone: its sequence is free for the next client (and its cache kept until one takes it). */
    release(client: number): void {
        const index = this.owners.indexOf(client);
        if (index >= 0) this.owners[index] = undefined;
    }

    /** The client each sequence belongs to now (undefined: free), in pool order. */
    holders(): ReadonlyArray<number | undefined> {
        return [...this.owners];
    }

    private leastRecentlyUsed(): number {
        let oldest = 0;
        for (let index = 1; index < this.lastUse.length; index++) if ((this.lastUse[index] ?? 0) < (this.lastUse[oldest] ?? 0)) oldest = index;
        return oldest;
    }
}
