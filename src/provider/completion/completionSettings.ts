import {readSetting} from "../settings";

/** `enclave.completion.*`: on/off globally and per language, and the per-suggestion caps. */
export interface CompletionSettings {
    enabled: boolean;
    languages: Record<string, boolean>;
    maxTokens: number;
    timeCapMs: number;
}

export function readCompletionSettings(): CompletionSettings {
    return {
        enabled: readSetting("completion.enabled"),
        languages: readSetting("completion.languages"),
        maxTokens: readSetting("completion.maxTokens"),
        timeCapMs: readSetting("completion.timeCapMs")
    };
}

/** A language's own entry wins over "*"; languages not listed are on. */
export function enabledFor(settings: CompletionSettings, languageId: string): boolean {
    if (!settings.enabled) return false;
    return settings.languages[languageId] ?? settings.languages["*"] ?? true;
}
