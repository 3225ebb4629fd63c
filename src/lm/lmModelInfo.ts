/**
 * How Enclave's chat model is described to VS Code's model picker and to other extensions: named as
 * the status bar names it, sized from the loaded context (or, before the first load, the configured
 * one, else a conservative default), and with no tool calling (R1 distills are weak at tool use).
 */
import {modelDisplayName} from "../models/modelName";

/** The vendor Enclave registers (package.json `languageModelChatProviders`). */
export const lmVendor = "enclave";
/** The context assumed before the model has loaded and no size is configured: small, so callers do not overfill. */
export const defaultContextTokens = 4096;

export interface LmModelSource {
    modelPath: string;
    /** `general.name` from the GGUF header, once loaded. */
    generalName?: string | undefined;
    /** The loaded context, or the configured one (0 / absent: unknown). */
    contextSize?: number | undefined;
    /** The answer's room (`enclave.chat.maxTokens`). */
    maxOutputTokens: number;
    architecture?: string | undefined;
}

export interface LmModelDescription {
    id: string;
    name: string;
    family: string;
    version: string;
    detail: string;
    tooltip: string;
    maxInputTokens: number;
    maxOutputTokens: number;
    capabilities: {toolCalling: false; imageInput: false};
}

export function describeLmModel(source: LmModelSource): LmModelDescription {
    const name = modelDisplayName(source.modelPath, source.generalName);
    const context = source.contextSize !== undefined && source.contextSize > 0 ? source.contextSize : defaultContextTokens;
    const maxOutputTokens = Math.min(source.maxOutputTokens, Math.floor(context / 2));
    return {
        // One chat model at a time: a stable id, so a caller's choice survives a model switch.
        id: "enclave-chat",
        name,
        family: source.architecture ?? "gguf",
        version: name,
        detail: "Enclave · local",
        tooltip: `${name}, running locally in Enclave's model process. Nothing leaves this machine.`,
        maxInputTokens: context - maxOutputTokens,
        maxOutputTokens,
        capabilities: {toolCalling: false, imageInput: false}
    };
}
