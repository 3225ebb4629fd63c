// Runs in the second VS Code session that run.ts starts on the first session's profile, as a
// window reloaded (or VS Code restarted) would: the chats the first session had are all there.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import type {Chat} from "../../../src/chat/types";
import {enclaveApi, showPanels} from "../enclave";
import {historyHandoffFile, type HistoryHandoff} from "../handoff";
import {skipWithoutScreenshots, waitForScreenText} from "../screenshot";

const handoff = (): HistoryHandoff => JSON.parse(readFileSync(historyHandoffFile(), "utf8")) as HistoryHandoff;

/** A chat in the handoff's form (JSON drops an absent stopReason, so compare after a round trip). */
const asSaved = (chat: Chat): HistoryHandoff["chats"][number] =>
    JSON.parse(JSON.stringify({id: chat.id, title: chat.title, turns: chat.turns.map((turn) => ({userText: turn.userText, answer: turn.answer, stopReason: turn.stopReason}))})) as HistoryHandoff["chats"][number];

describe("after a reload", () => {
    it("the chat history of the last session is there: the last chat is current, every chat opens with its turns", async () => {
        const {chats} = handoff();
        assert.ok(chats.length >= 2, `the first session handed over its chats (${chats.length})`);
        const enclave = await enclaveApi();
        await enclave.chat.whenReady();
        const current = enclave.chat.controller.currentChat;
        assert.ok(current, "a chat is open after the reload");
        assert.deepEqual(asSaved(current), chats[0], "the chat that was current last is current again");
        for (const expected of chats) {
            await enclave.chat.controller.openChat(expected.id);
            const opened: Chat | undefined = enclave.chat.controller.currentChat;
            assert.ok(opened, `chat ${expected.id} opens`);
            assert.deepEqual(asSaved(opened), expected, `chat ${expected.id} has its turns`);
        }
    });

    it("shows the reopened chat in the chat panel, with the past chats listed", async function () {
        skipWithoutScreenshots(this, "checking the reopened chat on screen");
        const {chats} = handoff();
        const enclave = await enclaveApi();
        await enclave.chat.whenReady();
        const explained = chats.find((chat) => chat.turns.some((turn) => turn.answer === "Hello!"));
        assert.ok(explained, "the explained chat was handed over");
        await enclave.chat.controller.openChat(explained.id);
        await showPanels(enclave, ["chat"]);
        // The panel shows a canned prompt's short form (displayText), e.g. "Explain `greet` (sample.ts:2-4)".
        const firstTurn = enclave.chat.controller.currentChat?.turns[0];
        const userText = (firstTurn?.displayText ?? firstTurn?.userText ?? "").split("\n")[0] ?? "";
        await waitForScreenText("reopened-chat", (text) => text.includes("Hello!") && text.includes(explained.title) && text.includes(userText), `the reopened chat "${explained.title}" with its answer on screen`);
    });
});
