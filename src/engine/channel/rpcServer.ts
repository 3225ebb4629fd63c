/**
 * The answering end of an RPC channel: each request is validated against its method's params
 * schema, run by its handler with an AbortSignal that a cancel message (or the end of the
 * transport) aborts, and answered with its events and its result or error. One bad request never
 * ends the channel.
 */
import {parsePartOf, parseWith, type EventIn, type LogLevel, type MethodMap, type NotificationMap, type ParamsIn, type ResultIn, type RpcMessages} from "./rpcMessages";
import type {Transport} from "./transport";
import type {z} from "zod";

export type Handler<M extends MethodMap, K extends keyof M> = (
    params: ParamsIn<M, K>,
    signal: AbortSignal,
    emit: (event: EventIn<M, K>) => void
) => Promise<ResultIn<M, K>>;

export type Handlers<M extends MethodMap> = {[K in keyof M]: Handler<M, K>};

export interface RpcServerOptions<M extends MethodMap, N extends NotificationMap, E> {
    readonly messages: RpcMessages<M, N, E>;
    readonly handlers: Handlers<M>;
    /** The error data sent for a handler that threw (`aborted`: the request had been cancelled). */
    toErrorData(error: unknown, aborted: boolean): E;
    invalidRequest(method: string, detail: string): E;
    /** Told when a request starts and when it settles (the server's idle clock). */
    onActivity?(active: number): void;
}

export class RpcServer<M extends MethodMap, N extends NotificationMap, E> {
    private readonly active = new Map<number, AbortController>();

    constructor(
        private readonly transport: Transport,
        private readonly options: RpcServerOptions<M, N, E>,
        private readonly onMalformed: (detail: string) => void
    ) {
        transport.onMessage((raw) => this.onMessage(raw));
        // Nobody is left to read an answer: stop the work.
        transport.onClose(() => this.abortAll());
    }

    get activeCount(): number {
        return this.active.size;
    }

    notify<K extends keyof N & string>(name: K, data: z.infer<N[K]>): boolean {
        return this.transport.send({type: "notify", name, data});
    }

    log(level: LogLevel, message: string): boolean {
        return this.transport.send({type: "log", level, message});
    }

    abortAll(): void {
        for (const controller of this.active.values()) controller.abort();
    }

    private onMessage(raw: unknown): void {
        const parsed = parseWith(this.options.messages.clientMessage, raw);
        if (!parsed.ok) {
            this.onMalformed(parsed.error);
            return;
        }
        const message = parsed.value;
        if (message.type === "cancel") this.active.get(message.id)?.abort();
        else void this.handle(message.id, message.method, message.params);
    }

    private async handle<K extends keyof M & string>(id: number, method: K, rawParams: unknown): Promise<void> {
        const params = parsePartOf(this.options.messages.methods, method, "params", rawParams);
        if (!params.ok) {
            this.transport.send({type: "error", id, error: this.options.invalidRequest(method, params.error)});
            return;
        }
        const controller = new AbortController();
        this.active.set(id, controller);
        this.options.onActivity?.(this.active.size);
        try {
            const handler = this.options.handlers[method];
            const result = await handler(params.value, controller.signal, (event) => this.transport.send({type: "event", id, event}));
            this.transport.send({type: "result", id, result});
        } catch (error) {
            this.transport.send({type: "error", id, error: this.options.toErrorData(error, controller.signal.aborted)});
        } finally {
            this.active.delete(id);
            this.options.onActivity?.(this.active.size);
        }
    }
}
