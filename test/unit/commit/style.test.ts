import assert from "node:assert/strict";
import {detectStyle} from "../../../src/commit/style";

describe("commit style from the log", () => {
    it("conventional when most recent subjects follow type(scope): description, types most used first", () => {
        const style = detectStyle(["fix(parser): handle tabs", "feat: add export", "Merge branch 'x'", "fix: typo", "chore(deps)!: bump zod", "WIP"]);
        assert.equal(style.conventional, true);
        assert.deepEqual(style.types, ["fix", "feat", "chore"]);
        assert.deepEqual(style.examples, ["fix(parser): handle tabs", "feat: add export", "Merge branch 'x'", "fix: typo", "chore(deps)!: bump zod"]);
    });

    it("not conventional for plain subjects, for a few lucky matches, or for an empty history", () => {
        assert.equal(detectStyle(["Add export", "Fix tabs in the parser", "Update README"]).conventional, false);
        // Two of five look conventional: not a habit.
        assert.equal(detectStyle(["fix: a", "Note: this", "Add b", "Update c", "Remove d"]).conventional, false);
        // Three of four: a habit.
        assert.equal(detectStyle(["fix: a", "feat: b", "docs: c", "Update d"]).conventional, true);
        const empty = detectStyle([]);
        assert.deepEqual(empty, {conventional: false, types: [], examples: []});
    });

    it("needs a space after the colon and a word before it", () => {
        assert.equal(detectStyle(["fix:a", "feat:b", "docs:c"]).conventional, false);
        assert.equal(detectStyle(["(x): a", "(y): b", "(z): c"]).conventional, false);
    });
});
