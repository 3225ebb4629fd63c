/**
 * The requesting end of an RPC channel: request ids, streamed events, cancel (an AbortSignal turns
 * into a cancel message, and the request ends within a grace period even if the other end cannot
 * answer), a watchdog that fails a request when the other end goes silent, validation of every
 * message that arrives, and the end of the transport failing whatever is in flight.
 */
import {PendingRequests} from "./pendingRequests";
import {parsePartOf, parseWith, type EventIn, type LogLevel, type MethodMap, type NotificationMap, type ParamsIn, type ResultIn, type RpcMessages} from "./rpcMessages";
import type {Transport} from "./transport";
import type {z} from "zod";

export interface RpcClientErrors<E> {
    aborted(): Error;
    timeout(ms: number): Error;
    /** A request sent after the transport ended. */
    closed(): Error;
    malformedResult(method: string, detail: string): Error;
    fromData(data: E): Error;
}

export interface RpcClientOptions<M extends MethodMap, N extends NotificationMap, E> {
    readonly messages: RpcMessages<M, N, E>;
    readonly errors: RpcClientErrors<E>;
    readonly requestTimeoutMs: number;
    readonly cancelGraceMs: number;
    log(level: LogLevel, message: string): void;
    onNotify?<K extends keyof N & string>(name: K, data: z.infer<N[K]>): void;
    /**
     * Set when the owner fails the requests in flight itself once it knows why the transport ended
     * (failAll); by default they fail with `errors.closed()` at once.
     */
    readonly failsInFlightItself?: boolean;
}

export interface CallOptions<Event> {
    signal?: AbortSignal | undefined;
    onEvent?: ((event: Event) => void) | undefined;
    timeoutMs?: number | undefined;
}

export class RpcClient<M extends MethodMap, N extends NotificationMap, E> {
    private readonly pending = new PendingRequests();

    constructor(
        private readonly transport: Transport,
        private readonly options: RpcClientOptions<M, N, E>
    ) {
        transport.onMessage((raw) => this.onMessage(raw));
        if (options.failsInFlightItself !== true) transport.onClose(() => this.pending.rejectAll(() => options.errors.closed()));
    }

    get isOpen(): boolean {
        return this.transport.isOpen;
    }

    get inFlight(): number {
        return this.pending.size;
    }

    request<K extends keyof M & string>(method: K, params: ParamsIn<M, K>, call: CallOptions<EventIn<M, K>> = {}): Promise<ResultIn<M, K>> {
        const {errors} = this.options;
        const {signal} = call;
        if (signal?.aborted) return Promise.reject(errors.aborted());
        const id = this.pending.allocateId();
        const timeoutMs = call.timeoutMs ?? this.options.requestTimeoutMs;
        return new Promise<ResultIn<M, K>>((resolve, reject) => {
            const onAbort = () => {
                // The other end stops and answers with the partial result; if it cannot, the request still ends soon.
                this.transport.send({type: "cancel", id});
                this.pending.rearm(id, this.options.cancelGraceMs, () => this.pending.reject(id, errors.aborted()));
            };
            this.pending.add(
                {
                    id,
                    method,
                    onEvent: (raw) => {
                        const event = parsePartOf(this.options.messages.methods, method, "event", raw);
                        if (event.ok) call.onEvent?.(event.value);
                        else this.options.log("error", `Dropped a malformed ${method} event: ${event.error}`);
                    },
                    resolve: (raw) => {
                        const result = parsePartOf(this.options.messages.methods, method, "result", raw);
                        if (result.ok) resolve(result.value);
                        else reject(errors.malformedResult(method, result.error));
                    },
                    reject: (error: Error) => reject(error)
                },
                timeoutMs,
                () => {
                    this.transport.send({type: "cancel", id});
                    this.pending.reject(id, errors.timeout(timeoutMs));
                },
                () => signal?.removeEventListener("abort", onAbort)
            );
            signal?.addEventListener("abort", onAbort, {once: true});
            if (!this.transport.send({type: "request", id, method, params})) this.pending.reject(id, errors.closed());
        });
    }

    /** Fails every request in flight with `error` (e.g. the process was stopped on purpose). */
    failAll(error: () => Error): void {
        this.pending.rejectAll(error);
    }

    close(): void {
        this.transport.close();
    }

    private onMessage(raw: unknown): void {
        const parsed = parseWith(this.options.messages.serverMessage, raw);
        if (!parsed.ok) {
            this.options.log("error", `Ignored a malformed message: ${parsed.error}`);
            return;
        }
        const message = parsed.value;
        switch (message.type) {
            case "event":
                this.pending.event(message.id, message.event);
                break;
            case "result":
                this.pending.resolve(message.id, message.result);
                break;
            case "error":
                this.pending.reject(message.id, this.options.errors.fromData(message.error));
                break;
            case "log":
                this.options.log(message.level, message.message);
                break;
            case "notify": {
                const name = message.name as keyof N & string;
                const data = parseWith(this.options.messages.notifications[name] as z.ZodType, message.data);
                if (data.ok) this.options.onNotify?.(name, data.value as z.infer<N[typeof name]>);
                else this.options.log("error", `Ignored a malformed ${name} notice: ${data.error}`);
                break;
            }
        }
    }
}
