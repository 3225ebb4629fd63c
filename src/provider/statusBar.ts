import * as vscode from "vscode";
import type {EngineClient, EngineState} from "../engine/client";
import {Disposable} from "../engine/lifecycle";
import {basename} from "node:path";
import {readModelPath} from "./settings";

/**
 * The active model(s) and the engine's state at a glance: "no model" · the configured model(s),
 * not loaded yet · loading n% · ready with the model process's memory, and how many windows share
 * that process when more than this one · error.
 */
export class EngineStatusBar extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.engine", vscode.StatusBarAlignment.Right, 100));

    constructor(private readonly engine: EngineClient) {
        super();
        this.item.name = "Enclave Model";
        this.render(engine.state);
        this.register(engine.onDidChangeState((state) => this.render(state)));
        this.register(engine.onDidChangeSharing(() => this.render(this.engine.state)));
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (event.affectsConfiguration("enclave.chat.model") || event.affectsConfiguration("enclave.completion.model")) this.render(this.engine.state);
            })
        );
        this.item.show();
    }

    /** What the item shows now (read by the integration tests). */
    get text(): string {
        return this.item.text;
    }

    private render(state: EngineState): void {
        const item = this.item;
        item.backgroundColor = undefined;
        const chat = readModelPath("chat");
        const completion = readModelPath("completion");
        const models = modelNames(chat, completion);
        switch (state.kind) {
            case "notLoaded":
                if (chat === undefined) {
                    item.text = "$(circle-outline) Enclave: no model";
                    item.tooltip = "Enclave: no model yet. Click to set one up (download, choose or import a GGUF file).";
                    item.command = "enclave.setUp";
                } else {
                    item.text = `$(circle-outline) Enclave: ${models}`;
                    item.tooltip = `Enclave: ${describeModels(chat, completion)} — not loaded; it loads on first use. Click to choose another model.`;
                    item.command = "enclave.pickModel";
                }
                break;
            case "loading":
                item.text = `$(loading~spin) Enclave: loading ${Math.round(state.fraction * 100)}%`;
                item.tooltip = `Loading ${basename(state.modelPath)}`;
                item.command = "enclave.showLog";
                break;
            case "ready": {
                const info = state.info;
                const windows = this.engine.sharedWindows;
                const shared = windows > 1 ? ` · ${windows} windows` : "";
                item.text = `$(check) Enclave: ${modelNames(info.modelPath, completion)} · ${formatMemory(info.memory.rssBytes)}${shared}`;
                item.tooltip = new vscode.MarkdownString(
                    [
                        `**Enclave** — model ready`,
                        `- chat: ${info.name ?? basename(info.modelPath)} (${info.architecture}, ${formatCount(info.parameterCount)} parameters)`,
                        `- completions: ${completion === undefined ? "the chat model" : basename(completion)}`,
                        `- context ${info.contextSize.toLocaleString("en")} tokens · ${info.threads} threads · ${info.gpu}`,
                        `- memory of the model process: ${formatMemory(info.memory.rssBytes)} (chat model ${formatMemory(info.memory.modelBytes)})`,
                        windows > 1
                            ? `- shared by ${windows} VS Code windows: one model process and one copy of each model for all of them`
                            : `- one model process for every VS Code window of yours (only this one uses it now)`,
                        ``,
                        `Click to choose another model.`
                    ].join("\n")
                );
                item.command = "enclave.pickModel";
                break;
            }
            case "error":
                item.text = "$(error) Enclave: error";
                item.tooltip = `Enclave: ${state.error.message} Click to open the log.`;
                item.command = "enclave.showLog";
                item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
                break;
        }
    }
}

/** "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M" or "<chat> + <completion>": file names without ".gguf", long ones shortened. */
function modelNames(chat: string | undefined, completion: string | undefined): string {
    return [chat, completion].filter((path) => path !== undefined).map((path) => shortName(path)).join(" + ");
}

function shortName(path: string): string {
    const name = basename(path).replace(/\.gguf$/i, "").replace(/-00001-of-\d{5}$/, "");
    return name.length > 32 ? `${name.slice(0, 31)}…` : name;
}

function describeModels(chat: string, completion: string | undefined): string {
    return completion === undefined ? `${basename(chat)} for chat and completions` : `${basename(chat)} for chat, ${basename(completion)} for completions`;
}

export function formatMemory(bytes: number): string {
    return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

function formatCount(count: number): string {
    if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
    if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
    return count.toLocaleString("en");
}
