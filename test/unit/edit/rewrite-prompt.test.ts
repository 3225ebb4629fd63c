import assert from "node:assert/strict";
import {contextLines, rewriteMessages} from "../../../src/edit/rewritePrompt";

const lines = Array.from({length: 200}, (_, i) => `line ${i}`);
const source = {fileName: "src/a.ts", language: "ts", lines, range: {start: 100, end: 102}};

describe("the prompt of an inline rewrite", () => {
    it("is one user turn: the file around the code, the code in a fence, the instruction last", () => {
        const messages = rewriteMessages(source, [{instruction: "Make it\nshorter"}]);
        assert.equal(messages.length, 1);
        const [message] = messages;
        assert.equal(message?.role, "user");
        const content = message?.content ?? "";
        assert.match(content, /^\[file name\]: src\/a\.ts \(lines 41-163\)\n\[file content begin\]\nline 40\n/, "DeepSeek's file template, stable text first");
        assert.ok(content.includes(`line ${100 - contextLines}\n`) && !content.includes(`line ${99 - contextLines}\n`), "context lines before the code");
        assert.ok(content.includes("line 99\n… (the code to rewrite is here) …\nline 103"), "the code's place in the context");
        assert.ok(content.includes("(lines 101-103):\n\n```ts\nline 100\nline 101\nline 102\n```"), "the code to rewrite, fenced");
        assert.ok(content.indexOf("Instruction: Make it shorter") > content.indexOf("```ts"), "the instruction comes after the code, on one line");
    });

    it("fences code that holds backticks with a longer fence", () => {
        const withFence = {...source, lines: ["```", "x", "```"], range: {start: 0, end: 2}};
        const content = rewriteMessages(withFence, [{instruction: "x"}])[0]?.content ?? "";
        assert.ok(content.includes("````ts\n```\nx\n```\n````"));
        assert.ok(!content.includes("[file name]"), "no context when the code is the whole file");
    });

    it("makes a follow-up revise the previous rewrite", () => {
        const messages = rewriteMessages(source, [{instruction: "add types", code: "typed()"}, {instruction: "make it shorter"}]);
        assert.deepEqual(messages.map((message) => message.role), ["user", "assistant", "user"]);
        assert.equal(messages[1]?.content, "```ts\ntyped()\n```");
        assert.match(messages[2]?.content ?? "", /^Revise your rewrite: make it shorter/);
        assert.throws(() => rewriteMessages(source, []), /needs an instruction/);
    });
});
