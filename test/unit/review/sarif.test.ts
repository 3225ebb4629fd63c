// SARIF output validated against the official SARIF 2.1.0 schema (see sarifSchema.ts for where it comes from).
import assert from "node:assert/strict";
import type {AnchoredFinding} from "../../../src/review/findings";
import type {ReviewNote} from "../../../src/review/reviewer";
import {sarifSchemaUri, toSarif} from "../../../src/review/sarif";
import {sarifErrors, sarifSchema as schema, validateSarif as validate} from "./sarifSchema";

function assertValid(log: unknown): void {
    const errors = sarifErrors(log);
    assert.equal(errors, undefined, `not valid SARIF 2.1.0:\n${errors}`);
}

const findings: AnchoredFinding[] = [
    {file: "src/math.js", startLine: 2, endLine: 2, severity: "error", title: "add subtracts", explanation: "add() returns a - b.", replacement: "    return a + b;", cited: ["    return a - b;"]},
    {file: "docs/read me é.md", startLine: 1, endLine: 3, severity: "info", title: "Typo", explanation: "", cited: ["a", "b", "c"]},
    {file: "src/x.ts", startLine: 7, endLine: 7, severity: "warning", title: "No fallback", explanation: "It throws on an empty list.", cited: ["const first = list[0]!;"]}
];
const notes: ReviewNote[] = [{file: "src/big.ts", part: {index: 2, count: 3}, message: "The review could not be turned into findings."}];

describe("review SARIF output", () => {
    it("the schema really is SARIF 2.1.0's, and rejects a broken log", () => {
        assert.match(String(schema.title), /SARIF\) Version 2\.1\.0/);
        assert.equal(validate({version: "2.1.0", runs: [{tool: {driver: {}}}]}), false, "a driver needs a name");
    });

    it("validates with findings, a fix, notes and a root", () => {
        const log = toSarif(findings, {toolVersion: "0.1.0", rootUri: "file:///work/repo/", notes});
        assertValid(log);
        assert.equal(log.$schema, sarifSchemaUri);
        const run = log.runs[0]!;
        assert.deepEqual(run.results?.map((result) => result.level), ["error", "note", "warning"]);
        assert.equal(run.results?.[1]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri, "docs/read%20me%20%C3%A9.md");
        const replacement = run.results?.[0]?.fixes?.[0]?.artifactChanges[0]?.replacements[0];
        assert.deepEqual(replacement?.deletedRegion, {startLine: 2, startColumn: 1, endLine: 2, endColumn: 18});
        assert.equal(replacement?.insertedContent?.text, "    return a + b;");
        assert.equal(run.invocations?.[0]?.toolExecutionNotifications?.length, 1);
    });

    it("validates with no findings and no root", () => {
        assertValid(toSarif([], {toolVersion: "0.1.0"}));
    });

    it("gives the same fingerprint to the same finding after its lines moved", () => {
        const moved = {...findings[0]!, startLine: 12, endLine: 12};
        const fingerprint = (finding: AnchoredFinding) => toSarif([finding], {toolVersion: "0"}).runs[0]!.results![0]!.partialFingerprints;
        assert.deepEqual(fingerprint(moved), fingerprint(findings[0]!));
    });
});
