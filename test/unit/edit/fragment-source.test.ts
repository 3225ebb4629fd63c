import assert from "node:assert/strict";
import {codeBlockAt, namedPaths} from "../../../src/edit/fragmentSource";

describe("the file a code block names", () => {
    it("reads a path after the language in the info string, in its usual spellings", () => {
        assert.deepEqual(namedPaths({info: "ts src/a.ts", lineBefore: ""}), ["src/a.ts"]);
        assert.deepEqual(namedPaths({info: "ts:src/a.ts", lineBefore: ""}), ["src/a.ts"]);
        assert.deepEqual(namedPaths({info: "python title=\"app/main.py\"", lineBefore: ""}), ["app/main.py"]);
        assert.deepEqual(namedPaths({info: "go {file=cmd/serve.go}", lineBefore: ""}), ["cmd/serve.go"]);
        assert.deepEqual(namedPaths({info: "src/util/strings.ts", lineBefore: ""}), ["src/util/strings.ts"]);
        assert.deepEqual(namedPaths({info: "rs src/lib.rs:10-20", lineBefore: ""}), ["src/lib.rs"]);
    });

    it("reads the line before the fence, backticked paths first", () => {
        assert.deepEqual(namedPaths({info: "ts", lineBefore: "Change `total` in `src/invoice.ts`:"}), ["src/invoice.ts"]);
        assert.deepEqual(namedPaths({info: "", lineBefore: "**lib/parse.py**"}), ["lib/parse.py"]);
        assert.deepEqual(namedPaths({info: "ts", lineBefore: "In src/a.ts, replace it with this."}), ["src/a.ts"]);
        assert.deepEqual(namedPaths({info: "ts src/a.ts", lineBefore: "Then in `src/b.ts`:"}), ["src/a.ts", "src/b.ts"], "the fence's own path first");
    });

    it("names no path for a bare language, prose, versions or links", () => {
        assert.deepEqual(namedPaths({info: "typescript", lineBefore: "Here is the fixed function:"}), []);
        assert.deepEqual(namedPaths({info: "", lineBefore: "Upgrade to 1.2.3, see https://example.com/a.ts for details"}), []);
        assert.deepEqual(namedPaths({info: "c++", lineBefore: "Replace `greet` with:"}), []);
    });
});

describe("the code block of an answer", () => {
    const answer = [
        "Two changes.",
        "",
        "In `src/a.ts`:",
        "",
        "```ts",
        "export const a = 1;",
        "```",
        "",
        "And an indented one:",
        "",
        "    let b = 2;",
        "",
        "~~~python app.py",
        "print('hi')",
        "~~~"
    ].join("\n");

    it("counts fenced and indented blocks in order, as the chat view renders them; the line before is prose or nothing", () => {
        assert.deepEqual(codeBlockAt(answer, 0), {code: "export const a = 1;", info: "ts", lineBefore: "In `src/a.ts`:"});
        assert.deepEqual(codeBlockAt(answer, 1), {code: "let b = 2;", info: "", lineBefore: "And an indented one:"});
        assert.deepEqual(codeBlockAt(answer, 2), {code: "print('hi')", info: "python app.py", lineBefore: ""});
        assert.equal(codeBlockAt(answer, 3), undefined);
    });

    it("reads an unclosed fence of a streaming answer to its end", () => {
        assert.deepEqual(codeBlockAt("```go main.go\nfunc main() {", 0), {code: "func main() {", info: "go main.go", lineBefore: ""});
    });
});
