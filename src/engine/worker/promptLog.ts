/**
 * Test hook: with `ENCLAVE_TEST_PROMPT_LOG` naming a file (read here only, in the model process),
 * every chat appends the prompt it renders for the model — the text that is tokenized and
 * evaluated, in the model's own chat format — to that file as one JSON line. Integration tests
 * read it to check what the model really received, not what the extension meant to send. The
 * extension never sets it.
 */
import {appendFileSync} from "node:fs";

export const promptLogVariable = "ENCLAVE_TEST_PROMPT_LOG";

/** One line of the log. */
export interface LoggedPrompt {
    sequence: string;
    prompt: string;
}

/** Appends the prompt `render` gives (called only when the hook is on). */
export function recordPrompt(sequence: string, render: () => string): void {
    const file = process.env[promptLogVariable];
    if (file == null || file === "") return;
    const line: LoggedPrompt = {sequence, prompt: render()};
    appendFileSync(file, `${JSON.stringify(line)}\n`);
}
