/**
 * What the model process does for each request of one client (a window, a CLI run). Requests for
 * a role's model run on the model that client bound the role to (runtime.ts), so two windows with
 * different models each get their own.
 */
import type {Handlers} from "../channel/rpcServer";
import type {EngineBackend} from "./engineServer";
import type {Methods, ProcessStatus} from "../protocol";
import {runChat} from "./chat";
import {runComplete} from "./complete";
import {deleteModel, discardPartial, importModel, modelsOverview, planModel} from "./modelManager";
import type {ModelRuntime} from "./runtime";
import {runStructured} from "./structured";

export interface ProcessControl {
    status(): Promise<ProcessStatus>;
    /** Ends the process for every client (after answering this request). */
    exit(): void;
}

/** The model process's backend: each client's handlers on the one runtime. */
export function runtimeBackend(runtime: ModelRuntime): EngineBackend {
    return {
        handlersFor: (client, control) => handlersFor(client, runtime, control),
        disconnect: (client) => runtime.disconnect(client),
        models: () => runtime.status(),
        dispose: () => runtime.dispose()
    };
}

function handlersFor(client: number, runtime: ModelRuntime, control: ProcessControl): Handlers<Methods> {
    return {
        load: (params, signal, emit) => runtime.load(client, params, (fraction) => emit({kind: "progress", fraction: Math.min(1, Math.max(0, fraction))}), signal),
        unload: async ({model}) => {
            await runtime.unload(client, model ?? "chat");
            return null;
        },
        info: async ({model}) => runtime.info(client, model),
        chat: (params, signal, emit) => runChat(runtime.require(client, "chat"), params, signal, emit),
        complete: (params, signal, emit) => runComplete(runtime.require(client, params.model), params, signal, emit, client),
        structured: (params, signal) => runStructured(runtime.require(client, "chat"), params, signal),
        tokenize: async ({text, specialTokens, model}) => ({tokens: [...runtime.require(client, model).model.tokenize(text, specialTokens ?? false)]}),
        countTokens: async ({text, specialTokens, model}) => ({count: runtime.require(client, model).model.tokenize(text, specialTokens ?? false).length}),
        embed: (params, signal) => runtime.embeddings.embed(params, signal),
        status: () => control.status(),
        unloadModel: async ({modelPath}) => ({unloaded: await runtime.unloadModel(modelPath)}),
        exit: async () => {
            control.exit();
            return null;
        },
        // The picker's plans count the models loaded for every window, as a load would.
        modelsOverview: (params) => modelsOverview(params, (gpu) => runtime.hardware(gpu), runtime.besides()),
        importModel: (params, signal, emit) => importModel(params, signal, emit),
        deleteModel: (params) => deleteModel(params),
        discardPartialDownload: (params) => discardPartial(params),
        planModel: (params) => planModel(params, (gpu) => runtime.hardware(gpu), runtime.besides())
    };
}
