// The scripted commit-message models of suite/commit.test.ts (settings.ts generates them): one that
// thinks first (its thought must never reach the input box) and one that emits only `</think>`.

export const commitThought = "The diff makes greet polite.";

export const commitMessage = "feat(greet): say good morning\n\nUsers found a plain hello curt.";

/** Wrapped in a fence, as models often answer: what lands in the box is the message alone. */
export const commitAnswer = `\`\`\`\n${commitMessage}\n\`\`\``;
