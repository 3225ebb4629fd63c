import assert from "node:assert/strict";
import {parseRawPatch, parseRawRecords, splitPatch} from "../../../src/git/rawDiff";

describe("git diff --raw -z -p parsing", () => {
    it("takes each path exactly from the NUL-separated records: spaces, quotes, newlines, Unicode, renames", () => {
        const text =
            ":100644 100644 aaa bbb M\0my file.txt\0" +
            ':000000 100644 000 ccc A\0q"uote\nline.txt\0' +
            ":100644 100644 ddd ddd R087\0old näme.ts\0new näme.ts\0" +
            "\0" +
            "diff --git a/my file.txt b/my file.txt\nindex aaa..bbb 100644\n--- a/my file.txt\t\n+++ b/my file.txt\t\n@@ -1 +1 @@\n-a\n+diff --git looks like a header but is content\n" +
            'diff --git "a/q\\"uote\\nline.txt" "b/q\\"uote\\nline.txt"\nnew file mode 100644\n--- /dev/null\n+++ "b/q\\"uote\\nline.txt"\n@@ -0,0 +1 @@\n+c\n' +
            "diff --git a/old näme.ts b/new näme.ts\nsimilarity index 87%\nrename from old näme.ts\nrename to new näme.ts\n";
        const files = parseRawPatch(text);
        assert.deepEqual(
            files.map(({status, path, oldPath}) => ({status, path, oldPath})),
            [
                {status: "modified", path: "my file.txt", oldPath: undefined},
                {status: "added", path: 'q"uote\nline.txt', oldPath: undefined},
                {status: "renamed", path: "new näme.ts", oldPath: "old näme.ts"}
            ]
        );
        assert.match(files[0]!.patch, /^diff --git a\/my file\.txt[\s\S]*\+diff --git looks like a header but is content\n$/);
        assert.match(files[1]!.patch, /^diff --git "a\/q[\s\S]*\+c\n$/);
        assert.match(files[2]!.patch, /^diff --git a\/old näme\.ts b\/new näme\.ts\nsimilarity index 87%/);
    });

    it("an empty diff has no records and no patches", () => {
        assert.deepEqual(parseRawRecords(""), {records: [], patchStart: 0});
        assert.deepEqual(splitPatch(""), []);
        assert.deepEqual(parseRawPatch(""), []);
    });

    it("fails clearly on output it cannot pair up", () => {
        assert.throws(() => parseRawPatch(":100644 100644 a b M\0x.txt\0\0"), /listed 1 changed files but wrote 0 patches/);
        assert.throws(() => parseRawPatch(":100644 100644 a b X\0x.txt\0"), /unknown status "X"/);
        assert.throws(() => parseRawPatch(":100644 100644 a b M\0x.txt"), /without its NUL/);
    });
});
