/** The commit-message request, in the user turn (DeepSeek's guidance for R1: no system prompt). */
import type {CommitStyle} from "./style";

export const maxSubjectLength = 72;

/** The prompt's own words, without the changes: what `changesText` must leave room for. */
export function commitPrompt(changes: string, style: CommitStyle, scope: "staged" | "all"): string {
    const what = scope === "staged" ? "the staged changes below (what `git commit` will record)" : "the changes below (nothing is staged, so this is every uncommitted change)";
    const form = style.conventional
        ? `This repository uses Conventional Commits: the subject is \`type(scope): description\`, with a type such as ${style.types.slice(0, 6).join(", ")}; the scope is optional.`
        : "Write the subject as a short imperative sentence (\"Fix …\", \"Add …\"), without a trailing period.";
    const examples = style.examples.length > 0 ? `\nRecent subjects in this repository, to match their style:\n${style.examples.map((subject) => `- ${subject}`).join("\n")}\n` : "";
    return `Write a git commit message for ${what}.

Rules:
- First line: the subject, at most ${maxSubjectLength} characters, saying what the change does.
- Then one blank line, then a body of a few short lines that says why the change is made and anything a reviewer should know; wrap it at ${maxSubjectLength} characters.
- ${form}
- Reply with the commit message only: no heading, no quotes, no code fence, no "Subject:" label.
${examples}
${changes}`;
}
