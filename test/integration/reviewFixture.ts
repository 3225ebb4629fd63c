// The review findings the first VS Code session leaves in the workspace for the second one
// (reopened/review.test.ts): one whose code stays (it moved down two lines, saved), one whose code
// the first session changed on disk after the review.
import type {AnchoredFinding} from "../../src/review/findings";

export const keptFinding = {
    file: "kept-finding.ts",
    text: "export function half(n: number) {\n    return n / 3;\n}\n",
    /** Lines put above the function after the review, and saved: the finding moves down with its code. */
    inserted: "// Halves.\n// Used by the invoices.\n",
    finding: {file: "kept-finding.ts", startLine: 2, endLine: 2, severity: "warning", title: "Divides by three", explanation: "half() divides by 3.", replacement: "    return n / 2;", cited: ["    return n / 3;"]} satisfies AnchoredFinding
};

export const goneFinding = {
    file: "gone-finding.ts",
    text: "export const retries = -1;\n",
    /** What the file holds after the review: the cited line is gone. */
    changedTo: "export const retries = 3;\n",
    finding: {file: "gone-finding.ts", startLine: 1, endLine: 1, severity: "error", title: "Negative retries", explanation: "retries must be ≥ 0.", cited: ["export const retries = -1;"]} satisfies AnchoredFinding
};
