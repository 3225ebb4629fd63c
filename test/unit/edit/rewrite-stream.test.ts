import assert from "node:assert/strict";
import {applyEdit, nextEdit} from "../../../src/edit/inlineDiff";
import {withoutThought} from "../../../src/chat/answerText";
import {RewriteStream} from "../../../src/edit/rewriteStream";

const fourSpaces = {width: 0, unit: "    "};

/** Streams `answer` in chunks of `size` characters; every snapshot's lines, then the finished lines. */
function run(answer: string, indent = fourSpaces, size = 3): {snapshots: (readonly string[])[]; final: readonly string[]} {
    const stream = new RewriteStream(indent);
    const snapshots: (readonly string[])[] = [];
    for (let i = 0; i < answer.length; i += size) {
        const snapshot = stream.push(answer.slice(i, i + size));
        if (snapshot) snapshots.push(snapshot.lines);
    }
    return {snapshots, final: stream.finish()};
}

describe("a rewrite's streamed answer reduced to code", () => {
    it("shows complete lines of a fenced block as they arrive, without the fence or the prose after it", () => {
        const {snapshots, final} = run("```ts\nconst a = 1;\nconst b = 2;\n```\nThis sets a and b.\n");
        assert.deepEqual(snapshots, [["const a = 1;"], ["const a = 1;", "const b = 2;"], ["const a = 1;", "const b = 2;"]]);
        assert.deepEqual(final, ["const a = 1;", "const b = 2;"]);
    });

    it("drops prose before the fence once the fence opens", () => {
        const {snapshots, final} = run("Here is the shorter version:\n\n```python\nreturn x\n```\nDone.");
        assert.deepEqual(snapshots[0], ["Here is the shorter version:"], "shown only until the fence opens");
        assert.deepEqual(snapshots.at(-1), ["return x"]);
        assert.deepEqual(final, ["return x"]);
    });

    it("keeps an answer without a fence as it is, blank lines around it dropped", () => {
        assert.deepEqual(run("\n\nx = 1\n\ny = 2\n\n").final, ["x = 1", "", "y = 2"]);
        assert.deepEqual(run("\n\nx = 1\n\n").snapshots, [["x = 1"]], "trailing blank lines wait for more code");
    });

    it("never shows thought text: an answer that opens a thought, or one that only closes it", () => {
        const opened = run("<think>\nthe user wants a loop\nso a for\n</think>\n\n```js\nfor (;;) {}\n```\n", fourSpaces, 2);
        const closedOnly = run("the user wants a loop\nso a for\n</think>\n\nfor (;;) {}\n", fourSpaces, 2);
        for (const {snapshots, final} of [opened, closedOnly]) {
            assert.deepEqual(final, ["for (;;) {}"]);
            assert.deepEqual(snapshots.at(-1), ["for (;;) {}"]);
        }
        assert.ok(!opened.snapshots.flat().some((line) => /user wants|think>/.test(line)), "an opened thought never shows");
        assert.equal(withoutThought("<thi"), "", "what may become <think> is held");
        assert.equal(withoutThought("a</think>b</think>c"), "c");
    });

    it("re-indents the code to the target's indentation in the file's unit", () => {
        const answer = "```ts\nif (a) {\n  b();\n}\n```";
        assert.deepEqual(run(answer, {width: 8, unit: "\t"}).final, ["\t\tif (a) {", "\t\t\tb();", "\t\t}"]);
        assert.deepEqual(run("```ts\n        if (a) {\n            b();\n        }\n```", {width: 4, unit: "    "}).final, ["    if (a) {", "        b();", "    }"]);
    });

    it("says when the closing fence has come", () => {
        const stream = new RewriteStream(fourSpaces);
        assert.equal(stream.push("```\nx\n")?.complete, false);
        assert.equal(stream.push("```\n")?.complete, true);
    });
});

describe("the inline diff's edits", () => {
    it("appends new lines and replaces only the lines that changed", () => {
        assert.deepEqual(nextEdit(["a"], ["a", "b"]), {start: 1, removed: 0, inserted: ["b"]});
        assert.deepEqual(nextEdit(["a", "x", "}"], ["a", "y", "z", "}"]), {start: 1, removed: 1, inserted: ["y", "z"]});
        assert.deepEqual(nextEdit(["Here:"], ["code"]), {start: 0, removed: 1, inserted: ["code"]});
        assert.equal(nextEdit(["a"], ["a"]), undefined);
        const shown = ["a", "x", "}"];
        const wanted = ["q", "a", "}", "z"];
        const edit = nextEdit(shown, wanted);
        assert.ok(edit);
        assert.deepEqual(applyEdit(shown, edit), wanted);
    });
});
