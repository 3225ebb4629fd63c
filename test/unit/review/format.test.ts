import assert from "node:assert/strict";
import MarkdownIt from "markdown-it";
import type {Finding} from "../../../src/review/findings";
import {escapeMarkdown, formatJson, formatMarkdown, formatText, summaryLine, type JsonReport} from "../../../src/review/format";

const findings: Finding[] = [
    {file: "b.ts", startLine: 3, endLine: 3, severity: "info", title: "Name", explanation: "Call it total."},
    {file: "a.ts", startLine: 2, endLine: 4, severity: "error", title: "Off by one", explanation: "The loop skips the last item.", replacement: "for (let i = 0; i < n; i++) {\n    use(i);\n}"},
    {file: "a.ts", startLine: 9, endLine: 9, severity: "warning", title: "Unchecked", explanation: ""}
];

describe("review output formats", () => {
    it("summarises counts", () => {
        assert.equal(summaryLine([]), "No findings.");
        assert.equal(summaryLine(findings), "3 findings in 2 files: 1 error, 1 warning, 1 info.");
    });

    it("prints text most serious first, with the fix indented, and no control characters from the model", () => {
        const text = formatText([...findings, {file: "c.ts", startLine: 1, endLine: 1, severity: "info", title: "\u001b[2Jclear", explanation: ""}], {displayPath: (file) => `./${file}`});
        const lines = text.split("\n");
        assert.equal(lines[0], "./a.ts:2-4: error: Off by one");
        assert.equal(lines[1], "    The loop skips the last item.");
        assert.equal(lines[2], "    suggested replacement for lines 2-4:");
        assert.equal(lines[3], "    | for (let i = 0; i < n; i++) {");
        assert.ok(text.includes("./a.ts:9: warning: Unchecked"));
        assert.ok(!text.includes("\u001b"), "no escape sequence reaches the terminal");
        assert.equal(lines.at(-2), "4 findings in 3 files: 1 error, 1 warning, 2 infos.");
    });

    it("colours severities only when asked", () => {
        assert.ok(formatText(findings, {color: true}).includes("\u001b[31merror"));
    });

    it("writes JSON with the findings' public fields and counts", () => {
        const report = JSON.parse(formatJson([{...findings[1]!, cited: ["x"]} as Finding], [{file: "z.ts", part: {index: 1, count: 1}, message: "n"}])) as JsonReport;
        assert.equal(report.version, 1);
        assert.deepEqual(Object.keys(report.findings[0]!), ["file", "startLine", "endLine", "severity", "title", "explanation", "replacement"]);
        assert.deepEqual(report.summary, {error: 1, warning: 0, info: 0, files: 1});
        assert.equal(report.notes.length, 1);
    });

    it("writes a markdown report by file, with links and fenced fixes", () => {
        const markdown = formatMarkdown(findings, {linkFor: (file, line) => `command:open?${file}#${line}`, cleanFiles: ["c.ts"]});
        assert.ok(markdown.startsWith("# Enclave review\n"));
        assert.ok(markdown.indexOf("## a\\.ts") < markdown.indexOf("## b\\.ts"));
        assert.ok(markdown.includes("### 🔴 Error · [lines 2–4](<command:open?a.ts#2>): Off by one"));
        assert.ok(markdown.includes("```ts\nfor (let i = 0; i < n; i++) {\n    use(i);\n}\n```"));
        assert.ok(markdown.includes("## Reviewed without findings\n\n- c\\.ts"));
    });

    it("escapes model text so it cannot add HTML, links or headings to the report", () => {
        const hostile: Finding = {file: "x.md", startLine: 1, endLine: 1, severity: "warning", title: "<img src=x onerror=alert(1)>", explanation: "# Click [here](https://evil.example)\n<script>alert(1)</script>", replacement: "```\n``` injected\n````"};
        const markdown = formatMarkdown([hostile]);
        // Rendered by the most permissive settings (raw HTML on, bare URLs linked), nothing active appears.
        const html = new MarkdownIt({html: true, linkify: true}).render(markdown);
        assert.ok(!/<img|<script|<a |<h1>(?!Enclave review)/.test(html), html);
        assert.ok(html.includes("&lt;script&gt;"), "the text is still shown");
        assert.ok(markdown.includes("\\<img src\\=x onerror\\=alert\\(1\\)\\>"));
        assert.ok(markdown.includes("`````md\n```\n``` injected\n````\n`````"), "the fence is longer than any backtick run inside");
        assert.equal(escapeMarkdown("a\nb"), "a  \nb");
    });
});
