import assert from "node:assert/strict";
import {existsSync, readdirSync, readFileSync, statSync} from "node:fs";
import {join, relative, resolve} from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (name === "node_modules" || path === join(root, "test", "vscode", "server")) return [];
        return statSync(path).isDirectory() ? files(path) : [path];
    });
}

describe("the repository explains itself (docs/ARCHITECTURE.md)", () => {
    const architecture = readFileSync(join(root, "docs", "ARCHITECTURE.md"), "utf8");

    it("names only files that exist, so it stays true as the code moves", () => {
        const cited = [...new Set([...architecture.matchAll(/`((?:src|media|test)\/[\w./-]+\.(?:ts|mjs|json))`/g)].map((match) => match[1] ?? ""))];
        assert.ok(cited.length > 20, `it cites the code (${cited.length} files)`);
        assert.deepEqual(cited.filter((path) => !existsSync(join(root, path))), []);
    });

    it("covers the processes, the channels, where each rule lives and how to add a feature", () => {
        for (const heading of ["## Processes", "## Channels", "## Where each rule lives", "## How to add a feature"]) assert.ok(architecture.includes(heading), heading);
    });

    it("is what comments cite: none points at a DESIGN.md the repository does not have", () => {
        const citing = ["src", "media", "scripts", "bench", "test"]
            .flatMap((dir) => files(join(root, dir)).filter((path) => /\.(ts|mjs|js|css)$/.test(path)))
            .filter((path) => path !== join(root, "test", "unit", "docs.test.ts") && readFileSync(path, "utf8").includes("DESIGN.md"))
            .map((path) => relative(root, path));
        assert.deepEqual(citing, []);
    });
});
