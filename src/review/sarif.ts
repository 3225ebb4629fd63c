/**
 * Findings as a SARIF 2.1.0 log, the format CI systems and code-scanning dashboards read. One rule
 * ("enclave-review") stands for all model findings — they are free-form, not instances of fixed
 * checks — and each result carries its own level, message, region, a fingerprint that survives line
 * moves, and the suggested replacement as a SARIF fix over whole lines.
 */
import {createHash} from "node:crypto";
import type {Fix, Log, Notification, Region, Result} from "sarif";
import type {Finding, Severity} from "./findings";
import type {ReviewNote} from "./reviewer";

export const sarifSchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const ruleId = "enclave-review";
const rootBase = "%SRCROOT%";

export interface SarifOptions {
    toolVersion: string;
    /** A file URL ending in "/" that finding paths are relative to (the repository or working folder). */
    rootUri?: string;
    notes?: readonly ReviewNote[];
}

type SarifFinding = Finding & {cited?: readonly string[]};

export function toSarif(findings: readonly SarifFinding[], options: SarifOptions): Log {
    const notifications: Notification[] = (options.notes ?? []).map((note) => ({
        level: "warning",
        message: {text: note.part.count > 1 ? `${note.file} (part ${note.part.index} of ${note.part.count}): ${note.message}` : `${note.file}: ${note.message}`},
        locations: [{physicalLocation: {artifactLocation: artifactLocation(note.file)}}]
    }));
    return {
        $schema: sarifSchemaUri,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "enclave-review",
                        version: options.toolVersion,
                        rules: [
                            {
                                id: ruleId,
                                name: "LocalModelReview",
                                shortDescription: {text: "A problem found by a local model's code review."},
                                fullDescription: {text: "Enclave reviews code with a DeepSeek-R1 model running on this machine. Findings are the model's judgement: check them before acting on them."},
                                defaultConfiguration: {level: "warning"}
                            }
                        ]
                    }
                },
                ...(options.rootUri ? {originalUriBaseIds: {[rootBase]: {uri: options.rootUri}}} : {}),
                columnKind: "utf16CodeUnits",
                invocations: [{executionSuccessful: true, ...(notifications.length > 0 ? {toolExecutionNotifications: notifications} : {})}],
                results: findings.map(toResult)
            }
        ]
    };
}

function toResult(finding: SarifFinding): Result {
    const region: Region = {startLine: finding.startLine, endLine: finding.endLine};
    if (finding.cited && finding.cited.length > 0) region.snippet = {text: finding.cited.join("\n")};
    return {
        ruleId,
        ruleIndex: 0,
        level: sarifLevel(finding.severity),
        message: {text: finding.explanation ? `${finding.title}\n\n${finding.explanation}` : finding.title},
        locations: [{physicalLocation: {artifactLocation: artifactLocation(finding.file), region}}],
        partialFingerprints: {"enclaveReview/v1": fingerprint(finding)},
        ...(finding.replacement != null ? {fixes: [toFix(finding, finding.replacement)]} : {})
    };
}

function toFix(finding: SarifFinding, replacement: string): Fix {
    const lastLine = finding.cited?.[finding.cited.length - 1];
    // Whole lines: from column 1 of the first to just after the last character of the last, so the
    // line break after them stays.
    const deletedRegion: Region = lastLine == null
        ? {startLine: finding.startLine, endLine: finding.endLine}
        : {startLine: finding.startLine, startColumn: 1, endLine: finding.endLine, endColumn: lastLine.length + 1};
    return {
        description: {text: "Apply the suggested fix"},
        artifactChanges: [{artifactLocation: artifactLocation(finding.file), replacements: [{deletedRegion, insertedContent: {text: replacement}}]}]
    };
}

function artifactLocation(file: string): {uri: string; uriBaseId: string} {
    return {uri: file.split("/").map(encodeURIComponent).join("/"), uriBaseId: rootBase};
}

export function sarifLevel(severity: Severity): "error" | "warning" | "note" {
    return severity === "info" ? "note" : severity;
}

/** The same finding on the same code keeps its fingerprint when lines above it move. */
function fingerprint(finding: SarifFinding): string {
    const code = finding.cited?.map((line) => line.trim()).join("\n") ?? `${finding.startLine}-${finding.endLine}`;
    return createHash("sha256").update(`${finding.file}\0${finding.title}\0${code}`).digest("hex").slice(0, 32);
}
