/**
 * A scripted model that "reviews" the example file below: its answer is a findings JSON, so the
 * free pass streams it and the grammar-constrained pass (whose allowed tokens include the scripted
 * ones) reproduces it exactly. Shared by the engine review tests and the CLI tests.
 */
import {scriptedModel} from "../models/scripted";

/** The file the scripted review is about: `add` subtracts on line 2. */
export const exampleFile = "function add(a, b) {\n    return a - b;\n}\n\nexport {add};\n";

export const scriptedFinding = {
    severity: "error",
    startLine: 2,
    endLine: 2,
    title: "add subtracts",
    explanation: "add() returns a - b instead of a + b.",
    replacement: "    return a + b;"
} as const;

export function scriptedReviewAnswer(severity: "error" | "warning" | "info" = "error"): string {
    return JSON.stringify({findings: [{...scriptedFinding, severity}]});
}

/** `severity` changes the finding's severity (for --fail-on); `answerLoop` makes it talk forever (for cancel). */
export function scriptedReviewModel(options: {answerLoop?: boolean; severity?: "error" | "warning" | "info"} = {}): Promise<string> {
    return scriptedModel({
        thought: "Line two subtracts.",
        answer: scriptedReviewAnswer(options.severity),
        ...(options.answerLoop ? {answerLoop: true, filler: " and"} : {})
    });
}
