import {basename} from "node:path";
import type {EngineState} from "../../engine/client";
import type {ModelSummary} from "../../webview/protocol";

/**
 * The chat model as the chat panel shows it before and between answers: the configured file
 * (`modelPath`, from the settings) and what the engine says of it. The name is the model's own
 * once it is loaded, else the file's name without `.gguf`.
 */
export function chatModelStatus(modelPath: string | undefined, state: EngineState): ModelSummary | null {
    if (modelPath === undefined) return null;
    const fileName = basename(modelPath).replace(/\.gguf$/i, "");
    switch (state.kind) {
        case "ready":
            return state.info.modelPath === modelPath
                ? {name: state.info.name ?? fileName, state: "ready", contextSize: state.info.contextSize}
                : {name: fileName, state: "notLoaded"};
        case "loading":
            return {name: fileName, state: state.modelPath === modelPath ? "loading" : "notLoaded"};
        case "error":
            return {name: fileName, state: "error"};
        case "notLoaded":
            return {name: fileName, state: "notLoaded"};
    }
}
