/**
 * The webview end of the host channel: a typed wrapper over `acquireVsCodeApi()` and the window's
 * message events. Incoming messages are validated with the shared protocol before any handler sees
 * them; a malformed one is logged and dropped, never half-applied.
 */
import type {Parsed} from "../../src/webview/protocol";

interface VsCodeApi {
    postMessage(message: unknown): void;
    getState(): unknown;
    setState<T>(state: T): T;
}

declare function acquireVsCodeApi(): VsCodeApi;

export class HostChannel<Out, State> {
    // acquireVsCodeApi may be called only once per page, so one channel owns it.
    private readonly api: VsCodeApi = acquireVsCodeApi();

    post(message: Out): void {
        this.api.postMessage(message);
    }

    /** The view's saved state (survives the view being hidden and shown), checked by `isState`. */
    loadState(isState: (value: unknown) => value is State): State | undefined {
        const state = this.api.getState();
        return isState(state) ? state : undefined;
    }

    saveState(state: State): void {
        this.api.setState(state);
    }

    /** Calls `handle` with each valid host message; invalid ones are reported to the console. */
    listen<In>(parse: (value: unknown) => Parsed<In>, handle: (message: In) => void): void {
        window.addEventListener("message", (event: MessageEvent<unknown>) => {
            const parsed = parse(event.data);
            if (!parsed.ok) {
                console.warn("Enclave: ignored an invalid message from the host", parsed.error);
                return;
            }
            handle(parsed.value);
        });
    }
}
