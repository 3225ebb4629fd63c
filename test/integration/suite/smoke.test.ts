// Smoke test: the VS Code API answers, the workspace is open, and the Enclave extension is present,
// activates and registers the commands its manifest contributes. Runs in a real VS Code.
import assert from "node:assert/strict";
import {mkdtempSync, readFileSync, rmSync, statSync} from "node:fs";
import * as net from "node:net";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as vscode from "vscode";
import {screenshot} from "../screenshot";

const EXTENSION_ID = "enclave.enclave";

interface Manifest {
    contributes?: {commands?: Array<{command: string}>};
}

describe("smoke", () => {
    it("has a working VS Code API and the sample workspace", async () => {
        assert.match(vscode.version, /^\d+\.\d+\.\d+/);
        const folder = vscode.workspace.workspaceFolders?.[0];
        assert.ok(folder, "a workspace folder is open");
        const [sample] = await vscode.workspace.findFiles("sample.ts");
        assert.ok(sample, "the sample file is in the workspace");
        const document = await vscode.workspace.openTextDocument(sample);
        await vscode.window.showTextDocument(document);
        assert.match(document.getText(), /function greet/);
    });

    it("has the Enclave extension, which activates", async () => {
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(extension, `${EXTENSION_ID} is installed`);
        await extension.activate();
        assert.equal(extension.isActive, true);
    });

    it("registers every command the manifest contributes", async () => {
        const extension = vscode.extensions.getExtension(EXTENSION_ID);
        assert.ok(extension);
        await extension.activate();
        const manifest = extension.packageJSON as Manifest;
        const contributed = (manifest.contributes?.commands ?? []).map((entry) => entry.command);
        assert.ok(contributed.length > 0);
        const registered = new Set(await vscode.commands.getCommands(true));
        assert.deepEqual(contributed.filter((command) => !registered.has(command)), []);
    });

    it("blocks non-loopback connections in the extension host", () => {
        // Point the guard's record at a scratch file: this violation is on purpose and must not
        // count against the run.
        const shared = process.env.ENCLAVE_NETWORK_GUARD_LOG;
        const scratch = mkdtempSync(join(tmpdir(), "enclave-guard-"));
        process.env.ENCLAVE_NETWORK_GUARD_LOG = join(scratch, "violations.log");
        try {
            assert.throws(() => net.connect(443, "1.1.1.1"), {code: "ENCLAVE_NETWORK_BLOCKED"});
            assert.match(readFileSync(join(scratch, "violations.log"), "utf8"), /"target":"1\.1\.1\.1:443"/);
        } finally {
            if (shared === undefined) delete process.env.ENCLAVE_NETWORK_GUARD_LOG;
            else process.env.ENCLAVE_NETWORK_GUARD_LOG = shared;
            rmSync(scratch, {recursive: true, force: true});
        }
    });

    it("can take a screenshot of the workbench", async function () {
        const png = await screenshot("smoke-workbench");
        if (png === undefined) this.skip();
        assert.ok(statSync(png).size > 10_000, "a real picture, not an empty file");
    });
});
