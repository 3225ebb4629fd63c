// "Apply to File" from a chat answer in a real VS Code, answered by a scripted model whose answer
// changes one function of a 204-line CRLF file and names the file before the fence: the fragment
// lands on that function (never the whole file), the diff shows just that region, Accept is one
// undoable edit, the prompt goes away with the proposal, and code with no place offers Insert at Cursor.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import {codeBlockAt} from "../../../src/edit/fragmentSource";
import type {EnclaveApi} from "../../../src/extension";
import {findProposalTarget} from "../../../src/provider/chat/proposalTarget";
import {applyFile, applyFileText, appliedFileText, applyFragment} from "../applyFixture";
import {enclaveApi, resetSaved, sleep, waitFor} from "../enclave";
import {screenshot, skipWithoutScreenshots, waitForScreenText} from "../screenshot";

const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders?.[0] ?? assert.fail("a workspace folder is open");
const fileUri = (): vscode.Uri => vscode.Uri.joinPath(folder().uri, applyFile);
const bytes = async (uri: vscode.Uri): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));

async function waitForBytes(uri: vscode.Uri, expected: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await bytes(uri)) !== expected) {
        if (Date.now() > deadline) assert.equal(await bytes(uri), expected, "the exact bytes on disk");
        await sleep(100);
    }
}

function diffTab(proposal: vscode.Uri): vscode.Tab | undefined {
    return vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.toString());
}

