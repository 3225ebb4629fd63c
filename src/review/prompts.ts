/**
 * The two review prompts, in the form DeepSeek recommends for R1: no system prompt, the
 * instructions in the user turn, a file as "[file name]: …\n[file content begin]\n…\n[file
 * content end]" followed by the question. The file comes first and the question after it, so the
 * second pass (which repeats the first turn) finds the whole file already in the review sequence's
 * KV cache.
 */
import {findingLimits, type FindingLimits} from "./findings";
import type {ReviewUnit} from "./units";

export function reviewPrompt(unit: ReviewUnit): string {
    return `${fileBlock(unit)}\n${question(unit)}`;
}

/** The file part, shared by both passes. */
export function fileBlock(unit: ReviewUnit): string {
    const part = unit.part.count > 1 ? ` (part ${unit.part.index} of ${unit.part.count})` : "";
    return `[file name]: ${unit.file}${part}\n[file content begin]\n${unit.content}\n[file content end]`;
}

function question(unit: ReviewUnit): string {
    const layout = unit.kind === "diff"
        ? "Above is a change to this file as a unified diff. Lines starting with \"+\" were added, lines starting with \"-\" were removed, the others are unchanged context. The number before \"|\" is the line's number in the file after the change (removed lines have none)."
        : `Above is ${unit.kind === "selection" ? "a selected part" : unit.part.count > 1 ? "a part" : "the whole"} of this file. The number before "|" is the line's number in the file; it is not part of the code.`;
    const focus = unit.kind === "diff"
        ? "Review the change: look for bugs, security problems, mistakes in error handling and resource handling, and clear readability problems that the change introduces. Comment on unchanged lines only when the change breaks them."
        : "Review this code: look for bugs, security problems, mistakes in error handling and resource handling, and clear readability problems.";
    return [
        layout,
        focus,
        "For each problem, give the line numbers it is on, its severity (error: a bug or security hole; warning: likely to cause trouble; info: a suggestion), a short title, why it is a problem, and, when you can, the corrected code for exactly those lines.",
        "Report only real problems, most serious first. If the code has none, say that there are no problems."
    ].join("\n");
}

/** The second pass's turn: the model's own review, restated as the JSON that the grammar enforces. */
export function structuringPrompt(limits: FindingLimits = findingLimits): string {
    return [
        `Now write the problems from your review as JSON: {"findings": [...]}, at most ${limits.maxFindings}, most serious first.`,
        "For each one: \"severity\" (\"error\", \"warning\" or \"info\"), \"startLine\" and \"endLine\" (the line numbers shown before \"|\"),",
        `"title" (at most ${limits.titleLength} characters), "explanation" (at most ${limits.explanationLength} characters),`,
        `and "replacement": the corrected code that replaces lines startLine to endLine, without line numbers (at most ${limits.replacementLength} characters), or null.`,
        "If your review found no problems, write {\"findings\": []}."
    ].join("\n");
}
