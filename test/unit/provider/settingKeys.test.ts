import assert from "node:assert/strict";
import {readdirSync, readFileSync, statSync} from "node:fs";
import {join, relative, resolve} from "node:path";
import {effectiveTarget, settingSpecs} from "../../../src/provider/settingKeys";

const root = resolve(import.meta.dirname, "..", "..", "..");

interface Contributed {
    default: unknown;
    scope?: string;
}

function contributed(): Record<string, Contributed> {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {contributes: {configuration: {properties: Record<string, Contributed>}}};
    return manifest.contributes.configuration.properties;
}

function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
    });
}

describe("setting keys (src/provider/settingKeys.ts)", () => {
    it("lists exactly the settings package.json contributes, with the same defaults and scopes", () => {
        const manifest = contributed();
        assert.deepEqual(Object.keys(settingSpecs).map((key) => `enclave.${key}`).sort(), Object.keys(manifest).sort());
        for (const [key, spec] of Object.entries(settingSpecs)) {
            const declared = manifest[`enclave.${key}`];
            assert.deepEqual(declared?.default, spec.default, `default of enclave.${key}`);
            assert.equal(declared?.scope ?? "window", spec.scope, `scope of enclave.${key}`);
        }
    });

    it("keeps model paths machine-specific, so Settings Sync does not carry them to another machine", () => {
        for (const key of ["enclave.chat.model", "enclave.completion.model", "enclave.models.folder"]) {
            assert.equal(contributed()[key]?.scope, "machine-overridable", key);
        }
    });

    it("is the only place a setting key is spelled: no raw enclave.<section>.<name> string or getConfiguration(\"enclave…\") elsewhere in src", () => {
        const allowed = new Set(["src/provider/settingKeys.ts", "src/provider/settings.ts"]);
        const keys = Object.keys(settingSpecs).map((key) => key.replace(".", "\\."));
        // A quoted key (comments may name a setting in `backticks`), or reading a section by its name.
        const raw = new RegExp(`["']enclave\\.(${keys.join("|")})["']|getConfiguration\\(\\s*["'\`]enclave`);
        const offenders = sourceFiles(join(root, "src"))
            .map((path) => relative(root, path).split("\\").join("/"))
            .filter((path) => !allowed.has(path))
            .flatMap((path) =>
                readFileSync(join(root, path), "utf8")
                    .split("\n")
                    .flatMap((line, index) => (raw.test(line) ? [`${path}:${index + 1}: ${line.trim()}`] : []))
            );
        assert.deepEqual(offenders, []);
    });
});

describe("where a command writes a setting (effectiveTarget)", () => {
    it("writes where the value in effect comes from: folder over workspace over user", () => {
        assert.equal(effectiveTarget(undefined), "user");
        assert.equal(effectiveTarget({}), "user");
        assert.equal(effectiveTarget({workspaceValue: "/w.gguf"}), "workspace");
        assert.equal(effectiveTarget({workspaceValue: "/w.gguf", workspaceFolderValue: "/f.gguf"}), "workspaceFolder");
        assert.equal(effectiveTarget({workspaceValue: false}), "workspace", "a false or empty value is still a value that hides the user's");
        assert.equal(effectiveTarget({workspaceValue: ""}), "workspace");
    });
});
