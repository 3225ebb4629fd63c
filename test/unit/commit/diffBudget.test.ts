import assert from "node:assert/strict";
import {changesText, fileSummary} from "../../../src/commit/diffBudget";
import type {ChangedFile} from "../../../src/git/changes";
import {addedFilePatch} from "../../../src/git/changes";
import {estimateTokens} from "../../../src/review/units";

const patchOf = (path: string, lines: number): string => addedFilePatch(path, Array.from({length: lines}, (_, i) => `const line${i} = ${i};`).join("\n") + "\n");
const file = (path: string, lines: number): ChangedFile => ({status: "added", path, patch: patchOf(path, lines)});

describe("commit diff budget", () => {
    it("shows every patch when they fit, after the list of files", () => {
        const files = [file("a.ts", 3), {status: "modified" as const, path: "b.ts", patch: "diff --git a/b.ts b/b.ts\n--- a/b.ts\n+++ b/b.ts\n@@ -1 +1 @@\n-x\n+y\n"}];
        const {text, summarised} = changesText(files, 10_000);
        assert.equal(summarised, 0);
        assert.equal(text, `Changed files:\n- a.ts (added, +3)\n- b.ts (modified, +1 −1)\n\n${files[0]!.patch}${files[1]!.patch}`);
    });

    it("a huge diff is summarised file by file within the budget: every file named, the big one cut, the small ones whole", () => {
        const files = [file("small1.ts", 5), file("huge.ts", 5000), file("small2.ts", 5), {status: "added" as const, path: "logo.png", patch: "", skipped: "binary file"}];
        const budget = 1500;
        const {text, summarised} = changesText(files, budget);
        assert.ok(estimateTokens(text) <= budget, `${estimateTokens(text)} tokens`);
        assert.equal(summarised, 1);
        for (const name of ["small1.ts (added, +5)", "huge.ts (added, +5000)", "small2.ts (added, +5)", "logo.png (added, binary file)"]) assert.ok(text.includes(`- ${name}\n`), name);
        assert.ok(text.includes(files[0]!.patch) && text.includes(files[2]!.patch), "the small files' patches are whole");
        assert.match(text, /\+const line0 = 0;\n[\s\S]*… \(the rest of this file's changes is left out\)\n/);
        assert.ok(!text.includes("const line4999"), "the huge file is cut");
    });

    it("several huge files share the room evenly, whatever their order", () => {
        const files = [file("big1.ts", 3000), file("small.ts", 5), file("big2.ts", 3000)];
        const {text, summarised} = changesText(files, 3000);
        assert.equal(summarised, 2);
        assert.ok(estimateTokens(text) <= 3000, `${estimateTokens(text)} tokens`);
        const shownLines = (name: string) => (text.split(`diff --git a/${name}`)[1]?.split("diff --git")[0] ?? "").split("\n").filter((line) => line.startsWith("+const")).length;
        const [one, two] = [shownLines("big1.ts"), shownLines("big2.ts")];
        assert.ok(one > 50 && two > 50 && Math.abs(one - two) <= Math.max(one, two) * 0.1, `big1 ${one} lines, big2 ${two} lines`);
        assert.ok(text.indexOf("a/big1.ts") < text.indexOf("a/small.ts") && text.indexOf("a/small.ts") < text.indexOf("a/big2.ts"), "the diff's order");
    });

    it("with no room for patches, the list alone is the text", () => {
        const files = [file("a.ts", 400), file("b.ts", 400)];
        const {text, summarised} = changesText(files, 40);
        assert.equal(text, "Changed files:\n- a.ts (added, +400)\n- b.ts (added, +400)\n");
        assert.equal(summarised, 2);
    });

    it("names renames and untracked files", () => {
        assert.equal(fileSummary({status: "renamed", oldPath: "old.ts", path: "new.ts", patch: ""}), "old.ts → new.ts (renamed)");
        assert.equal(fileSummary({status: "added", untracked: true, path: "n.ts", patch: patchOf("n.ts", 2)}), "n.ts (added, untracked, +2)");
    });
});
