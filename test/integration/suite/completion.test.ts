// Inline completions in a real VS Code, from the scripted model through the worker: FIM infill
// ("return a + b;") shown as ghost text, accepted with VS Code's own command, aborted by typing,
// and served without the model when the user types through it.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {EnclaveApi} from "../../../src/extension";
import {enclaveApi, sleep, waitFor} from "../enclave";
import {screenshot} from "../screenshot";

/** A fresh file with the cursor inside an empty function body. */
async function openCalc(name: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, name);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode("function add(a: number, b: number) {\n    \n}\n"));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {preview: false});
    editor.selection = new vscode.Selection(1, 4, 1, 4);
    return editor;
}

/** Asks VS Code for a suggestion until the session produced one from the model. */
async function showSuggestion(enclave: EnclaveApi): Promise<void> {
    const before = enclave.completion.session.stats;
    await vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
    await waitFor(() => {
        const stats = enclave.completion.session.stats;
        return stats.modelCalls > before.modelCalls && stats.lastLatencyMs !== undefined && !enclave.completion.statusBar.text.includes("loading");
    }, "a suggestion from the model");
    await sleep(300);
}

describe("inline completions", () => {
    it("shows the model's infill as ghost text, and VS Code's accept inserts it", async () => {
        const enclave = await enclaveApi();
        const editor = await openCalc("calc.ts");
        await showSuggestion(enclave);
        await screenshot("inline-ghost-text");
        await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
        await waitFor(() => editor.document.lineAt(1).text.includes("return a + b;"), "the accepted suggestion in the document");
        assert.equal(editor.document.getText(), "function add(a: number, b: number) {\n    return a + b;\n}\n");
        assert.match(enclave.completion.statusBar.text, /\$\(sparkle\) \d+ ms/);
    });

    it("serves the rest of a suggestion the user types through, without calling the model", async () => {
        const enclave = await enclaveApi();
        await openCalc("calc2.ts");
        await showSuggestion(enclave);
        const before = enclave.completion.session.stats;
        for (const character of "retu") {
            await vscode.commands.executeCommand("type", {text: character});
            await sleep(150);
        }
        await waitFor(() => enclave.completion.session.stats.typedThroughHits > before.typedThroughHits, "a typed-through suggestion");
        assert.equal(enclave.completion.session.stats.modelCalls, before.modelCalls, "no model call while typing through");
        await vscode.commands.executeCommand("editor.action.inlineSuggest.commit");
        await waitFor(() => vscode.window.activeTextEditor?.document.lineAt(1).text === "    return a + b;", "the rest of the suggestion accepted");
    });

    it("a keystroke aborts the request in flight (the cancellation reaches the model)", async () => {
        const enclave = await enclaveApi();
        const slow = vscode.workspace.getConfiguration("enclaveTest").get<string>("slowCompletionModel");
        assert.ok(slow);
        const config = vscode.workspace.getConfiguration("enclave.completion");
        const target = vscode.ConfigurationTarget.Workspace;
        await config.update("model", slow, target);
        await config.update("maxTokens", 512, target);
        await config.update("timeCapMs", 60_000, target);
        try {
            await waitFor(() => enclave.engine.configuredCompletionModel?.modelPath === slow, "the separate completion model setting");
            await openCalc("calc3.ts");
            const before = enclave.completion.session.stats;
            // The trigger command resolves only once the provider has answered: don't wait for it.
            const triggered = vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
            await waitFor(
                () => enclave.completion.statusBar.text.includes("loading"),
                () => `the model call to start (status ${enclave.completion.statusBar.text}, stats ${JSON.stringify(enclave.completion.session.stats)})`,
                60_000
            );
            const typed = Date.now();
            await vscode.commands.executeCommand("type", {text: "r"});
            await waitFor(() => !enclave.completion.statusBar.text.includes("loading"), "the model call to stop");
            const stoppedMs = Date.now() - typed;
            await triggered;
            const after = enclave.completion.session.stats;
            assert.ok(after.aborted > before.aborted, "the request was aborted");
            assert.ok(stoppedMs < 5_000, `the model stopped ${stoppedMs} ms after the keystroke`);
            assert.equal(enclave.engine.completionRole, "completion");
        } finally {
            await config.update("model", undefined, target);
            await config.update("maxTokens", undefined, target);
            await config.update("timeCapMs", undefined, target);
        }
    });
});
