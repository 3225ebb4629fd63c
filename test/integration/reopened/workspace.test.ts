// Runs in the second VS Code session on the first session's profile (as after a reload): the
// workspace index the first session built (suite/workspace.test.ts) is read back from the
// extension's workspace storage, so the first question is answered without building it again.
import assert from "node:assert/strict";
import {enclaveApi} from "../enclave";
import {invoiceFile, workspaceFiles} from "../workspaceFixture";

describe("the workspace index after a reload", () => {
    it("the first question uses the stored index: no build is waited for, the code is found", async () => {
        const enclave = await enclaveApi();
        assert.deepEqual(await enclave.workspaceIndex.status(), [], "nothing is opened before a question asks");
        const progress: string[] = [];
        const hits = await enclave.workspaceIndex.retrieve("computeInvoiceTotal discount tax", {
            signal: new AbortController().signal,
            maxChunks: 10,
            onProgress: (text) => progress.push(text)
        });
        assert.deepEqual(progress, [], "the question did not wait for a build");
        assert.ok(hits.some((hit) => hit.fileName === invoiceFile && hit.content.includes("function computeInvoiceTotal")), `found ${hits.map((hit) => `${hit.fileName}:${hit.startLine}`).join(", ")}`);
        const [state] = await enclave.workspaceIndex.status();
        assert.ok(state?.ready, "the stored index is ready");
        assert.equal(state.rebuiltBecause, undefined, "the stored index was used, not rebuilt");
        assert.ok(state.files >= workspaceFiles().length - 1, `it holds the workspace's files (${state.files})`);
        // The check against the disk that follows a load runs in the background; let it finish before the window closes.
        await enclave.workspaceIndex.idle();
    });
});
