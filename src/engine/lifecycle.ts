/**
 * A Disposable base and a small typed event emitter, shaped like VS Code's so that provider classes
 * can hand them to `context.subscriptions`, yet free of any `vscode` import so the engine stays
 * plain Node.
 */
export interface IDisposable {
    dispose(): void;
}

export function toDisposable(dispose: () => void): IDisposable {
    let done = false;
    return {
        dispose() {
            if (done) return;
            done = true;
            dispose();
        }
    };
}

export abstract class Disposable implements IDisposable {
    private readonly disposables: IDisposable[] = [];
    private disposed = false;

    protected get isDisposed(): boolean {
        return this.disposed;
    }

    /** Ties `value` to this object's lifetime; registering after disposal disposes it at once. */
    protected register<T extends IDisposable>(value: T): T {
        if (this.disposed) value.dispose();
        else this.disposables.push(value);
        return value;
    }

    /** Using a disposed object is a bug; fail loudly rather than act on stale state. */
    protected assertNotDisposed(): void {
        if (this.disposed) throw new Error(`${this.constructor.name} is disposed`);
    }

    dispose(): void {
        if (this.disposed) return;
        this.disposed = true;
        // Reverse order: later registrations may depend on earlier ones.
        for (const disposable of this.disposables.splice(0).reverse()) {
            try {
                disposable.dispose();
            } catch (error) {
                console.error("Error while disposing", error);
            }
        }
    }
}

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => IDisposable;

export class Emitter<T> implements IDisposable {
    private listeners = new Set<Listener<T>>();

    readonly event: Event<T> = (listener) => {
        this.listeners.add(listener);
        return toDisposable(() => this.listeners.delete(listener));
    };

    fire(value: T): void {
        for (const listener of [...this.listeners]) {
            try {
                listener(value);
            } catch (error) {
                // One faulty listener must not stop the others or the engine.
                console.error("Event listener failed", error);
            }
        }
    }

    dispose(): void {
        this.listeners.clear();
    }
}
