import assert from "node:assert/strict";
import Ajv from "ajv";
import {findingsMaxTokens, findingsSchema, parseRawFindings, severityRank} from "../../../src/review/findings";

describe("review findings schema", () => {
    const validate = new Ajv({strict: false}).compile(findingsSchema());

    it("is a plain JSON schema that accepts a full answer and an empty one", () => {
        assert.ok(validate({findings: []}));
        assert.ok(validate({findings: [{severity: "error", startLine: 1, endLine: 2, title: "t", explanation: "", replacement: null}]}), JSON.stringify(validate.errors));
    });

    it("bounds every array and string, so the grammar's output has a finite size", () => {
        const schema = findingsSchema();
        const item = schema.properties.findings.items.properties;
        assert.equal(schema.properties.findings.maxItems, 5);
        assert.equal(item.title.maxLength, 80);
        assert.equal(item.explanation.maxLength, 400);
        assert.equal(item.replacement.oneOf[1].maxLength, 800);
        assert.equal(validate({findings: Array.from({length: 6}, () => ({severity: "info", startLine: 1, endLine: 1, title: "t", explanation: "", replacement: null}))}), false);
        assert.equal(validate({findings: [{severity: "fatal", startLine: 1, endLine: 1, title: "t", explanation: "", replacement: null}]}), false);
        assert.equal(validate({findings: [{severity: "info", startLine: 1, endLine: 1, title: "", explanation: "", replacement: null}]}), false);
    });

    it("sizes maxTokens for the worst case the grammar allows: every character a 6-token escape", () => {
        const worstStrings = 5 * 6 * (80 + 400 + 800);
        assert.ok(findingsMaxTokens() > worstStrings);
        assert.ok(findingsMaxTokens() < worstStrings * 1.1);
    });

    it("reads the structured value, and reports a wrong shape", () => {
        assert.deepEqual(parseRawFindings({findings: []}), {ok: true, findings: []});
        const bad = parseRawFindings({findings: [{severity: "error"}]});
        assert.equal(bad.ok, false);
    });

    it("ranks severities", () => {
        assert.ok(severityRank("error") > severityRank("warning") && severityRank("warning") > severityRank("info"));
    });
});
