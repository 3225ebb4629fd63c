import assert from "node:assert/strict";
import {formatAttachment, toMessages, trimToBudget, userContent} from "../../../src/chat/promptAssembly";
import type {Turn} from "../../../src/chat/types";

const turn = (id: string, userText: string, answer = "", thought = ""): Turn => ({id, userText, attachments: [], thought, answer});

describe("chat prompt assembly", () => {
    it("formats attachments in DeepSeek's file format, before the question", () => {
        const content = userContent({
            userText: "Explain this.",
            attachments: [{kind: "selection", label: "a.ts:3-4", fileName: "src/a.ts", languageId: "typescript", startLine: 3, endLine: 4, content: "let x = 1;\nx++;"}]
        });
        assert.equal(content, "[file name]: src/a.ts (lines 3-4)\n[file content begin]\nlet x = 1;\nx++;\n[file content end]\nExplain this.");
        assert.equal(formatAttachment({kind: "file", label: "b.py", fileName: "b.py", content: "pass"}), "[file name]: b.py\n[file content begin]\npass\n[file content end]");
    });

    it("sends no system prompt and no earlier thoughts", () => {
        const messages = toMessages([turn("1", "Hi", "Hello!", "secret reasoning"), turn("2", "And?")]);
        assert.deepEqual(messages, [
            {role: "user", content: "Hi"},
            {role: "assistant", content: "Hello!"},
            {role: "user", content: "And?"}
        ]);
        assert.ok(messages.every((message) => !message.content.includes("secret reasoning")));
        assert.ok(messages.every((message) => (message.role as string) !== "system"));
    });

    it("trims the oldest turns first to fit the budget, and says how many", () => {
        const words = (n: number) => Array.from({length: n}, () => "w").join(" ");
        const turns = [turn("1", words(50), words(50)), turn("2", words(50), words(50)), turn("3", words(30))];
        const count = (text: string) => (text === "" ? 0 : text.split(" ").length);
        const all = trimToBudget(turns, 1_000, count);
        assert.equal(all.trimmedTurns, 0);
        assert.equal(all.usedTokens, 230);
        const trimmed = trimToBudget(turns, 150, count);
        assert.equal(trimmed.trimmedTurns, 1);
        assert.deepEqual(trimmed.turns.map((t) => t.id), ["2", "3"]);
        assert.equal(trimmed.usedTokens, 130);
        const tight = trimToBudget(turns, 10, count);
        assert.deepEqual(tight.turns.map((t) => t.id), ["3"], "the newest turn always stays");
        assert.equal(tight.trimmedTurns, 2);
    });
});
