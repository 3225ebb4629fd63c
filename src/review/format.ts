/**
 * Findings as text for a terminal, as JSON for scripts, and as a markdown report for the editor.
 * Titles and explanations are model output, so the markdown report escapes them (no links, HTML or
 * headings can come from the model) and shows code only inside fences longer than any backtick run
 * in it.
 */
import {severities, severityRank, type Finding, type Severity} from "./findings";
import type {ReviewNote} from "./reviewer";

export interface FindingCounts {
    error: number;
    warning: number;
    info: number;
    files: number;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
    const counts: FindingCounts = {error: 0, warning: 0, info: 0, files: new Set(findings.map((finding) => finding.file)).size};
    for (const finding of findings) counts[finding.severity]++;
    return counts;
}

/** "3 findings in 2 files: 1 error, 2 warnings" or "No findings." */
export function summaryLine(findings: readonly Finding[]): string {
    if (findings.length === 0) return "No findings.";
    const counts = countFindings(findings);
    const parts = severities.filter((severity) => counts[severity] > 0).map((severity) => plural(counts[severity], severity));
    return `${plural(findings.length, "finding")} in ${plural(counts.files, "file")}: ${parts.join(", ")}.`;
}

/** Most serious first, then by file and line. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
    return [...findings].sort((a, b) =>
        severityRank(b.severity) - severityRank(a.severity) || a.file.localeCompare(b.file) || a.startLine - b.startLine
    );
}

export interface TextOptions {
    /** How a finding's path is printed (e.g. relative to the working folder). */
    displayPath?: (file: string) => string;
    color?: boolean;
    notes?: readonly ReviewNote[];
}

const ansi = {error: "\u001b[31m", warning: "\u001b[33m", info: "\u001b[36m", bold: "\u001b[1m", dim: "\u001b[2m", reset: "\u001b[0m"};

/** `path:start[-end]: severity: title`, then the explanation and any fix, indented; a summary last. */
export function formatText(findings: readonly Finding[], options: TextOptions = {}): string {
    const paint = (code: string, text: string) => (options.color ? `${code}${text}${ansi.reset}` : text);
    const show = options.displayPath ?? ((file: string) => file);
    const out: string[] = [];
    for (const finding of sortFindings(findings)) {
        const lines = finding.endLine > finding.startLine ? `${finding.startLine}-${finding.endLine}` : `${finding.startLine}`;
        out.push(`${paint(ansi.bold, `${show(finding.file)}:${lines}`)}: ${paint(ansi[finding.severity], finding.severity)}: ${stripControls(finding.title)}`);
        if (finding.explanation) out.push(...indent(stripControls(finding.explanation), "    "));
        if (finding.replacement != null) {
            out.push(paint(ansi.dim, `    suggested replacement for line${lines.includes("-") ? "s" : ""} ${lines}:`));
            out.push(...indent(stripControls(finding.replacement), "    | "));
        }
        out.push("");
    }
    for (const note of options.notes ?? []) out.push(`note: ${show(note.file)}${partText(note)}: ${stripControls(note.message)}`);
    out.push(summaryLine(findings));
    return `${out.join("\n")}\n`;
}

export interface JsonReport {
    version: 1;
    findings: Finding[];
    notes: ReviewNote[];
    summary: FindingCounts;
}

export function formatJson(findings: readonly Finding[], notes: readonly ReviewNote[] = []): string {
    const report: JsonReport = {
        version: 1,
        findings: sortFindings(findings).map((finding) => ({
            file: finding.file,
            startLine: finding.startLine,
            endLine: finding.endLine,
            severity: finding.severity,
            title: finding.title,
            explanation: finding.explanation,
            ...(finding.replacement != null ? {replacement: finding.replacement} : {})
        })),
        notes: [...notes],
        summary: countFindings(findings)
    };
    return `${JSON.stringify(report, null, 2)}\n`;
}

export interface MarkdownOptions {
    title?: string;
    /** A link target for a file line (e.g. a command or file URI); none: plain text. */
    linkFor?: (file: string, line: number) => string | undefined;
    notes?: readonly ReviewNote[];
    /** Files reviewed without findings, listed so the report says they were looked at. */
    cleanFiles?: readonly string[];
}

const severityLabel: Record<Severity, string> = {error: "🔴 Error", warning: "🟠 Warning", info: "🔵 Info"};

export function formatMarkdown(findings: readonly Finding[], options: MarkdownOptions = {}): string {
    const out: string[] = [`# ${escapeMarkdown(options.title ?? "Enclave review")}`, "", `_${escapeMarkdown(summaryLine(findings))}_`, ""];
    const byFile = new Map<string, Finding[]>();
    for (const finding of sortFindings(findings)) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
    for (const [file, fileFindings] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
        out.push(`## ${escapeMarkdown(file)}`, "");
        for (const finding of fileFindings.sort((a, b) => a.startLine - b.startLine)) {
            const lines = finding.endLine > finding.startLine ? `lines ${finding.startLine}–${finding.endLine}` : `line ${finding.startLine}`;
            const target = options.linkFor?.(finding.file, finding.startLine);
            const where = target ? `[${lines}](<${target.replace(/[<>\s]/g, encodeURIComponent)}>)` : lines;
            out.push(`### ${severityLabel[finding.severity]} · ${where}: ${escapeMarkdown(finding.title)}`, "");
            if (finding.explanation) out.push(escapeMarkdown(finding.explanation), "");
            if (finding.replacement != null) out.push(`**Suggested fix** (replaces ${lines}):`, "", fenced(finding.replacement, languageOf(file)), "");
        }
    }
    if (options.cleanFiles && options.cleanFiles.length > 0)
        out.push("## Reviewed without findings", "", ...options.cleanFiles.map((file) => `- ${escapeMarkdown(file)}`), "");
    if (options.notes && options.notes.length > 0)
        out.push("## Notes", "", ...options.notes.map((note) => `- ${escapeMarkdown(`${note.file}${partText(note)}: ${note.message}`)}`), "");
    return out.join("\n");
}

/** Backslash-escapes every ASCII punctuation character that markdown could act on (CommonMark allows escaping any of them). */
export function escapeMarkdown(text: string): string {
    return stripControls(text).replace(/[\\`*_{}[\]()#+\-.!|<>&~"'=:]/g, (char) => `\\${char}`).replace(/\n/g, "  \n");
}

/** `code` in a backtick fence longer than any backtick run in it, so the code cannot close it. */
export function fenced(code: string, language: string): string {
    const longestRun = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
    const fence = "`".repeat(Math.max(3, longestRun + 1));
    return `${fence}${language}\n${code}\n${fence}`;
}

function languageOf(file: string): string {
    const extension = /\.([A-Za-z0-9]+)$/.exec(file)?.[1] ?? "";
    return extension.toLowerCase();
}

function partText(note: ReviewNote): string {
    return note.part.count > 1 ? ` (part ${note.part.index} of ${note.part.count})` : "";
}

function indent(text: string, prefix: string): string[] {
    return text.split("\n").map((line) => `${prefix}${line}`);
}

/** Model text must not move the cursor or recolour a terminal: drop control characters but tab and newline. */
function stripControls(text: string): string {
    return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "");
}

function plural(count: number, word: string): string {
    return `${count} ${word}${count === 1 ? "" : "s"}`;
}
