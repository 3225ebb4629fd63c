// What every integration suite needs: the running extension's API and a bounded wait.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {EnclaveApi} from "../../src/extension";

/** The Enclave extension under test, activated. */
export async function enclaveApi(): Promise<EnclaveApi> {
    const extension = vscode.extensions.getExtension<EnclaveApi>("enclave.enclave");
    assert.ok(extension, "the extension is installed");
    return extension.activate();
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails the test with `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
        if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${typeof what === "string" ? what : what()}`);
        await sleep(50);
    }
}
