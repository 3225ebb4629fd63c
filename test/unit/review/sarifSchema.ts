// The official SARIF 2.1.0 schema, as shipped in the npm package @microsoft/jest-sarif
// (lib/schemas/sarif-2.1.0-rtm.5.json: the final 2.1.0 schema, JSON Schema draft-04, so Ajv's
// draft-04 build reads it). Shared by the unit and CLI tests.
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";
import Ajv from "ajv-draft-04";

const require = createRequire(import.meta.url);
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
export const sarifSchema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
// The schema has a language-tag pattern that is invalid with the "u" flag Ajv uses by default.
const ajv = new Ajv({allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false});
export const validateSarif = ajv.compile(sarifSchema);

/** Undefined when `log` is valid SARIF 2.1.0, else the validator's errors as text. */
export function sarifErrors(log: unknown): string | undefined {
    return validateSarif(log) ? undefined : JSON.stringify(validateSarif.errors, null, 2);
}
