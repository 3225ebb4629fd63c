/**
 * The message shapes of every Enclave RPC channel, built from a method map (method name → schemas
 * of its params, streamed events and result) and a notification map (server → client messages that
 * answer no request). The engine (../protocol.ts) and the download process
 * (../../models/downloadProtocol.ts) each define their maps once; both ends validate with what is
 * built here.
 */
import {z} from "zod";

export interface MethodSchemas {
    readonly params: z.ZodType;
    readonly event: z.ZodType;
    readonly result: z.ZodType;
}
export type MethodMap = Readonly<Record<string, MethodSchemas>>;
export type NotificationMap = Readonly<Record<string, z.ZodType>>;

export type ParamsIn<M extends MethodMap, K extends keyof M> = z.infer<M[K]["params"]>;
export type EventIn<M extends MethodMap, K extends keyof M> = z.infer<M[K]["event"]>;
export type ResultIn<M extends MethodMap, K extends keyof M> = z.infer<M[K]["result"]>;

export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];

export type Parsed<T> = {ok: true; value: T} | {ok: false; error: string};

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
    const result = schema.safeParse(value);
    return result.success ? {ok: true, value: result.data} : {ok: false, error: z.prettifyError(result.error)};
}

const RequestId = z.number().int().nonnegative();

export function rpcMessages<M extends MethodMap, N extends NotificationMap, E>(methods: M, notifications: N, errorData: z.ZodType<E>) {
    const methodName = z.enum(Object.keys(methods) as [string, ...string[]]);
    const notificationNames = Object.keys(notifications);
    const notificationName = notificationNames.length > 0 ? z.enum(notificationNames as [string, ...string[]]) : z.never();
    const clientMessage = z.discriminatedUnion("type", [
        z.object({type: z.literal("request"), id: RequestId, method: methodName, params: z.unknown()}),
        z.object({type: z.literal("cancel"), id: RequestId})
    ]);
    const serverMessage = z.discriminatedUnion("type", [
        z.object({type: z.literal("event"), id: RequestId, event: z.unknown()}),
        z.object({type: z.literal("result"), id: RequestId, result: z.unknown()}),
        z.object({type: z.literal("error"), id: RequestId, error: errorData}),
        z.object({type: z.literal("log"), level: z.enum(logLevels), message: z.string()}),
        z.object({type: z.literal("notify"), name: notificationName, data: z.unknown()})
    ]);
    return {methods, notifications, clientMessage, serverMessage};
}

export type RpcMessages<M extends MethodMap, N extends NotificationMap, E> = ReturnType<typeof rpcMessages<M, N, E>>;
export type ClientMessage = {type: "request"; id: number; method: string; params: unknown} | {type: "cancel"; id: number};

/** Validates one part of a method's traffic against its schema. */
export function parsePartOf<M extends MethodMap, K extends keyof M & string, P extends keyof MethodSchemas>(
    methods: M,
    method: K,
    part: P,
    value: unknown
): Parsed<z.infer<M[K][P]>> {
    return parseWith((methods[method] as MethodSchemas)[part] as z.ZodType<z.infer<M[K][P]>>, value);
}
