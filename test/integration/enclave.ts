// What every integration suite needs: the running extension's API and a bounded wait.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {EnclaveApi} from "../../src/extension";

/** The Enclave extension under test, activated. */
export async function enclaveApi(): Promise<EnclaveApi> {
    const extension = vscode.extensions.getExtension<EnclaveApi>("enclave.enclave");
    assert.ok(extension, "the extension is installed");
    return extension.activate();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails the test with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
        if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${typeof what === "string" ? what : what()}`);
        await sleep(50);
    }
}

/**
 * Shows the chat and reasoning panels and waits until both pages said ready. A focus command can
 * land before the Enclave container has laid out its views (and leave a view collapsed), so the
 * command is repeated for a panel that is not ready yet, until `timeoutMs`.
 */
export async function showPanels(enclave: EnclaveApi, panels: ReadonlyArray<"chat" | "trace">, timeoutMs = 30_000): Promise<void> {
    const views = {chat: enclave.chat.chatView, trace: enclave.chat.traceView};
    const started = Date.now();
    // A panel that was ready once may be hidden now (another view took the side bar, e.g. Source
    // Control): bring each to the front first.
    for (const panel of panels) await vscode.commands.executeCommand(`enclave.${panel}.focus`);
    for (;;) {
        const waiting = panels.filter((panel) => !views[panel].isReady);
        if (waiting.length === 0) return;
        if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for the ${waiting.join(" and ")} panel to be ready`);
        for (const panel of waiting) await vscode.commands.executeCommand(`enclave.${panel}.focus`);
        await sleep(500);
    }
}

/** Puts `text` back into the document at `uri` (one edit, only when it differs) and saves it. */
export async function resetSaved(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== text) {
        const edit = new vscode.WorkspaceEdit();
        edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), text);
        assert.ok(await vscode.workspace.applyEdit(edit));
    }
    if (document.isDirty) await document.save();
    return document;
}
