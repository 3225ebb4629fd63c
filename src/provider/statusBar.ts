import * as vscode from "vscode";
import type {EngineClient, EngineState} from "../engine/client";
import {Disposable} from "../engine/lifecycle";
import {basename} from "node:path";

/** The model's state at a glance: not loaded · loading · ready (with memory) · error. */
export class EngineStatusBar extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.engine", vscode.StatusBarAlignment.Right, 100));

    constructor(engine: EngineClient) {
        super();
        this.item.name = "Enclave Model";
        this.render(engine.state);
        this.register(engine.onDidChangeState((state) => this.render(state)));
        this.item.show();
    }

    /** What the item shows now (read by the integration tests). */
    get text(): string {
        return this.item.text;
    }

    private render(state: EngineState): void {
        const item = this.item;
        item.backgroundColor = undefined;
        switch (state.kind) {
            case "notLoaded":
                item.text = "$(circle-outline) Enclave";
                item.tooltip = "Enclave: no model loaded. It loads on first use. Click to choose a model file.";
                item.command = "enclave.chooseModelFile";
                break;
            case "loading":
                item.text = `$(loading~spin) Enclave: loading ${Math.round(state.fraction * 100)}%`;
                item.tooltip = `Loading ${basename(state.modelPath)}`;
                item.command = "enclave.showLog";
                break;
            case "ready": {
                const info = state.info;
                item.text = `$(check) Enclave: ${formatMemory(info.memory.rssBytes)}`;
                item.tooltip = new vscode.MarkdownString(
                    [
                        `**Enclave** — model ready`,
                        `- ${info.name ?? basename(info.modelPath)} (${info.architecture}, ${formatCount(info.parameterCount)} parameters)`,
                        `- context ${info.contextSize.toLocaleString("en")} tokens · ${info.threads} threads · ${info.gpu}`,
                        `- memory: ${formatMemory(info.memory.rssBytes)} (model ${formatMemory(info.memory.modelBytes)})`
                    ].join("\n")
                );
                item.command = "enclave.showModelInfo";
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

export function formatMemory(bytes: number): string {
    return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`;
}

function formatCount(count: number): string {
    if (count >= 1e9) return `${(count / 1e9).toFixed(1)}B`;
    if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
    return count.toLocaleString("en");
}
