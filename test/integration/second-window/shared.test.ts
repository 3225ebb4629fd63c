// Runs in the second VS Code window (its own extension host) while the first window's test
// (suite/windows.test.ts) chats: this window finds the model process the first one started, and an
// inline completion here answers from it. What it saw goes to <artifacts>/second-window.json for
// the first window to check.
import assert from "node:assert/strict";
import {writeFileSync} from "node:fs";
import {join} from "node:path";
import * as vscode from "vscode";
import {acceptUntil, openCalc, showSuggestion} from "../completionSteps";
import {enclaveApi, waitFor} from "../enclave";

describe("a second VS Code window", () => {
    it("uses the first window's model process: an inline completion here answers from it", async () => {
        const enclave = await enclaveApi();
        // This window's own workspace setting: the whole scripted answer, however busy the machine.
        await vscode.workspace.getConfiguration("enclave.completion").update("timeCapMs", 30_000, vscode.ConfigurationTarget.Workspace);
        const editor = await openCalc("calc-second.ts");
        await showSuggestion(enclave);
        await acceptUntil("    console.log(42);");
        await waitFor(() => enclave.engine.sharedWindows === 2, () => `two windows on the model process (${enclave.engine.sharedWindows})`);
        const status = await enclave.engine.processStatus();
        assert.ok(status, "connected to the model process");
        writeFileSync(join(process.env.ENCLAVE_TEST_ARTIFACTS ?? ".", "second-window.json"), JSON.stringify({
            workerPid: enclave.engine.workerPid,
            sharedWindows: enclave.engine.sharedWindows,
            statusBar: enclave.statusBarText(),
            models: status.models,
            line: editor.document.lineAt(1).text
        }));
    });
});
