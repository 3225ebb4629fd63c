// The chat panel on a server the user configured (enclave.remote.*), here a loopback fake that
// speaks OpenAI's streaming API: the answer and the thought come from it, the status bar says
// where chat runs, and a failing server says why and offers "Switch to Local".
import assert from "node:assert/strict";
import * as vscode from "vscode";
import {FakeOpenAiServer, delta} from "../../engine/fakeOpenAiServer";
import {enclaveApi, waitFor} from "../enclave";
import {notificationText, skipWithoutScreenshots} from "../screenshot";

const config = () => vscode.workspace.getConfiguration("enclave");

describe("a remote server for chat", function () {
    this.timeout(60_000);
    let server: FakeOpenAiServer;
    /** The chats before this suite: its own are deleted after it (the reopened session checks the history). */
    let chatsBefore: Set<string>;
    let currentBefore: string | undefined;

    before(async () => {
        const enclave = await enclaveApi();
        await enclave.chat.whenReady();
        chatsBefore = new Set(enclave.chat.controller.allChats.map((chat) => chat.id));
        currentBefore = enclave.chat.controller.currentChat?.id;
        server = await FakeOpenAiServer.start();
        // Machine-scoped settings: only the user's own settings can send code elsewhere.
        await config().update("remote.url", `${server.url}/v1`, vscode.ConfigurationTarget.Global);
        await config().update("remote.model", "team-r1", vscode.ConfigurationTarget.Global);
        await config().update("remote.roles", ["chat"], vscode.ConfigurationTarget.Global);
    });

    after(async () => {
        const {controller} = (await enclaveApi()).chat;
        for (const chat of [...controller.allChats]) if (!chatsBefore.has(chat.id)) await controller.deleteChat(chat.id);
        if (currentBefore !== undefined) await controller.openChat(currentBefore);
        for (const key of ["remote.url", "remote.model", "remote.roles"]) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
        await server.stop();
    });

    it("answers in the chat panel from the configured server, with its thought in the Reasoning panel, and the status bar says where chat runs", async () => {
        const enclave = await enclaveApi();
        const host = new URL(server.url).host;
        await waitFor(() => enclave.remote.shown?.text === `$(vm) Enclave chat → ${host}`, () => `the status item (${enclave.remote.shown?.text})`);
        assert.equal(enclave.remote.shown?.command, "enclave.remote.switchToLocal");
        server.script({kind: "stream", events: [delta({reasoning_content: "The user greets me. "}), delta({reasoning_content: "Greet back."}), delta({content: "Hello from "}), delta({content: "the team server."}, "stop")]});
        await enclave.chat.whenReady();
        await enclave.chat.controller.newChat();
        await enclave.chat.controller.send("Hi there", []);
        const turn = enclave.chat.controller.currentChat?.turns.at(-1);
        assert.ok(turn, "a turn was answered");
        assert.equal(turn.error, undefined, turn.error);
        assert.equal(turn.answer, "Hello from the team server.");
        assert.equal(turn.thought, "The user greets me. Greet back.");
        assert.equal(enclave.chat.traceBook.thoughtOf(turn.id), "The user greets me. Greet back.", "the Reasoning panel has the server's thought");
        const request = server.requests.at(-1);
        const body = request?.body as {model?: string; stream?: boolean; messages?: Array<{role: string; content: string}>} | undefined;
        assert.equal(body?.model, "team-r1");
        assert.equal(body?.stream, true);
        assert.ok(body?.messages?.at(-1)?.content.includes("Hi there"), JSON.stringify(body?.messages));
    });

    it("a failing server: the turn says why, and the notification's Switch to Local puts chat back on this machine", async function () {
        skipWithoutScreenshots(this, "clicking Switch to Local in the notification");
        const enclave = await enclaveApi();
        server.script({kind: "status", status: 500, body: "CUDA out of memory"});
        await enclave.chat.controller.send("Again?", []);
        const turn = enclave.chat.controller.currentChat?.turns.at(-1);
        assert.match(turn?.error ?? "", /^The server at http:\/\/127\.0\.0\.1:\d+ failed \(HTTP 500\)\. It said: "CUDA out of memory"$/);
        await notificationText("remote-failure", "Switch to Local");
        await vscode.commands.executeCommand("notification.acceptPrimaryAction");
        await waitFor(() => config().get<string[]>("remote.roles")?.length === 0, "enclave.remote.roles to be cleared");
        await waitFor(() => enclave.remote.shown === undefined, "the remote status item to go");
    });
});
