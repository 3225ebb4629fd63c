import * as vscode from "vscode";
import type {Log} from "./log";

/** Puts `text` on the clipboard; false (and a log line) when VS Code could not. A view says "Copied" only on true. */
export async function copyToClipboard(text: string, what: string, log: Log): Promise<boolean> {
    try {
        await vscode.env.clipboard.writeText(text);
    } catch (error) {
        log.write("warn", `Copying the ${what} to the clipboard failed: ${String(error)}`);
        return false;
    }
    void vscode.window.setStatusBarMessage(`Enclave: ${what} copied`, 2_000);
    return true;
}
