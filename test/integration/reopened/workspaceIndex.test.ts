// Runs in the second VS Code session (see history.test.ts): the workspace index that the first
// session built and changed is opened from the workspace's storage, not built again.
import assert from "node:assert/strict";
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {dirname} from "node:path";
import {enclaveApi} from "../enclave";
import {digestFile, invoiceFile} from "../workspaceFixture";

describe("the workspace index after a reload", () => {
    it("opens the stored index with the first session's changes, and reads no file again", async () => {
        const enclave = await enclaveApi();
        const index = enclave.workspaceIndex;
        assert.equal(index.openedState(), undefined, "nothing is opened before a question asks for workspace code");
        const [indexFile] = index.indexFiles();
        const storageRoot = dirname(dirname(dirname(dirname(indexFile ?? ""))));
        const listing = (dir: string): string => (existsSync(dir) ? readdirSync(dir, {recursive: true}).join(", ") : "(none)");
        assert.ok(indexFile !== undefined && existsSync(indexFile), `the first session's index is in the workspace's storage: ${indexFile}; ${storageRoot} holds ${listing(storageRoot)}`);

        const stored = readFileSync(indexFile, "utf8");
        assert.ok(stored.includes("applyLateFee"), "the stored index holds the function the first session saved");
        const deleted = stored.indexOf(`"${digestFile}"`);
        assert.equal(deleted, -1, `the stored index no longer holds the file the first session deleted: …${stored.slice(Math.max(0, deleted - 300), deleted + 300)}…`);

        const hits = await index.retrieve("applyLateFee late fee overdue invoice", {signal: new AbortController().signal, maxChunks: 10});
        const [opened, ...others] = index.openedState() ?? [];
        assert.equal(others.length, 0, "one folder");
        assert.ok(opened?.ready, `the stored index was used: ${JSON.stringify(opened)}`);
        assert.equal(opened.rebuiltBecause, undefined);
        assert.ok(
            hits.some((hit) => hit.fileName === invoiceFile && hit.content.includes("export function applyLateFee")),
            `the function the first session saved is found: ${hits.map((hit) => `${hit.fileName}:${hit.startLine}`).join(", ")}`
        );
        assert.ok(!hits.some((hit) => hit.fileName === digestFile), `the file the first session deleted stays out`);
        await index.idle();
        const [state] = await index.status();
        assert.equal(state?.files, opened.files, "checking the disk after opening changed nothing");
    });
});
