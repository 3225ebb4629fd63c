import assert from "node:assert/strict";
import {cleanCommitMessage, wrapSubject} from "../../../src/commit/postProcess";

describe("commit message post-processing", () => {
    it("drops thought text: a closed <think> block, text before a lone </think>, an unclosed <think>", () => {
        assert.equal(cleanCommitMessage("<think>Let me look.</think>\nFix the parser\n\nTabs broke it."), "Fix the parser\n\nTabs broke it.");
        assert.equal(cleanCommitMessage("Okay, the diff renames x.\n</think>\n\nRename x to y"), "Rename x to y");
        assert.equal(cleanCommitMessage("Fix the parser\n<think>still thinking"), "Fix the parser");
    });

    it("takes the message out of a code fence (closed, or still open while streaming), and drops prefaces and labels", () => {
        assert.equal(cleanCommitMessage("Here is the commit message:\n```text\nfeat(git): read untracked files\n\nThey are part of the change.\n```\nHope it helps!"), "feat(git): read untracked files\n\nThey are part of the change.");
        assert.equal(cleanCommitMessage("```\nfeat(git): read untracked"), "feat(git): read untracked");
        assert.equal(cleanCommitMessage("```"), "");
        assert.equal(cleanCommitMessage("Subject: Add the button\nBody: It was missing."), "Add the button\n\nIt was missing.");
        assert.equal(cleanCommitMessage("**Subject:** Add the button\n\n**Body:** It was missing."), "Add the button\n\nIt was missing.");
        assert.equal(cleanCommitMessage("Commit message:\nAdd the button"), "Add the button");
    });

    it("removes quotes around the message or the subject, a trailing period, and keeps code in backticks", () => {
        assert.equal(cleanCommitMessage('"Fix the parser."'), "Fix the parser");
        assert.equal(cleanCommitMessage("'Fix the parser'\n\nBecause."), "Fix the parser\n\nBecause.");
        assert.equal(cleanCommitMessage('"Fix the par'), "Fix the par");
        assert.equal(cleanCommitMessage("`parse()` handles tabs\n\nSee `lexer`"), "`parse()` handles tabs\n\nSee `lexer`");
        assert.equal(cleanCommitMessage("Wait for it..."), "Wait for it...");
        assert.equal(cleanCommitMessage("'a' is renamed to 'b'"), "'a' is renamed to 'b'");
    });

    it("a subject over 72 characters is cut at a word and the rest starts the body; long body lines wrap", () => {
        const long = "Make the git module read untracked files as added ones so that reviews and commit messages agree";
        const cleaned = cleanCommitMessage(`${long}\n\nWhy: ${"word ".repeat(30).trim()}\n- a list item that is long enough to need wrapping because it goes on and on and on`);
        const [subject, blank, ...body] = cleaned.split("\n");
        assert.ok(subject !== undefined && subject.length <= 72, subject);
        assert.equal(subject, "Make the git module read untracked files as added ones so that reviews");
        assert.equal(blank, "");
        assert.equal(body[0], "and commit messages agree");
        assert.ok(body.every((line) => line.length <= 72), body.join("\n"));
        assert.ok(body.some((line) => line.startsWith("  ") && !line.startsWith("- ")), "list items keep a hanging indent");
        assert.equal(wrapSubject("x".repeat(80)).subject.length, 72);
        assert.deepEqual(wrapSubject("Short"), {subject: "Short", rest: ""});
    });

    it("blank lines before the subject and CRLF line ends are cleaned", () => {
        assert.equal(cleanCommitMessage("\r\n\r\nAdd x\r\n\r\nBecause y\r\n"), "Add x\n\nBecause y");
        assert.equal(cleanCommitMessage("   \n"), "");
    });
});
