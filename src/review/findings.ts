/**
 * What a review produces: findings on line ranges of a file, and the JSON schema that the second,
 * grammar-constrained pass fills in.
 *
 * The schema is written in node-llama-cpp's GBNF JSON-schema subset (enum, const, oneOf, string
 * minLength/maxLength, array minItems/maxItems; every listed property is always generated, so
 * "optional" is spelled `oneOf [string, null]`). Every array and string is bounded, so the longest
 * output the grammar allows has a known size (`findingsMaxTokens`): even a model that writes noise
 * finishes the JSON before it runs out of tokens. The same object is also a plain JSON schema, which
 * tests validate outputs against.
 */
import {z} from "zod";

export const severities = ["error", "warning", "info"] as const;
export type Severity = (typeof severities)[number];

/** error > warning > info: a finding "reaches" a level when its rank is at least that level's. */
export function severityRank(severity: Severity): number {
    return severities.length - severities.indexOf(severity);
}

export interface Finding {
    /** Path of the file, as the review unit named it (relative to the review's root). */
    file: string;
    /** 1-based, inclusive, in the file as it is now (the new side of a diff). */
    startLine: number;
    endLine: number;
    severity: Severity;
    title: string;
    explanation: string;
    /** Text that replaces lines startLine..endLine entirely (no trailing newline). */
    replacement?: string;
}

/**
 * A finding with the text of its lines when the review was made, so it can be re-located (or
 * dropped) once the file changes, and its replacement offered only while those lines still match.
 */
export interface AnchoredFinding extends Finding {
    cited: string[];
}

/** Bounds of the structured pass. The prompt tells the model these numbers, as node-llama-cpp advises. */
export const findingLimits = {
    maxFindings: 5,
    titleLength: 80,
    explanationLength: 400,
    replacementLength: 800
} as const;

export type FindingLimits = typeof findingLimits;

/** The schema of the structured pass: line numbers as the prompt showed them; the file is known per unit. */
export function findingsSchema(limits: FindingLimits = findingLimits) {
    return {
        type: "object",
        properties: {
            findings: {
                type: "array",
                maxItems: limits.maxFindings,
                items: {
                    type: "object",
                    properties: {
                        severity: {enum: [...severities]},
                        // Not "integer": its grammar allows an exponent ("3e-5"), which node-llama-cpp's
                        // own check then rejects as not an integer. Numbers are rounded when anchored.
                        startLine: {type: "number"},
                        endLine: {type: "number"},
                        title: {type: "string", minLength: 1, maxLength: limits.titleLength},
                        explanation: {type: "string", maxLength: limits.explanationLength},
                        replacement: {oneOf: [{type: "null"}, {type: "string", maxLength: limits.replacementLength}]}
                    },
                    required: ["severity", "startLine", "endLine", "title", "explanation", "replacement"],
                    additionalProperties: false
                }
            }
        },
        required: ["findings"],
        additionalProperties: false
    } as const;
}

/**
 * The most tokens the grammar can ever need for `limits`, so `maxTokens` never cuts the JSON short.
 * Worst cases, one token per byte: a string character as a `\uXXXX` escape (6), a number with
 * sign, 16 digits, a 16-digit fraction and a signed 16-digit exponent (53), whitespace as a newline plus indentation (the
 * grammar allows one such run between tokens; 16 covers three nesting levels of 4 spaces), key
 * names and punctuation (at most their length).
 */
export function findingsMaxTokens(limits: FindingLimits = findingLimits): number {
    const whitespace = 16;
    const keys = ["severity", "startLine", "endLine", "title", "explanation", "replacement"];
    // `"key": ` plus one whitespace run and a comma for each property, plus braces.
    const perKey = keys.reduce((sum, key) => sum + key.length + 5 + whitespace, 0) + 2 + whitespace;
    const values = "warning".length + 2 + 2 * 53 + 6 * (limits.titleLength + limits.explanationLength + limits.replacementLength) + 3 * 2;
    const perFinding = perKey + values + 1 + whitespace;
    const envelope = `{"findings": []}`.length + 3 * whitespace;
    return envelope + limits.maxFindings * perFinding;
}

/** What one structured answer holds, as parsed (line numbers not yet checked against anything). */
export interface RawFinding {
    severity: Severity;
    startLine: number;
    endLine: number;
    title: string;
    explanation: string;
    replacement: string | null;
}

const RawFindingSchema = z.object({
    severity: z.enum(severities),
    // Any number JSON can hold, including an overflowing "1e999" (Infinity): anchoring decides.
    startLine: z.custom<number>((value) => typeof value === "number"),
    endLine: z.custom<number>((value) => typeof value === "number"),
    title: z.string(),
    explanation: z.string(),
    replacement: z.string().nullable()
});
const RawFindingsSchema = z.object({findings: z.array(RawFindingSchema)});

/** Reads the structured pass's value; anything that does not match (a bug or a version skew) is an error. */
export function parseRawFindings(value: unknown): {ok: true; findings: RawFinding[]} | {ok: false; error: string} {
    const parsed = RawFindingsSchema.safeParse(value);
    return parsed.success ? {ok: true, findings: parsed.data.findings} : {ok: false, error: z.prettifyError(parsed.error)};
}
