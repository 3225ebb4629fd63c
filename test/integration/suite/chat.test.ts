// Chat, reasoning trace and "Explain selection" in a real VS Code (Apply to File: apply.test.ts), answered by
// the scripted model (thought "Hmm, ok.", answer "Hello!") through the real worker.
import assert from "node:assert/strict";
import {writeFileSync} from "node:fs";
import * as vscode from "vscode";
import {ChatHistoryStore} from "../../../src/chat/historyStore";
import type {EnclaveApi} from "../../../src/extension";
import {enclaveApi, showPanels, waitFor} from "../enclave";
import {screenshot, skipWithoutScreenshots, waitForScreenText} from "../screenshot";
import {historyHandoffFile, type HistoryHandoff} from "../handoff";

/** The extension, with its chat view ready. */
async function api(): Promise<EnclaveApi> {
    const enclave = await enclaveApi();
    await enclave.chat.whenReady();
    return enclave;
}

async function openSample(): Promise<vscode.TextEditor> {
    const [uri] = await vscode.workspace.findFiles("sample.ts");
    assert.ok(uri);
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {preview: false});
}

describe("chat and reasoning panels", () => {
    it("Explain selection streams the answer into the chat and the thought into the trace", async () => {
        const enclave = await api();
        const editor = await openSample();
        editor.selection = new vscode.Selection(1, 0, 3, 1);
        await vscode.commands.executeCommand("enclave.explainSelection");
        const turn = enclave.chat.controller.currentChat?.turns.at(-1);
        assert.ok(turn);
        assert.equal(turn.answer, "Hello!");
        assert.equal(turn.thought, "Hmm, ok.");
        assert.equal(turn.attachments[0]?.label, "sample.ts:2-4");
        assert.match(turn.attachments[0]?.content ?? "", /function greet/);
        assert.equal(turn.displayText, "Explain `greet` (sample.ts:2-4)");
        assert.equal(enclave.chat.controller.currentChat?.title, "Explain `greet` (sample.ts:2-4)");
    });

    it("shows the explained answer in the chat panel, its thought in the reasoning panel, and the attachment", async function () {
        skipWithoutScreenshots(this, "checking the panels on screen");
        const enclave = await api();
        await showPanels(enclave, ["trace", "chat"]);
        const wanted = ["Hello!", "Hmm, ok.", "sample.ts:2-4", "Explain `greet` (sample.ts:2-4)"];
        await waitForScreenText("chat-and-trace-panels", (text) => wanted.every((part) => text.includes(part)), `${wanted.join(", ")} on screen`);
    });

    it("Stop keeps the partial answer", async () => {
        const enclave = await api();
        const endless = vscode.workspace.getConfiguration("enclaveTest").get<string>("endlessModel");
        assert.ok(endless);
        const config = vscode.workspace.getConfiguration("enclave");
        await config.update("chat.model", endless, vscode.ConfigurationTarget.Workspace);
        try {
            await waitFor(() => enclave.engine.configuredModel?.modelPath === endless, "the endless model setting");
            await enclave.chat.controller.newChat();
            const sending = enclave.chat.controller.send("Talk forever.", []);
            await waitFor(() => (enclave.chat.controller.currentChat?.turns.at(-1)?.answer.length ?? 0) > 30, "a partial answer");
            enclave.chat.controller.stop();
            await sending;
            const turn = enclave.chat.controller.currentChat?.turns.at(-1);
            assert.equal(turn?.stopReason, "abort");
            assert.match(turn?.answer ?? "", /^Hello!( la)+/);
            await screenshot("chat-stopped");
        } finally {
            await config.update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
        }
    });

    it("keeps the history on disk, where a reloaded window finds it", async () => {
        const enclave = await api();
        const current = enclave.chat.controller.currentChat;
        assert.ok(current);
        const {chats, problems} = await new ChatHistoryStore(enclave.chat.historyDir).loadAll();
        assert.deepEqual(problems, []);
        const saved = chats.find((chat) => chat.id === current.id);
        assert.ok(saved, "the current chat was saved");
        assert.equal(saved.turns.at(-1)?.stopReason, "abort");
        const explained = chats.find((chat) => chat.id !== current.id && chat.turns.some((turn) => turn.answer === "Hello!"));
        assert.ok(explained, "the explained chat is there too");
        // test/integration/reopened/ checks, in a second VS Code session on this profile, that the
        // reopened window finds both chats as they are now.
        const handoff: HistoryHandoff = {
            chats: [current, explained].map((chat) => ({
                id: chat.id,
                title: chat.title,
                turns: chat.turns.map((turn) => ({userText: turn.userText, answer: turn.answer, stopReason: turn.stopReason}))
            }))
        };
        writeFileSync(historyHandoffFile(), JSON.stringify(handoff));
    });

    it("a workspace source opens its file at its lines, or at the lines the answer cited; nothing else opens", async () => {
        const enclave = await api();
        const controller = enclave.chat.controller;
        const previous = controller.currentChat?.id;
        const [uri] = await vscode.workspace.findFiles("sample.ts");
        assert.ok(uri);
        await controller.newChat();
        try {
            await controller.send("Where is greet?", [
                {kind: "selection", label: "sample.ts:1-1", fileName: "sample.ts", startLine: 1, endLine: 1, content: "// A small file"},
                {kind: "workspace", label: "sample.ts:2-4", fileName: "sample.ts", languageId: "typescript", startLine: 2, endLine: 4, content: "export function greet", uri: uri.toString()}
            ]);
            const turn = controller.currentChat?.turns.at(-1);
            assert.ok(turn);
            const lines = (editor: vscode.TextEditor | undefined) => [editor?.selection.start.line, editor?.selection.end.line];
            const chunk = await enclave.chat.chatView.openSource(turn.id, 1);
            assert.equal(chunk?.document.uri.toString(), uri.toString());
            assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
            assert.deepEqual(lines(chunk), [1, 3], "the chunk's lines 2-4");
            assert.deepEqual(lines(await enclave.chat.chatView.openSource(turn.id, 1, {start: 3, end: 3})), [2, 2], "the cited line 3");
            const pastTheEnd = await enclave.chat.chatView.openSource(turn.id, 1, {start: 4, end: 9_999});
            assert.deepEqual(lines(pastTheEnd), [3, pastTheEnd?.document.lineCount ? pastTheEnd.document.lineCount - 1 : -1], "clamped to the file");
            assert.equal(await enclave.chat.chatView.openSource(turn.id, 0), undefined, "a selection has no file to open");
            assert.equal(await enclave.chat.chatView.openSource(turn.id, 7), undefined);
            assert.equal(await enclave.chat.chatView.openSource("no-such-turn", 1), undefined);
        } finally {
            // The reopened session expects the chat that was current before to be the newest.
            const added = controller.currentChat?.id;
            if (added !== undefined && added !== previous) await controller.deleteChat(added);
            if (previous !== undefined) await controller.openChat(previous);
        }
    });
});
