/**
 * Entry point of the model process (dist/worker.mjs). The only place node-llama-cpp runs.
 * It answers the host's requests (validated on arrival), streams events, honours cancel messages
 * through AbortSignals, and never lets one bad request or model take the process down.
 */
import {EngineError, describeError, type EngineErrorData} from "../errors";
import {parseHostMessage, parsePart, type EventOf, type LogLevel, type Method, type ParamsOf, type ResultOf, type WorkerMessage} from "../protocol";
import {runChat} from "./chat";
import {runComplete} from "./complete";
import {deleteModel, discardPartial, importModel, modelsOverview, planModel} from "./modelManager";
import {ModelRuntime} from "./runtime";
import {runStructured} from "./structured";

type Handler<M extends Method> = (params: ParamsOf<M>, signal: AbortSignal, emit: (event: EventOf<M>) => void) => Promise<ResultOf<M>>;

function send(message: WorkerMessage): void {
    // The host is gone (it crashed or was killed): nothing to answer, and nothing to keep us alive.
    if (!process.connected) process.exit(0);
    process.send?.(message);
}

const log = (level: LogLevel, message: string) => send({type: "log", level, message});
const runtime = new ModelRuntime(log);
const active = new Map<number, AbortController>();

const handlers: {[M in Method]: Handler<M>} = {
    load: (params, signal, emit) => runtime.load(params, (fraction) => emit({kind: "progress", fraction: Math.min(1, Math.max(0, fraction))}), signal),
    unload: async ({model}) => {
        await runtime.unload(model ?? "chat");
        return null;
    },
    info: async ({model}) => runtime.info(model),
    chat: (params, signal, emit) => runChat(runtime.require("chat"), params, signal, emit),
    complete: (params, signal, emit) => runComplete(runtime.require(params.model), params, signal, emit),
    structured: (params, signal) => runStructured(runtime.require("chat"), params, signal),
    tokenize: async ({text, specialTokens, model}) => ({tokens: [...runtime.require(model).model.tokenize(text, specialTokens ?? false)]}),
    countTokens: async ({text, specialTokens, model}) => ({count: runtime.require(model).model.tokenize(text, specialTokens ?? false).length}),
    modelsOverview: (params) => modelsOverview(params, (gpu) => runtime.hardware(gpu)),
    importModel: (params, signal, emit) => importModel(params, signal, emit),
    deleteModel: (params) => deleteModel(params),
    discardPartialDownload: (params) => discardPartial(params),
    planModel: (params) => planModel(params, (gpu) => runtime.hardware(gpu))
};

async function handle<M extends Method>(id: number, method: M, rawParams: unknown): Promise<void> {
    const params = parsePart(method, "params", rawParams);
    if (!params.ok) {
        send({type: "error", id, error: {code: "InvalidRequest", message: `Invalid ${method} request.`, detail: params.error}});
        return;
    }
    const controller = new AbortController();
    active.set(id, controller);
    try {
        const handler = handlers[method] as Handler<M>;
        const result = await handler(params.value, controller.signal, (event) => send({type: "event", id, event}));
        send({type: "result", id, result});
    } catch (error) {
        send({type: "error", id, error: toErrorData(error, controller.signal.aborted)});
    } finally {
        active.delete(id);
    }
}

function toErrorData(error: unknown, aborted: boolean): EngineErrorData {
    if (error instanceof EngineError) return error.toData();
    if (aborted) return {code: "Aborted", message: "The request was cancelled.", detail: describeError(error)};
    return {code: "Internal", message: "The model failed while handling the request.", detail: describeError(error)};
}

async function shutdown(): Promise<void> {
    for (const controller of active.values()) controller.abort();
    try {
        await runtime.dispose();
    } finally {
        process.exit(0);
    }
}

process.on("message", (raw: unknown) => {
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
        log("error", `Ignored a malformed message from the host: ${parsed.error}`);
        return;
    }
    const message = parsed.value;
    switch (message.type) {
        case "request":
            void handle(message.id, message.method, message.params);
            break;
        case "cancel":
            active.get(message.id)?.abort();
            break;
        case "shutdown":
            void shutdown();
            break;
    }
});
process.on("disconnect", () => process.exit(0));
// A bug in one request must not end the process (and every other request with it).
process.on("uncaughtException", (error) => log("error", `Uncaught error in the model process: ${describeError(error)}`));
process.on("unhandledRejection", (reason) => log("error", `Unhandled rejection in the model process: ${describeError(reason)}`));

send({type: "ready", pid: process.pid});
