import assert from "node:assert/strict";
import {diffUnits, parseUnifiedDiff} from "../../../src/review/hunks";
import {estimateTokens} from "../../../src/review/units";

// What `git -c core.quotePath=false diff --cached -M` printed for a binary change, a deletion, a new
// file, a pure rename, a path with a space, a change without a final newline and a non-ASCII name.
const gitDiff = `diff --git a/bin.dat b/bin.dat
index bdc955b..8835708 100644
Binary files a/bin.dat and b/bin.dat differ
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 3367afd..0000000
--- a/gone.txt
+++ /dev/null
@@ -1 +0,0 @@
-old
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3e75765
--- /dev/null
+++ b/new.txt
@@ -0,0 +1 @@
+new
diff --git a/ren.txt b/renamed.txt
similarity index 100%
rename from ren.txt
rename to renamed.txt
diff --git a/sp ace.txt b/sp ace.txt
index 5626abf..f719efd 100644
--- a/sp ace.txt\t
+++ b/sp ace.txt\t
@@ -1 +1 @@
-one
+two
diff --git a/x.txt b/x.txt
index de98044..f8f7a32 100644
--- a/x.txt
+++ b/x.txt
@@ -1,3 +1,4 @@
 a
-b
+B
 c
+d
\\ No newline at end of file
diff --git a/é.txt b/é.txt
new file mode 100644
index 0000000..5fb50d3
--- /dev/null
+++ b/é.txt
@@ -0,0 +1 @@
+héllo
`;

/** A diff of one file with `hunks` hunks of `added` added lines each, 20 lines apart. */
function bigDiff(hunks: number, added: number, lineText = (n: number) => `    const value${n} = compute(${n}); // some code`): string {
    const out = ["diff --git a/big.ts b/big.ts", "index 1111111..2222222 100644", "--- a/big.ts", "+++ b/big.ts"];
    let newLine = 1;
    for (let hunk = 0; hunk < hunks; hunk++) {
        out.push(`@@ -${newLine},2 +${newLine},${added + 2} @@ function f${hunk}()`);
        out.push(` context ${newLine}`);
        for (let i = 1; i <= added; i++) out.push(`+${lineText(newLine + i)}`);
        out.push(` context ${newLine + added + 1}`);
        newLine += added + 2 + 20;
    }
    return `${out.join("\n")}\n`;
}

describe("review hunks: unified diffs", () => {
    it("splits git's output into files with their status, and maps lines to the new file", () => {
        const files = parseUnifiedDiff(gitDiff);
        assert.deepEqual(files.map((file) => [file.file, file.status, file.binary]), [
            ["bin.dat", "modified", true],
            ["gone.txt", "deleted", false],
            ["new.txt", "added", false],
            ["renamed.txt", "renamed", false],
            ["sp ace.txt", "modified", false],
            ["x.txt", "modified", false],
            ["é.txt", "added", false]
        ]);
        assert.equal(files[3]!.oldFile, "ren.txt");
        const x = files[5]!;
        assert.deepEqual(x.hunks[0]!.lines, [
            {marker: " ", newLine: 1, text: "a"},
            {marker: "-", text: "b"},
            {marker: "+", newLine: 2, text: "B"},
            {marker: " ", newLine: 3, text: "c"},
            {marker: "+", newLine: 4, text: "d"}
        ], "the no-newline marker is not a line, and removed lines have no new number");
    });

    it("trims CR line ends of CRLF files", () => {
        const diff = "diff --git a/w.txt b/w.txt\r\nindex 1..2 100644\r\n--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1,2 +1,2 @@\r\n keep\r\n-old\r\n+new\r\n";
        const [file] = parseUnifiedDiff(diff);
        assert.deepEqual(file!.hunks[0]!.lines.map((line) => line.text), ["keep", "old", "new"]);
    });

    it("sets aside files with nothing to review, with the reason", () => {
        const {units, skipped} = diffUnits(parseUnifiedDiff(gitDiff), 1000);
        assert.deepEqual(skipped, [
            {file: "bin.dat", reason: "binary file"},
            {file: "gone.txt", reason: "deleted"},
            {file: "renamed.txt", reason: "renamed without changes"}
        ]);
        assert.deepEqual(units.map((unit) => unit.file), ["new.txt", "sp ace.txt", "x.txt", "é.txt"]);
        const x = units[2]!;
        assert.equal(x.kind, "diff");
        assert.deepEqual(x.excerpts, [{startLine: 1, lines: ["a", "B", "c", "d"]}]);
        assert.equal(x.content, "@@ -1,3 +1,4 @@\n 1 | a\n-  | b\n+2 | B\n 3 | c\n+4 | d");
    });

    it("keeps a file's hunks in one unit while they fit the budget", () => {
        const {units} = diffUnits(parseUnifiedDiff(bigDiff(3, 4)), 10_000);
        assert.equal(units.length, 1);
        assert.deepEqual(units[0]!.part, {index: 1, count: 1});
        assert.deepEqual(units[0]!.excerpts.map((excerpt) => [excerpt.startLine, excerpt.lines.length]), [[1, 6], [27, 6], [53, 6]]);
    });

    it("packs hunks into several units when they do not fit, each within the budget", () => {
        const budget = 200;
        const {units} = diffUnits(parseUnifiedDiff(bigDiff(10, 5)), budget);
        assert.ok(units.length > 1);
        for (const unit of units) {
            assert.ok(estimateTokens(unit.content) <= budget, `unit ${unit.part.index} has ${estimateTokens(unit.content)} tokens`);
            assert.deepEqual(unit.part, {index: units.indexOf(unit) + 1, count: units.length});
        }
        // Every hunk is in exactly one unit, whole (no hunk here exceeds the budget alone).
        const starts = units.flatMap((unit) => unit.excerpts.map((excerpt) => excerpt.startLine));
        assert.deepEqual(starts, Array.from({length: 10}, (_, hunk) => 1 + hunk * 27));
    });

    it("cuts a hunk larger than the budget between lines, numbering stays the new file's", () => {
        const budget = 150;
        const {units} = diffUnits(parseUnifiedDiff(bigDiff(1, 60)), budget);
        assert.ok(units.length >= 3, `${units.length} units`);
        const shown = units.flatMap((unit) => unit.excerpts.flatMap((excerpt) => excerpt.lines.map((_, i) => excerpt.startLine + i)));
        assert.deepEqual(shown, Array.from({length: 62}, (_, i) => i + 1), "every new line exactly once, in order");
        for (const unit of units) {
            assert.ok(estimateTokens(unit.content) <= budget);
            assert.ok(unit.content.startsWith("@@ -1,2 +1,62 @@"), "each piece keeps the hunk header");
        }
    });

    it("shows a single line longer than the budget cut short, but anchors on its full text", () => {
        const long = `const data = "${"x".repeat(3000)}";`;
        const {units} = diffUnits(parseUnifiedDiff(bigDiff(1, 1, () => long)), 120);
        const withLong = units.find((unit) => unit.excerpts.some((excerpt) => excerpt.lines.includes(long)));
        assert.ok(withLong, "the excerpt keeps the real line");
        assert.match(withLong.content, /…\(line cut\)/);
        for (const unit of units) assert.ok(estimateTokens(unit.content) <= 120);
    });
});
