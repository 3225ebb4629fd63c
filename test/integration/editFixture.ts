// The file suite/edit.test.ts rewrites in place, and the scripted models' answers (settings.ts): a
// rewrite of two lines, with prose around its code fence, in 2-space indentation at column 0 — so
// the test sees the prose dropped and the code moved to the file's 4-space levels and CRLF.

/** Workspace-relative; the test writes it, with CRLF line endings, and deletes it afterwards. */
export const editFile = "edit/shapes.ts";

export const editFileLines = [
    "export class Shapes {",
    "    area(width: number, height: number): number {",
    "        const product = width * height;",
    "        return product;",
    "    }",
    "",
    "    perimeter(width: number, height: number): number {",
    "        return 2 * (width + height);",
    "    }",
    "}",
    ""
];
export const editFileText = editFileLines.join("\r\n");

/** The lines the test selects: area's body. */
export const editTarget = {start: 2, end: 3};

export const editCode = 'const area = width * height;\nif (area < 0) {\n  throw new RangeError("negative area");\n}\nreturn area;';

export const editAnswer = `Here is the rewrite:\n\n\`\`\`ts\n${editCode}\n\`\`\`\nIt checks the sign first.`;

/** The rewrite's lines as they land in the file: area's indentation, 4-space levels. */
export const editedLines = [
    "        const area = width * height;",
    "        if (area < 0) {",
    '            throw new RangeError("negative area");',
    "        }",
    "        return area;"
];

export const editedFileText = [...editFileLines.slice(0, editTarget.start), ...editedLines, ...editFileLines.slice(editTarget.end + 1)].join("\r\n");

/** The endless model's answer opens a fence, then writes this line forever (Stop and concurrent-edit tests). */
export const endlessEditLine = "        step();\n";
