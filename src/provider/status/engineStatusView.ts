/**
 * What the model's status bar item says in each engine state, as plain data (engineStatusBar.ts
 * puts it on screen). Every state names the model — by its own name, not its file's — and a click
 * always does the next useful thing: set one up, choose another, show the details, or fix the
 * error the tooltip explains.
 */
import type {EngineState} from "../../engine/client";
import type {EngineErrorCode} from "../../engine/errors";
import {formatBytes} from "../../models/units";
import {modelDisplayName, shortenName} from "../../models/modelName";
import type {Translate} from "./translate";

export interface StatusView {
    text: string;
    /** Markdown. */
    tooltip: string;
    command: string;
    severity?: "error" | "warning";
}

export interface EngineStatusContext {
    chatModel: string | undefined;
    completionModel: string | undefined;
    /** Windows connected to the model process, this one included. */
    sharedWindows: number;
}

/** The longest model name the item shows; the tooltip has the whole one. */
const maxNameLength = 40;

/** The action a click on an error takes, by the error's code, and the words the tooltip ends with. */
function errorAction(code: EngineErrorCode, t: Translate): {command: string; words: string} {
    switch (code) {
        case "NoModelConfigured":
            return {command: "enclave.setUp", words: t("Click to set up a model.")};
        case "ModelNotFound":
        case "NotGguf":
        case "CorruptModel":
        case "UnsupportedArchitecture":
        case "InsufficientMemory":
            return {command: "enclave.pickModel", words: t("Click to choose another model.")};
        case "EngineCrashed":
        case "Timeout":
        case "Refused":
            return {command: "enclave.restartEngine", words: t("Click to restart the model process.")};
        default:
            return {command: "enclave.showLog", words: t("Click to open the log.")};
    }
}

export function engineStatusView(state: EngineState, context: EngineStatusContext, t: Translate): StatusView {
    const {chatModel, completionModel, sharedWindows} = context;
    const completionLine = (chatName: string) =>
        completionModel === undefined
            ? t("- completions: {0} (the chat model)", chatName)
            : t("- completions: {0}", modelDisplayName(completionModel));
    switch (state.kind) {
        case "notLoaded": {
            if (chatModel === undefined) {
                return {
                    text: `$(circle-outline) ${t("Enclave: no model")}`,
                    tooltip: t("**Enclave** has no model yet. Click to set one up: download one, or choose or import a GGUF file."),
                    command: "enclave.setUp"
                };
            }
            const name = modelDisplayName(chatModel);
            return {
                text: `$(circle-outline) Enclave: ${shortenName(name, maxNameLength)}`,
                tooltip: [
                    t("**Enclave** — {0}, not loaded yet: it loads on first use.", name),
                    "",
                    completionLine(name),
                    "",
                    t("Click to choose another model.")
                ].join("\n"),
                command: "enclave.pickModel"
            };
        }
        case "loading": {
            const name = modelDisplayName(state.modelPath);
            return {
                text: `$(loading~spin) Enclave: ${t("loading {0}%", Math.round(state.fraction * 100))}`,
                tooltip: t("**Enclave** is loading {0} ({1}%). Click to see the model's details once it is loaded.", name, Math.round(state.fraction * 100)),
                command: "enclave.showModelInfo"
            };
        }
        case "ready": {
            const info = state.info;
            const name = modelDisplayName(info.modelPath, info.name);
            const shared = sharedWindows > 1 ? ` · ${t("{0} windows", sharedWindows)}` : "";
            return {
                text: `$(check) Enclave: ${shortenName(name, maxNameLength)} · ${formatBytes(info.memory.rssBytes)}${shared}`,
                tooltip: [
                    t("**Enclave** — {0} is ready", name),
                    "",
                    t("- chat: {0} ({1}, {2} parameters)", name, info.architecture, formatCount(info.parameterCount)),
                    completionLine(name),
                    t("- context {0} tokens · {1} threads · {2}", info.contextSize.toLocaleString("en"), info.threads, info.gpu),
                    t("- memory of the model process: {0} (chat model {1})", formatBytes(info.memory.rssBytes), formatBytes(info.memory.modelBytes)),
                    sharedWindows > 1
                        ? t("- shared by {0} VS Code windows: one model process and one copy of each model for all of them", sharedWindows)
                        : t("- one model process for every VS Code window of yours (only this one uses it now)"),
                    "",
                    t("Click to choose another model.")
                ].join("\n"),
                command: "enclave.pickModel"
            };
        }
        case "error": {
            const action = errorAction(state.error.code, t);
            const subject = chatModel === undefined ? undefined : modelDisplayName(chatModel);
            return {
                text: `$(error) Enclave: ${subject === undefined ? t("error") : t("{0} failed", shortenName(subject, maxNameLength))}`,
                tooltip: [
                    subject === undefined ? t("**Enclave** ran into a problem.") : t("**Enclave** could not use {0}.", subject),
                    "",
                    state.error.message,
                    "",
                    action.words
                ].join("\n"),
                command: action.command,
                severity: "error"
            };
        }
    }
}

function formatCount(count: number): string {
    if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
    if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
    return count.toLocaleString("en");
}
