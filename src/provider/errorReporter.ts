import * as vscode from "vscode";
import {describeError, isEngineError} from "../engine/errors";
import type {Log} from "./log";

const chooseModel = "Choose Model File…";
const showLog = "Show Log";

/**
 * The one place where failures meet the user: a message with an action that helps, and the
 * details in the log. Cancellations are not failures and stay quiet.
 */
export class ErrorReporter {
    constructor(private readonly log: Log) {}

    report(error: unknown, context: string): void {
        this.log.write("error", `${context}: ${describeError(error)}${isEngineError(error) && error.detail ? `\n${error.detail}` : ""}`);
        if (isEngineError(error, "Aborted")) return;
        const message = error instanceof Error ? error.message : String(error);
        const needsModel = isEngineError(error) && ["NoModelConfigured", "ModelNotFound", "NotGguf", "CorruptModel", "UnsupportedArchitecture"].includes(error.code);
        const actions = needsModel ? [chooseModel, showLog] : [showLog];
        void vscode.window.showErrorMessage(`Enclave: ${message}`, ...actions).then((choice) => {
            if (choice === chooseModel) void vscode.commands.executeCommand("enclave.chooseModelFile");
            else if (choice === showLog) this.log.show();
        });
    }
}
