import * as vscode from "vscode";
import type {LoadParams} from "../engine/protocol";
import {Disposable} from "../engine/lifecycle";
import type {EngineClient} from "../engine/client";

/** Reads `enclave.*` settings into engine terms. */
export function readChatModel(): LoadParams | undefined {
    const config = vscode.workspace.getConfiguration("enclave");
    const modelPath = config.get<string>("chat.model", "").trim();
    if (modelPath === "") return undefined;
    return {
        modelPath: expandHome(modelPath),
        contextSize: config.get<number>("engine.contextSize", 0),
        threads: config.get<number>("engine.threads", 0),
        gpu: config.get<"auto" | "off">("engine.gpu", "auto")
    };
}

export interface ChatSettings {
    temperature: number;
    maxTokens: number;
    thoughtBudget: number;
}

export function readChatSettings(): ChatSettings {
    const config = vscode.workspace.getConfiguration("enclave.chat");
    return {
        temperature: config.get<number>("temperature", 0.6),
        maxTokens: config.get<number>("maxTokens", 4096),
        thoughtBudget: config.get<number>("thinkingBudget", -1)
    };
}

export function readRequestTimeoutMs(): number {
    return vscode.workspace.getConfiguration("enclave.engine").get<number>("requestTimeoutSeconds", 120) * 1000;
}

function expandHome(path: string): string {
    const home = process.env.HOME ?? process.env.USERPROFILE;
    return home && (path === "~" || path.startsWith("~/")) ? home + path.slice(1) : path;
}

/** Keeps the engine's configured model in step with the settings; the load itself waits for first use. */
export class ModelSettingsSync extends Disposable {
    constructor(engine: EngineClient) {
        super();
        engine.configure(readChatModel());
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (event.affectsConfiguration("enclave.chat.model") || event.affectsConfiguration("enclave.engine"))
                    engine.configure(readChatModel());
            })
        );
    }
}
