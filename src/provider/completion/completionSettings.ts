import * as vscode from "vscode";

/** `enclave.completion.*`: on/off globally and per language, and the per-suggestion caps. */
export interface CompletionSettings {
    enabled: boolean;
    languages: Record<string, boolean>;
    maxTokens: number;
    timeCapMs: number;
}

export function readCompletionSettings(): CompletionSettings {
    const config = vscode.workspace.getConfiguration("enclave.completion");
    return {
        enabled: config.get<boolean>("enabled", true),
        languages: config.get<Record<string, boolean>>("languages", {}),
        maxTokens: config.get<number>("maxTokens", 64),
        timeCapMs: config.get<number>("timeCapMs", 1000)
    };
}

/** A language's own entry wins over "*"; languages not listed are on. */
export function enabledFor(settings: CompletionSettings, languageId: string): boolean {
    if (!settings.enabled) return false;
    return settings.languages[languageId] ?? settings.languages["*"] ?? true;
}
