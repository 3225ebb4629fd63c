import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {join, resolve} from "node:path";

const root = resolve(import.meta.dirname, "..", "..");

const textKeys = ["displayName", "description", "title", "category", "name", "fullName", "markdownDescription", "enumDescriptions"];

/** A chat participant's `name` and its commands' `name` are what the user types (`@enclave`, `/workspace`): identifiers, never translated. */
const typedName = (path: string, key: string) => key === "name" && path.includes(".chatParticipants[");

/** Every user-facing string of the manifest: [where, value]. */
function userFacing(manifest: Record<string, unknown>): Array<[string, string]> {
    const found: Array<[string, string]> = [];
    const visit = (value: unknown, path: string, key: string) => {
        if (typeof value === "string" && textKeys.includes(key) && !typedName(path, key)) found.push([path, value]);
        else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`, key));
        else if (value !== null && typeof value === "object") for (const [child, inner] of Object.entries(value)) visit(inner, `${path}.${child}`, child);
    };
    visit(manifest.displayName, "displayName", "displayName");
    visit(manifest.description, "description", "description");
    visit(manifest.contributes, "contributes", "contributes");
    return found;
}

describe("package.nls.json (the manifest can be translated)", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    const nls = JSON.parse(readFileSync(join(root, "package.nls.json"), "utf8")) as Record<string, string>;

    it("holds every user-facing string of package.json: the manifest has only %key% references", () => {
        const strings = userFacing(manifest);
        assert.ok(strings.length > 50, `found the manifest's strings (${strings.length})`);
        assert.deepEqual(strings.filter(([, value]) => !/^%[\w.-]+%$/.test(value)), []);
        assert.deepEqual(strings.filter(([, value]) => nls[value.slice(1, -1)] === undefined), [], "every reference has its English text");
    });

    it("has no entry the manifest does not use", () => {
        const used = new Set(userFacing(manifest).map(([, value]) => value.slice(1, -1)));
        assert.deepEqual(Object.keys(nls).filter((key) => !used.has(key)), []);
    });
});
