import assert from "node:assert/strict";
import {readdirSync, readFileSync} from "node:fs";
import {join, relative, resolve} from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

function sources(folder: string): string[] {
    return readdirSync(join(root, folder), {recursive: true, encoding: "utf8"})
        .filter((name) => name.endsWith(".ts"))
        .map((name) => join(root, folder, name));
}

describe("layers (docs/ARCHITECTURE.md)", () => {
    it("the cores and the webview host side import no vscode", () => {
        const folders = ["src/engine", "src/chat", "src/completion", "src/review", "src/models", "src/edit", "src/workspaceIndex", "src/cli", "src/webview"];
        const offenders = folders.flatMap(sources).filter((file) => /from "vscode"|require\("vscode"\)/.test(readFileSync(file, "utf8")));
        assert.deepEqual(offenders.map((file) => relative(root, file)), []);
    });

    it("the chat core emits domain events and builds no view message: HostToChat and HostToTrace belong to src/webview", () => {
        const offenders = sources("src/chat").filter((file) => /\bHostTo(Chat|Trace)\b|\bpostTo(Chat|Trace)\b/.test(readFileSync(file, "utf8")));
        assert.deepEqual(offenders.map((file) => relative(root, file)), []);
    });
});
