// The README's claims that can drift from the code, checked against it.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import {join, resolve} from "node:path";
import {ExitCode} from "../../src/cli/exitCodes";
import {settingSpecs} from "../../src/provider/settingKeys";
// @ts-expect-error: a plain .mjs script without types
import {cudaTargets, vsixTargets} from "../../scripts/vsixTargets.mjs";

const root = resolve(import.meta.dirname, "..", "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
type Targets = Record<string, {binaries: string[]; accelerates: string}>;

describe("README", () => {
    it("lists every setting in the settings table", () => {
        const missing = Object.keys(settingSpecs).filter((key) => !readme.includes(`| \`enclave.${key}\` |`));
        assert.deepEqual(missing, []);
    });

    it("says what each platform's VSIX accelerates with, as scripts/vsixTargets.mjs packs it, and gives CUDA users a real route", () => {
        for (const [target, {accelerates}] of Object.entries(vsixTargets as Targets)) assert.ok(readme.includes(`| \`${target}\` | ${accelerates} |`), `${target}: ${accelerates}`);
        for (const [target, {binaries}] of Object.entries(vsixTargets as Targets)) assert.ok(!binaries.some((name) => name.includes("cuda")), `the plain ${target} VSIX has no CUDA binaries`);
        for (const {binaries} of Object.values(cudaTargets as Targets)) assert.ok(binaries.some((name) => name.endsWith("-cuda")));
        assert.match(readme, /npm run package -- --cuda/);
    });

    it("installs the CLI from the VSIX, never with npx outside this repository", () => {
        const commandLines = readme.split("\n").filter((line) => /^\s*(exec\s+)?npx\b.*enclave-review/.test(line));
        assert.deepEqual(commandLines, []);
        assert.match(readme, /dist\/enclave-review\.mjs/);
        assert.match(readme, /ENCLAVE_MODEL/);
    });

    it("names every exit code of enclave-review", () => {
        const sentence = /Exit codes: ([^]*?)\. As a git/.exec(readme)?.[1] ?? "";
        for (const code of Object.values(ExitCode)) assert.match(sentence, new RegExp(`\\b${code}\\s`), `exit code ${code}`);
    });

    it("describes every test tier npm test runs", () => {
        const tiers = /const allTiers = \[([^\]]*)\]/.exec(readFileSync(join(root, "scripts", "test.mjs"), "utf8"))?.[1]?.match(/\w+/g) ?? [];
        assert.ok(tiers.length >= 5);
        for (const tier of tiers) assert.ok(readme.includes(`- \`test/${tier}\` —`), tier);
    });

    it("says where chat history lives and how to clear it, and how to uninstall and clean up", () => {
        assert.match(readme, /globalStorage\/enclave\.enclave\/chats/);
        assert.match(readme, /delete that folder to clear them all/);
        assert.match(readme, /\*\*Uninstall and clean up\.\*\*/);
    });
});
