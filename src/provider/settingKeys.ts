/**
 * Every `enclave.*` setting, once: its key, its default and its scope. package.json's
 * `contributes.configuration` must say the same (a unit test compares them), and no other file
 * spells a setting key: readers and writers go through settings.ts with a key of this table.
 * Free of `vscode` so that the unit tests can read it.
 */
import {defaultAnswerTokens, defaultThinking, type ThinkingLevel} from "../engine/chatBudgets";

/** The `scope` of a contributed setting; package.json leaves it out for "window", VS Code's default. */
export type SettingScope = "application" | "machine" | "machine-overridable" | "window" | "resource" | "language-overridable";

interface SettingSpec<T> {
    readonly default: T;
    readonly scope: SettingScope;
}

const spec = <T>(value: T, scope: SettingScope = "window"): SettingSpec<T> => ({default: value, scope});

export const settingSpecs = {
    // Paths of this machine: Settings Sync must not carry a Linux path to a Mac (machine-overridable:
    // still settable per workspace, where a project may pin its own model).
    "chat.model": spec("", "machine-overridable"),
    "completion.model": spec("", "machine-overridable"),
    "models.folder": spec("", "machine-overridable"),
    "models.huggingFaceEndpoint": spec("https://huggingface.co"),
    "completion.enabled": spec(true),
    "completion.languages": spec<Record<string, boolean>>({"*": true, plaintext: false, markdown: false, scminput: false}),
    "completion.maxTokens": spec(64),
    "completion.timeCapMs": spec(1000),
    "chat.temperature": spec(0.6),
    "chat.maxTokens": spec(defaultAnswerTokens),
    "chat.thinkingBudget": spec<ThinkingLevel>(defaultThinking),
    "engine.threads": spec(0),
    "engine.contextSize": spec(0),
    "engine.gpu": spec<"auto" | "off">("auto"),
    "engine.gpuLayers": spec<"auto" | number>("auto"),
    "engine.idleExitMinutes": spec(5),
    "engine.requestTimeoutSeconds": spec(120),
    "workspace.maxFileKB": spec(512, "resource"),
    "workspace.maxFiles": spec(25_000, "resource"),
    "workspace.embeddingModel": spec("", "machine-overridable"),
    // Where code may be sent: only the user's own settings on this machine decide it ("machine":
    // a workspace's settings cannot point a cloned repository's code at another server, and
    // Settings Sync does not carry it to another computer).
    "remote.url": spec("", "machine"),
    "remote.model": spec("", "machine"),
    "remote.roles": spec<readonly "chat"[]>([], "machine"),
    "remote.contextSize": spec(32_768, "machine")
} as const satisfies Record<string, SettingSpec<unknown>>;

export type SettingKey = keyof typeof settingSpecs;
/** The type a setting holds: its default's type, widened (`"" ` → string, `64` → number). */
export type SettingValue<K extends SettingKey> = Widen<(typeof settingSpecs)[K]["default"]>;
type Widen<T> = T extends string ? (string extends T ? string : T) : T extends number ? number : T extends boolean ? boolean : T;

/** Where `enclave.<section>` settings live, for `onDidChangeConfiguration` and the workspace index. */
export const settingSections = ["chat", "completion", "engine", "models", "workspace", "remote"] as const;
export type SettingSection = (typeof settingSections)[number];

export function fullSettingKey(key: SettingKey | SettingSection): string {
    return `enclave.${key}`;
}

/** The engine settings that a loaded model is planned with: a change reconfigures the engine. */
export const modelLoadKeys = ["chat.model", "completion.model", "engine.threads", "engine.contextSize", "engine.gpu", "engine.gpuLayers"] as const satisfies readonly SettingKey[];

/** Which settings file a value comes from, as `WorkspaceConfiguration.inspect()` reports it. */
export interface InspectedSetting {
    workspaceFolderValue?: unknown;
    workspaceValue?: unknown;
}

export type SettingTarget = "workspaceFolder" | "workspace" | "user";

/**
 * Where a command must write a setting for the change to take effect: the most specific file that
 * sets it now (a folder value hides a workspace value, which hides the user's), else the user's.
 * Writing to the user settings under a workspace value would change nothing the user can see.
 */
export function effectiveTarget(inspected: InspectedSetting | undefined): SettingTarget {
    if (inspected?.workspaceFolderValue !== undefined) return "workspaceFolder";
    if (inspected?.workspaceValue !== undefined) return "workspace";
    return "user";
}
