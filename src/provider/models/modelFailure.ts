/**
 * Model manager failures shown to the user: the message as it is (the model manager words its
 * errors for people), the technical detail in the log, and the action that helps — for an
 * unreachable server that is importing a file instead of downloading it.
 */
import * as vscode from "vscode";
import type {Log} from "../log";

/** A ModelError, or its plain-data form from the worker. */
export interface ModelFailure {
    readonly code: string;
    readonly message: string;
    readonly problems: ReadonlyArray<{readonly message: string}>;
    readonly detail?: string | undefined;
}

export const importAction = "Import GGUF File…";
const showLog = "Show Log";

/** Codes after which importing a local file is the way forward: the download server is not there. */
const offlineCodes = new Set(["Offline", "Unreachable", "Stalled"]);

/** The sentence shown for `failure`. */
export function failureText(failure: ModelFailure): string {
    return failure.message.startsWith("Enclave") ? failure.message : `Enclave: ${failure.message}`;
}

/**
 * Shows `failure` with `actions` (plus "Import GGUF File…" when offline, and "Show Log") and runs
 * the one the user picks; resolves once the message is answered or dismissed.
 */
export async function showModelFailure(
    log: Log,
    context: string,
    failure: ModelFailure,
    actions: ReadonlyArray<{label: string; run: () => unknown}> = []
): Promise<void> {
    log.write("error", `${context}: [${failure.code}] ${failure.message}${failure.problems.length > 1 ? `\n${failure.problems.map((problem) => `- ${problem.message}`).join("\n")}` : ""}${failure.detail ? `\n${failure.detail}` : ""}`);
    const all = [...(offlineCodes.has(failure.code) ? [{label: importAction, run: () => vscode.commands.executeCommand("enclave.importModel")}] : []), ...actions];
    const choice = await vscode.window.showErrorMessage(failureText(failure), ...all.map((action) => action.label), showLog);
    if (choice === showLog) log.show();
    else await all.find((action) => action.label === choice)?.run();
}
