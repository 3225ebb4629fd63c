import {basename} from "node:path";
import * as vscode from "vscode";
import {describeError, isEngineError} from "../engine/errors";
import type {Log} from "./log";

const setUp = "Set Up a Model…";
const chooseModel = "Choose Model…";
const showLog = "Show Log";
const loadAnyway = "Load Anyway";
const smallerContext = (tokens: number): string => `Use a ${tokens.toLocaleString("en")}-Token Context`;
const unloadOther = (modelPath: string): string => `Unload ${basename(modelPath)} (Other Window)`;

/**
 * The one place where failures meet the user: a message with an action that helps, and the
 * details in the log. Cancellations are not failures and stay quiet.
 */
export class ErrorReporter {
    /** The last message shown and its choices (tests read what the user was offered). */
    lastMessage: {readonly text: string; readonly actions: readonly string[]} | undefined;

    constructor(private readonly log: Log) {}

    report(error: unknown, context: string): void {
        this.log.write("error", `${context}: ${describeError(error)}${isEngineError(error) && error.detail ? `\n${error.detail}` : ""}`);
        if (isEngineError(error, "Aborted")) return;
        const message = error instanceof Error ? error.message : String(error);
        // No model yet: the first-run offer (recommended download, choose, import); a bad one: the picker.
        const noModel = isEngineError(error, "NoModelConfigured");
        const badModel = isEngineError(error) && ["ModelNotFound", "NotGguf", "CorruptModel", "UnsupportedArchitecture"].includes(error.code);
        // A load the plan refused for memory: a smaller context (when one would fit), another model, or load it anyway.
        const tooLarge = isEngineError(error, "InsufficientMemory");
        const smaller = tooLarge && error.smallerContextSize != null ? error.smallerContextSize : undefined;
        // Another window's model holds the memory (the model process is shared): offer to unload it; Cancel is the message's own close.
        const other = tooLarge ? error.otherModels?.[0] : undefined;
        const actions = noModel
            ? [setUp, showLog]
            : badModel
                ? [chooseModel, showLog]
                : tooLarge
                    ? [...(other == null ? [] : [unloadOther(other.modelPath)]), ...(smaller == null ? [] : [smallerContext(smaller)]), chooseModel, loadAnyway, showLog]
                    : [showLog];
        this.lastMessage = {text: `Enclave: ${message}`, actions};
        void vscode.window.showErrorMessage(`Enclave: ${message}`, ...actions).then((choice) => {
            if (choice === setUp) void vscode.commands.executeCommand("enclave.setUp");
            else if (choice === chooseModel) void vscode.commands.executeCommand("enclave.pickModel");
            else if (choice === loadAnyway) void vscode.commands.executeCommand("enclave.loadModelAnyway");
            else if (other != null && choice === unloadOther(other.modelPath)) void vscode.commands.executeCommand("enclave.unloadOtherWindowModel", other.modelPath);
            else if (smaller != null && choice === smallerContext(smaller)) void vscode.commands.executeCommand("enclave.useContextSize", smaller);
            else if (choice === showLog) this.log.show();
        });
    }
}
