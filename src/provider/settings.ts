import {homedir} from "node:os";
import {join} from "node:path";
import * as vscode from "vscode";
import type {LoadParams, ModelRole} from "../engine/protocol";
import type {InstalledRole} from "../models/catalogue";
import type {ChatSettings} from "../chat/chatController";
import {defaultAnswerTokens, defaultThinking, thinkingLevels, thoughtBudgets, type ThinkingLevel} from "../engine/chatBudgets";
import {Disposable} from "../engine/lifecycle";
import type {EngineClient} from "../engine/client";

/** Reads `enclave.*` settings into engine terms. */
export function readChatModel(): LoadParams | undefined {
    return readModel("chat.model");
}

/** The separate completion model, when one is set; otherwise completions use the chat model. */
export function readCompletionModel(): LoadParams | undefined {
    return readModel("completion.model");
}

function readModel(key: "chat.model" | "completion.model"): LoadParams | undefined {
    const config = vscode.workspace.getConfiguration("enclave");
    const modelPath = config.get<string>(key, "").trim();
    if (modelPath === "") return undefined;
    return {
        modelPath: expandHome(modelPath),
        contextSize: config.get<number>("engine.contextSize", 0),
        threads: config.get<number>("engine.threads", 0),
        gpu: config.get<"auto" | "off">("engine.gpu", "auto"),
        gpuLayers: readGpuLayers(config.get<unknown>("engine.gpuLayers", "auto"))
    };
}

/** "auto" (or anything that is not a whole number ≥ 0): as many layers as fit, node-llama-cpp's own choice. */
function readGpuLayers(value: unknown): number | undefined {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

const modelSettingKeys: Record<InstalledRole, "chat.model" | "completion.model" | "workspace.embeddingModel"> = {
    chat: "chat.model",
    completion: "completion.model",
    embedding: "workspace.embeddingModel"
};

/** The configured model file of `role`, as written in the settings (home expanded), or undefined. */
export function readModelPath(role: ModelRole): string | undefined {
    return (role === "chat" ? readChatModel() : readCompletionModel())?.modelPath;
}

/**
 * Makes `modelPath` the model of `role` (undefined: none — for completions, use the chat model).
 * Written where the setting is in effect now: a workspace value would otherwise hide a user value.
 */
export async function useModel(role: InstalledRole, modelPath: string | undefined): Promise<void> {
    const key = modelSettingKeys[role];
    const config = vscode.workspace.getConfiguration("enclave");
    const target = config.inspect<string>(key)?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update(key, modelPath, target);
}

/**
 * The embedding model that re-ranks the workspace search: a path (home expanded), or an
 * embedding preset's id (resolved against the models folder); undefined when none is set.
 */
export function readEmbeddingModelSetting(): string | undefined {
    const value = vscode.workspace.getConfiguration("enclave.workspace").get<string>("embeddingModel", "").trim();
    return value === "" ? undefined : expandHome(value);
}

/** Where downloaded and imported models go. Default: `~/.enclave/models`, beside the user's other files and kept across reinstalls. */
export function readModelsFolder(): string {
    const folder = vscode.workspace.getConfiguration("enclave.models").get<string>("folder", "").trim();
    return folder === "" ? join(homedir(), ".enclave", "models") : expandHome(folder);
}

/** Whether the engine may use the GPU: the fit check judges the machine the same way. */
export function readEngineGpu(): "auto" | "off" {
    return vscode.workspace.getConfiguration("enclave.engine").get<string>("gpu", "auto") === "off" ? "off" : "auto";
}

/** The Hugging Face server downloads come from (a mirror, or a loopback server in tests). */
export function readHuggingFaceEndpoint(): string {
    const endpoint = vscode.workspace.getConfiguration("enclave.models").get<string>("huggingFaceEndpoint", "").trim();
    return endpoint === "" ? "https://huggingface.co" : endpoint;
}

export function readChatSettings(): ChatSettings {
    const config = vscode.workspace.getConfiguration("enclave.chat");
    const name = config.get<string>("thinkingBudget", defaultThinking);
    const budget = (thinkingLevels as readonly string[]).includes(name) ? (name as ThinkingLevel) : defaultThinking;
    return {
        temperature: config.get<number>("temperature", 0.6),
        maxTokens: config.get<number>("maxTokens", defaultAnswerTokens),
        thoughtBudget: thoughtBudgets[budget],
        budgetLabel: `Thinking: ${budget}`
    };
}

export function readRequestTimeoutMs(): number {
    return vscode.workspace.getConfiguration("enclave.engine").get<number>("requestTimeoutSeconds", 120) * 1000;
}

/** How long the shared model process stays up without requests when this window starts it. */
export function readIdleExitMs(): number {
    return Math.max(1, vscode.workspace.getConfiguration("enclave.engine").get<number>("idleExitMinutes", 5)) * 60_000;
}

function expandHome(path: string): string {
    const home = process.env.HOME ?? process.env.USERPROFILE;
    return home && (path === "~" || path.startsWith("~/")) ? home + path.slice(1) : path;
}

/** Keeps the engine's configured model in step with the settings; the load itself waits for first use. */
export class ModelSettingsSync extends Disposable {
    constructor(engine: EngineClient) {
        super();
        const sync = () => {
            engine.configure(readChatModel());
            engine.configureCompletion(readCompletionModel());
        };
        sync();
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (["enclave.chat.model", "enclave.completion.model", "enclave.engine"].some((key) => event.affectsConfiguration(key))) sync();
            })
        );
    }
}
