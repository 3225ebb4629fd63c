/**
 * A push-to-pull bridge: the IPC handler pushes streamed events, a consumer iterates them with
 * `for await`. Unbounded on purpose — events are small and a slow consumer must not lose text.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
    private readonly items: T[] = [];
    private readonly waiters: Array<(result: IteratorResult<T>) => void> = [];
    private closed = false;

    push(item: T): void {
        if (this.closed) return;
        const waiter = this.waiters.shift();
        if (waiter) waiter({value: item, done: false});
        else this.items.push(item);
    }

    /** Ends the iteration once the buffered items are consumed. */
    close(): void {
        this.closed = true;
        for (const waiter of this.waiters.splice(0)) waiter({value: undefined, done: true});
    }

    next(): Promise<IteratorResult<T>> {
        if (this.items.length > 0) return Promise.resolve({value: this.items.shift() as T, done: false});
        if (this.closed) return Promise.resolve({value: undefined, done: true});
        return new Promise((resolve) => this.waiters.push(resolve));
    }

    return(): Promise<IteratorResult<T>> {
        this.items.length = 0;
        this.close();
        return Promise.resolve({value: undefined, done: true});
    }

    [Symbol.asyncIterator](): AsyncIterableIterator<T> {
        return this;
    }
}
