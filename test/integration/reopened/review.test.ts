// Runs in the second VS Code session (see history.test.ts): the review findings the first session
// left (suite/review.test.ts, reviewFixture.ts) are back where their code still is, in the Problems
// panel and with their fix in the light bulb; a finding whose code changed on disk is gone.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import {enclaveApi} from "../enclave";
import {goneFinding, keptFinding} from "../reviewFixture";
import {skipWithoutScreenshots, waitForScreenText} from "../screenshot";

const enclaveDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Enclave review");

function workspaceFile(name: string): vscode.Uri {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "the first session's workspace is open");
    return vscode.Uri.joinPath(folder.uri, name);
}

describe("review findings after a reload", () => {
    it("shows again the findings whose code is still there, where it is now, and drops the one whose code changed", async () => {
        const enclave = await enclaveApi();
        await enclave.review.diagnostics.restored;
        const kept = workspaceFile(keptFinding.file);
        const [diagnostic, ...others] = enclaveDiagnostics(kept);
        assert.equal(others.length, 0, "one finding");
        assert.ok(diagnostic, `the kept finding is a diagnostic again (${JSON.stringify(vscode.languages.getDiagnostics(kept))})`);
        assert.equal(diagnostic.range.start.line, 3, "on line 4, where the first session's edit moved its code");
        assert.equal(diagnostic.message, `${keptFinding.finding.title}: ${keptFinding.finding.explanation}`);
        assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
        await vscode.workspace.openTextDocument(kept); // code actions are asked of an open document
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", kept, new vscode.Range(3, 0, 3, 5));
        assert.ok(actions.some((action) => action.title === `Apply suggested fix: ${keptFinding.finding.title}`), `its fix is offered (${actions.map((action) => action.title).join(", ")})`);

        assert.deepEqual(enclaveDiagnostics(workspaceFile(goneFinding.file)), [], "the finding whose line changed on disk is not shown again");
        assert.deepEqual(enclave.review.diagnostics.findings(workspaceFile(goneFinding.file)), []);
        assert.deepEqual(enclave.review.diagnostics.findings(workspaceFile("edited-finding.ts")), [], "nor the one edited away in the first session");
    });

    it("shows the finding in the Problems panel and its fix in the light bulb", async function () {
        skipWithoutScreenshots(this, "checking Problems and the light bulb on screen");
        const enclave = await enclaveApi();
        await enclave.review.diagnostics.restored;
        const editor = await vscode.window.showTextDocument(workspaceFile(keptFinding.file), {preview: false});
        editor.selection = new vscode.Selection(3, 4, 3, 4);
        await vscode.commands.executeCommand("workbench.actions.view.problems");
        const title = keptFinding.finding.title;
        await waitForScreenText("review-problems", (text) => text.includes(`${title}: ${keptFinding.finding.explanation}`) && text.includes("Enclave review"), "the finding in the Problems panel, with its source");
        await vscode.window.showTextDocument(editor.document, {selection: new vscode.Range(3, 4, 3, 4), preview: false});
        await vscode.commands.executeCommand("editor.action.quickFix");
        await waitForScreenText("review-light-bulb", (text) => text.includes(`Apply suggested fix: ${title}`) && text.includes(`Dismiss: ${title}`), "the light bulb's menu with the fix and Dismiss");
        await vscode.commands.executeCommand("hideCodeActionWidget");
    });
});
