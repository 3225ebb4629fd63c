// The prompts the model process rendered so far, from its test log (run.ts sets ENCLAVE_TEST_PROMPT_LOG;
// src/engine/worker/promptLog.ts writes it): what the model really received.
import assert from "node:assert/strict";
import {existsSync, readFileSync} from "node:fs";
import type {LoggedPrompt} from "../../src/engine/worker/promptLog";

export function modelPrompts(): string[] {
    const file = process.env.ENCLAVE_TEST_PROMPT_LOG;
    assert.ok(file, "run.ts names the model process's prompt log");
    assert.ok(existsSync(file), "the model process logged its prompts");
    return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => (JSON.parse(line) as LoggedPrompt).prompt);
}
