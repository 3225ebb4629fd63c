import {homedir} from "node:os";
import {join} from "node:path";
import * as vscode from "vscode";
import type {LoadParams, ModelRole} from "../engine/protocol";
import type {InstalledRole} from "../models/catalogue";
import type {ChatSettings} from "../chat/chatController";
import {thinkingLevels, thoughtBudgets} from "../engine/chatBudgets";
import {Disposable} from "../engine/lifecycle";
import type {EngineClient} from "../engine/client";
import {
    effectiveTarget,
    fullSettingKey,
    modelLoadKeys,
    settingSpecs,
    type SettingKey,
    type SettingSection,
    type SettingTarget,
    type SettingValue
} from "./settingKeys";

/** Reads `enclave.<key>` (for `scope`'s folder when given), or its default from settingKeys.ts. */
export function readSetting<K extends SettingKey>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
    const fallback = settingSpecs[key].default as SettingValue<K>;
    return vscode.workspace.getConfiguration("enclave", scope).get<SettingValue<K>>(key, fallback);
}

const targets: Record<SettingTarget, vscode.ConfigurationTarget> = {
    workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
    workspace: vscode.ConfigurationTarget.Workspace,
    user: vscode.ConfigurationTarget.Global
};

/**
 * Writes `enclave.<key>` to the settings file where it is in effect now (settingKeys.ts'
 * effectiveTarget) and returns that place in words for the message that reports the change
 * ("user settings", "workspace settings", "workspace folder settings").
 */
export async function writeSetting<K extends SettingKey>(key: K, value: SettingValue<K> | undefined, scope?: vscode.ConfigurationScope): Promise<string> {
    const config = vscode.workspace.getConfiguration("enclave", scope);
    const target = effectiveTarget(config.inspect(key));
    await config.update(key, value, targets[target]);
    return targetWords(target);
}

export function targetWords(target: SettingTarget): string {
    switch (target) {
        case "workspaceFolder":
            return vscode.l10n.t("workspace folder settings");
        case "workspace":
            return vscode.l10n.t("workspace settings");
        case "user":
            return vscode.l10n.t("user settings");
    }
}

/** Whether a configuration change touches any of `keys` (setting keys or whole `enclave.<section>`s). */
export function affectsSettings(event: vscode.ConfigurationChangeEvent, keys: readonly (SettingKey | SettingSection)[], scope?: vscode.ConfigurationScope): boolean {
    return keys.some((key) => event.affectsConfiguration(fullSettingKey(key), scope));
}

/** The name of a setting as the user sees it in messages and the Settings editor: `enclave.chat.model`. */
export function settingName(key: SettingKey): string {
    return fullSettingKey(key);
}

/** Reads `enclave.*` settings into engine terms. */
export function readChatModel(): LoadParams | undefined {
    return readModel("chat");
}

/** The separate completion model, when one is set; otherwise completions use the chat model. */
export function readCompletionModel(): LoadParams | undefined {
    return readModel("completion");
}

const modelSettingKeys = {chat: "chat.model", completion: "completion.model", embedding: "workspace.embeddingModel"} as const satisfies Record<InstalledRole, SettingKey>;

function readModel(role: ModelRole): LoadParams | undefined {
    const modelPath = readSetting(modelSettingKeys[role]).trim();
    if (modelPath === "") return undefined;
    return {
        modelPath: expandHome(modelPath),
        contextSize: readSetting("engine.contextSize"),
        threads: readSetting("engine.threads"),
        gpu: readEngineGpu(),
        gpuLayers: readGpuLayers(readSetting("engine.gpuLayers"))
    };
}

/** "auto" (or anything that is not a whole number ≥ 0): as many layers as fit, node-llama-cpp's own choice. */
function readGpuLayers(value: unknown): number | undefined {
    return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The configured model file of `role`, as written in the settings (home expanded), or undefined. */
export function readModelPath(role: ModelRole): string | undefined {
    return (role === "chat" ? readChatModel() : readCompletionModel())?.modelPath;
}

/**
 * Makes `modelPath` the model of `role` (undefined: none — for completions, use the chat model).
 * Written where the setting is in effect now: a workspace value would otherwise hide a user value.
 * Returns where it was written, in words.
 */
export function useModel(role: InstalledRole, modelPath: string | undefined): Promise<string> {
    return writeSetting(modelSettingKeys[role], modelPath);
}

/**
 * The embedding model that re-ranks the workspace search: a path (home expanded), or an
 * embedding preset's id (resolved against the models folder); undefined when none is set.
 */
export function readEmbeddingModelSetting(): string | undefined {
    const value = readSetting("workspace.embeddingModel").trim();
    return value === "" ? undefined : expandHome(value);
}

/** Where downloaded and imported models go. Default: `~/.enclave/models`, beside the user's other files and kept across reinstalls. */
export function readModelsFolder(): string {
    const folder = readSetting("models.folder").trim();
    return folder === "" ? join(homedir(), ".enclave", "models") : expandHome(folder);
}

/** Whether the engine may use the GPU: the fit check judges the machine the same way. */
export function readEngineGpu(): "auto" | "off" {
    return readSetting("engine.gpu") === "off" ? "off" : "auto";
}

/** The Hugging Face server downloads come from (a mirror, or a loopback server in tests). */
export function readHuggingFaceEndpoint(): string {
    const endpoint = readSetting("models.huggingFaceEndpoint").trim();
    return endpoint === "" ? settingSpecs["models.huggingFaceEndpoint"].default : endpoint;
}

export function readChatSettings(): ChatSettings {
    const name = readSetting("chat.thinkingBudget");
    const budget = (thinkingLevels as readonly string[]).includes(name) ? name : settingSpecs["chat.thinkingBudget"].default;
    return {
        temperature: readSetting("chat.temperature"),
        maxTokens: readSetting("chat.maxTokens"),
        thoughtBudget: thoughtBudgets[budget],
        budgetLabel: `Thinking: ${budget}`
    };
}

export function readRequestTimeoutMs(): number {
    return Math.max(1, readSetting("engine.requestTimeoutSeconds")) * 1000;
}

/** How long the shared model process stays up without requests when this window starts it. */
export function readIdleExitMs(): number {
    return Math.max(1, readSetting("engine.idleExitMinutes")) * 60_000;
}

function expandHome(path: string): string {
    const home = process.env.HOME ?? process.env.USERPROFILE;
    return home && (path === "~" || path.startsWith("~/")) ? home + path.slice(1) : path;
}

/**
 * Keeps the engine in step with the settings, without a reload: the configured models (the load
 * itself waits for first use) and the request timeout and idle exit of the model process.
 */
export class ModelSettingsSync extends Disposable {
    constructor(engine: EngineClient) {
        super();
        const syncModels = () => {
            engine.configure(readChatModel());
            engine.configureCompletion(readCompletionModel());
        };
        syncModels();
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (affectsSettings(event, modelLoadKeys)) syncModels();
                if (affectsSettings(event, ["engine.requestTimeoutSeconds", "engine.idleExitMinutes"]))
                    engine.setTimeouts({requestTimeoutMs: readRequestTimeoutMs(), idleExitMs: readIdleExitMs()});
            })
        );
    }
}