describe("Apply to File", () => {
    let enclave: EnclaveApi;
    let previousChat: string | undefined;
    const addedChats = new Set<string>();

    before(async () => {
        enclave = await enclaveApi();
        await enclave.chat.whenReady();
        previousChat = enclave.chat.controller.currentChat?.id;
        await vscode.workspace.fs.writeFile(fileUri(), new TextEncoder().encode(applyFileText));
    });

    after(async () => {
        await vscode.commands.executeCommand("workbench.action.closeAllEditors");
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder().uri, "apply"), {recursive: true});
        const controller = enclave.chat.controller;
        for (const id of addedChats) await controller.deleteChat(id);
        if (previousChat !== undefined) await controller.openChat(previousChat);
        await vscode.workspace.getConfiguration("enclave").update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
    });

    // Each test starts from the file as written, saved, whatever the one before left.
    beforeEach(async () => {
        await resetSaved(fileUri(), applyFileText);
    });

    /** Asks the apply model in a new chat; the turn and its first code block as the view would click it. */
    async function askForChange(): Promise<{turnId: string; code: string}> {
        const applyModel = vscode.workspace.getConfiguration("enclaveTest").get<string>("applyModel");
        assert.ok(applyModel);
        await vscode.workspace.getConfiguration("enclave").update("chat.model", applyModel, vscode.ConfigurationTarget.Workspace);
        await waitFor(() => enclave.engine.configuredModel?.modelPath === applyModel, "the apply model setting");
        const controller = enclave.chat.controller;
        await controller.newChat();
        await controller.send("Make step17 triple the value.", []);
        const chat = controller.currentChat;
        assert.ok(chat);
        addedChats.add(chat.id);
        const turn = chat.turns.at(-1);
        assert.ok(turn);
        assert.equal(turn.error, undefined);
        const block = codeBlockAt(turn.answer, 0);
        assert.equal(block?.code, applyFragment, `the answer's code block (answer: ${JSON.stringify(turn.answer)})`);
        return {turnId: turn.id, code: block.code};
    }

    /** sample.ts open: the last editor used is not the file the answer is about. */
    async function openSample(): Promise<vscode.TextEditor> {
        const [uri] = await vscode.workspace.findFiles("sample.ts");
        assert.ok(uri);
        return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {preview: false});
    }

    it("puts the answer's function on that function of the file it names — not the last editor, never the whole file — and one undo restores the bytes", async () => {
        const {turnId, code} = await askForChange();
        const sample = await openSample();
        const sampleText = sample.document.getText();
        const outcome = await enclave.chat.chatView.applyCode({type: "applyCode", code, language: "ts", turnId, block: 0});
        assert.ok(outcome?.shown, `a diff was shown${outcome && !outcome.shown ? ` (no place: ${outcome.reason})` : ""}`);
        assert.deepEqual(outcome.lines, {start: 85, end: 88}, "step17's lines 86–89");

        await waitFor(() => diffTab(outcome.proposal) !== undefined, "the diff view");
        const tab = diffTab(outcome.proposal);
        assert.ok(tab?.input instanceof vscode.TabInputTextDiff);
        assert.equal(tab.input.original.toString(), fileUri().toString(), "the diff is against the named file");
        assert.equal(tab.label, "apply/steps.ts ↔ Enclave's change (lines 86–89)", "the title names the file and the lines");
        const proposed = await vscode.workspace.openTextDocument(outcome.proposal);
        assert.equal(proposed.getText(), appliedFileText, "the proposal changes step17 only");
        await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === outcome.proposal.toString(), "the diff's proposal side focused");
        assert.equal(vscode.window.activeTextEditor?.selection.start.line, 85, "the diff opens at the region");
        assert.equal(await bytes(fileUri()), applyFileText, "nothing is written before Accept");
        assert.equal(enclave.chat.proposals.pending, 1, "the prompt is up");
        await screenshot("apply-to-file-diff");

        assert.equal(await vscode.commands.executeCommand("enclave.acceptProposal", outcome.proposal), true);
        const document = await vscode.workspace.openTextDocument(fileUri());
        assert.equal(document.getText(), appliedFileText, "the file has the change in step17's place, CRLF kept");
        assert.equal(enclave.chat.proposals.pending, 0, "the prompt is gone after Accept");
        await waitFor(() => diffTab(outcome.proposal) === undefined, "the diff to close");
        assert.equal(sample.document.getText(), sampleText, "the last editor's file is untouched");

        // The accepted text is saved first, so that the undo below is an unsaved change whatever the
        // profile's auto-save does (code-server saves after a delay: an undo racing that save was
        // seen to leave the accepted bytes on disk).
        await document.save();
        await waitForBytes(fileUri(), appliedFileText);
        await waitFor(() => !document.isDirty, "the accepted text saved");

        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand("undo");
        assert.equal(document.getText(), applyFileText, "one undo restores the exact text");
        await waitFor(() => document.isDirty, "the undo is a change to save");
        await document.save();
        await waitForBytes(fileUri(), applyFileText);
    });

    it("shows the prompt, naming the file, while the diff is open, and takes it away after Accept", async function () {
        skipWithoutScreenshots(this, "checking the prompt on screen");
        const {turnId, code} = await askForChange();
        const outcome = await enclave.chat.chatView.applyCode({type: "applyCode", code, language: "ts", turnId, block: 0});
        assert.ok(outcome?.shown);
        // The workbench also keeps the screen reader's announcement ("Info: …") in the page, which
        // stays after the notification itself is gone: only the notification's own line counts.
        const prompts = (text: string): string[] => text.split("\n").filter((line) => line.includes("Enclave's change to") && !line.startsWith("Info: "));
        await vscode.commands.executeCommand("notifications.showList");
        const open = await waitForScreenText("apply-prompt-open", (text) => prompts(text).length > 0, "the prompt on screen");
        assert.match(prompts(open)[0] ?? "", /^Enclave's change to apply\/steps\.ts, lines 86–89: Accept/);
        assert.equal(await vscode.commands.executeCommand("enclave.acceptProposal", outcome.proposal), true);
        await vscode.commands.executeCommand("notifications.showList");
        await waitForScreenText("apply-prompt-gone", (text) => prompts(text).length === 0, "the prompt gone");
    });

    it("closing the diff ends the proposal; a file edited after the diff was shown is refused", async () => {
        const {turnId, code} = await askForChange();
        const first = await enclave.chat.chatView.applyCode({type: "applyCode", code, language: "ts", turnId, block: 0});
        assert.ok(first?.shown);
        await waitFor(() => diffTab(first.proposal) !== undefined, "the diff view");
        const tab = diffTab(first.proposal);
        assert.ok(tab);
        await vscode.window.tabGroups.close(tab);
        await waitFor(() => enclave.chat.proposals.pending === 0, "the proposal to end with its diff");
        assert.equal(await vscode.commands.executeCommand("enclave.acceptProposal", first.proposal), false, "nothing left to accept");

        const second = await enclave.chat.chatView.applyCode({type: "applyCode", code, language: "ts", turnId, block: 0});
        assert.ok(second?.shown);
        const document = await vscode.workspace.openTextDocument(fileUri());
        const edit = new vscode.WorkspaceEdit();
        edit.insert(document.uri, new vscode.Position(0, 0), "// edited meanwhile\r\n");
        assert.ok(await vscode.workspace.applyEdit(edit));
        const edited = document.getText();
        assert.equal(await vscode.commands.executeCommand("enclave.acceptProposal", second.proposal), false, "refused");
        assert.equal(document.getText(), edited, "the edited file is left as the user made it");
        assert.equal(enclave.chat.proposals.pending, 0);
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand("undo");
        assert.equal(document.getText(), applyFileText);
    });

    it("without a path in the answer, takes the turn's attached file (where the code has a place), with its selection", async () => {
        const sample = await openSample();
        const selection = {kind: "selection" as const, label: `${applyFile}:86-89`, fileName: applyFile, languageId: "typescript", startLine: 86, endLine: 89, content: ""};
        const sampleFile = {kind: "file" as const, label: "sample.ts", fileName: "sample.ts", languageId: "typescript", content: ""};
        const target = await findProposalTarget({code: applyFragment, attachments: [sampleFile, selection], lastEditor: sample});
        assert.ok("uri" in target, JSON.stringify(target));
        assert.equal(target.uri.toString(), fileUri().toString(), "the attached file where step17 has a place, not sample.ts");
        assert.deepEqual([target.selection?.start.line, target.selection?.end.line], [85, 89], "the attached lines 86–89");
        const named = await findProposalTarget({code: applyFragment, block: {info: "ts", lineBefore: "Change `sample.ts`:"}, attachments: [selection], lastEditor: sample});
        assert.ok("uri" in named);
        assert.equal(named.uri.toString(), sample.document.uri.toString(), "a path the answer names comes first");
        const last = await findProposalTarget({code: applyFragment, block: {info: "ts no/such/file.ts", lineBefore: ""}, attachments: [], lastEditor: sample});
        assert.ok("uri" in last);
        assert.equal(last.uri.toString(), sample.document.uri.toString(), "a named path that does not exist is passed over; the last editor is the fallback");
    });

    it("says when the code has no place in the file, and Insert at Cursor puts it at the cursor instead", async () => {
        const sample = await openSample();
        const original = sample.document.getText();
        sample.selection = new vscode.Selection(0, 0, 0, 0);
        const code = "const server = http.createServer(handler);";
        // No turn: no fence and no attachments, so the target is the last editor, sample.ts.
        const outcome = await enclave.chat.chatView.applyCode({type: "applyCode", code, language: "ts", turnId: "no-such-turn", block: 0});
        assert.ok(outcome && !outcome.shown, "no diff");
        assert.match(outcome.reason, /no part of the file/);
        assert.equal(enclave.chat.proposals.pending, 0);
        assert.equal(sample.document.getText(), original, "nothing written by itself");
        // The newest notification is the message; its first button is Insert at Cursor.
        await vscode.commands.executeCommand("notification.acceptPrimaryAction");
        await waitFor(() => sample.document.getText() === code + original, () => `the code inserted at the cursor; the file is ${JSON.stringify(sample.document.getText().slice(0, 80))}`);
        await vscode.window.showTextDocument(sample.document);
        await vscode.commands.executeCommand("undo");
        assert.equal(sample.document.getText(), original);
    });
});
