/**
 * Runs tasks one at a time, in order. Each context sequence has one: a sequence's KV cache can
 * serve only one generation at a time, while different sequences run side by side.
 */
export class Mutex {
    private tail: Promise<unknown> = Promise.resolve();

    run<T>(task: () => Promise<T>): Promise<T> {
        const result = this.tail.then(task, task);
        this.tail = result.catch(() => undefined);
        return result;
    }
}
