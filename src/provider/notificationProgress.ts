/**
 * A cancellable progress notification whose promise settles once VS Code has closed it, so that
 * the message shown next (the failure, "ready", "cancelled") never sits beside a dead progress.
 */
import * as vscode from "vscode";
import {afterProgressCloses} from "./progressClosing";

export type ProgressTask<T> = (progress: vscode.Progress<{message?: string; increment?: number}>, token: vscode.CancellationToken) => Thenable<T>;

export function withNotificationProgress<T>(title: string, task: ProgressTask<T>): Promise<T> {
    const startedAt = Date.now();
    return afterProgressCloses(vscode.window.withProgress({location: vscode.ProgressLocation.Notification, title, cancellable: true}, task), startedAt);
}
