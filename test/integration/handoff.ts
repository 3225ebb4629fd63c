// What the first VS Code session leaves for the second one, which run.ts starts on the same
// profile (user data, workspace) to check what survives a reload: the file is named by
// ENCLAVE_TEST_HANDOFF, in the throwaway profile folder.
import assert from "node:assert/strict";

/** The chats the first session saw, in the form the reopened window must show them again. */
export interface HistoryHandoff {
    chats: Array<{
        id: string;
        title: string;
        turns: Array<{userText: string; answer: string; stopReason?: string | undefined}>;
    }>;
}

export function historyHandoffFile(): string {
    const file = process.env.ENCLAVE_TEST_HANDOFF;
    assert.ok(file, "ENCLAVE_TEST_HANDOFF names the file the reopened session reads (run.ts sets it)");
    return file;
}
