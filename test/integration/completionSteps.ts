// Steps of an inline completion in a real VS Code, shared by the completion suite and the second
// window's suite: a fresh file with the cursor in an empty function body, asking VS Code for a
// suggestion until the model produced one, and accepting it with VS Code's own command.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {EnclaveApi} from "../../src/extension";
import {sleep, waitFor} from "./enclave";

export const body = "function add(a: number, b: number) {\n    \n}\n";

export function workspaceFolder(): vscode.WorkspaceFolder {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    return folder;
}

/** A fresh file with the cursor inside an empty function body. */
export async function openCalc(name: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.joinPath(workspaceFolder().uri, name);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(body));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {preview: false});
    editor.selection = new vscode.Selection(1, 4, 1, 4);
    return editor;
}

/** Asks VS Code for a suggestion until the session produced one from the model. */
export async function showSuggestion(enclave: EnclaveApi): Promise<void> {
    const before = enclave.completion.session.stats;
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    await waitFor(() => {
        const stats = enclave.completion.session.stats;
        return stats.modelCalls > before.modelCalls && stats.lastLatencyMs !== undefined && !enclave.completion.statusBar.text.includes("loading");
    }, () => `a suggestion from the model (status ${enclave.completion.statusBar.text}, stats ${JSON.stringify(enclave.completion.session.stats)}, before ${JSON.stringify(before)})`, 60_000);
}

/**
 * Accepts the ghost text with VS Code's own command, then expects line 1 to read `line`. The
 * session's answer reaches the screen a moment after it is computed, so the accept is repeated (and,
 * now and then, the suggestion asked for again) until it changes the document, rather than timed by
 * a sleep; once the document changed, nothing more is accepted, and a wrong suggestion fails.
 */
export async function acceptUntil(line: string, timeoutMs = 20_000): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    const before = editor.document.getText();
    const started = Date.now();
    for (let attempt = 1; editor.document.getText() === before; attempt++) {
        if (Date.now() - started > timeoutMs) assert.fail(`timed out: no suggestion to accept (line 1 is ${JSON.stringify(editor.document.lineAt(1).text)})`);
        await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
        await sleep(100);
        if (attempt % 20 === 0 && editor.document.getText() === before) await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    }
    assert.equal(editor.document.lineAt(1).text, line, "the accepted suggestion");
}

