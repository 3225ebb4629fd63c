import assert from "node:assert/strict";
import {crawlFolder} from "../../../src/workspaceIndex/crawl";
import {ExcludeGlobs, isExcludedPath} from "../../../src/workspaceIndex/ignoreRules";
import {rules, tempFolder, writeTree} from "./support";

const crawlPaths = async (root: string, overrides: Parameters<typeof rules>[0] = {}) => (await crawlFolder(root, rules(overrides), new AbortController().signal)).files.map((file) => file.path);

describe("workspace index: ignore rules", () => {
    let folder: ReturnType<typeof tempFolder>;
    beforeEach(() => (folder = tempFolder()));
    afterEach(() => folder.cleanup());

    const tree = {
        ".gitignore": "*.log\nbuild/\n/top-only.ts\nsecret*.ts\n",
        ".git/info/exclude": "local-notes.md\n",
        ".git/HEAD": "ref: refs/heads/main\n",
        "src/app.ts": "export const app = 1;\n",
        "src/debug.log.ts": "export const notALog = 1;\n",
        "src/trace.log": "not code\n",
        "src/build/out.ts": "export const built = 1;\n",
        "build/main.ts": "export const built = 2;\n",
        "src/build.ts": "export const buildFile = 1;\n",
        "top-only.ts": "export const ignoredAtTop = 1;\n",
        "src/top-only.ts": "export const keptBelow = 1;\n",
        "secret1.ts": "export const secret = 1;\n",
        "local-notes.md": "# mine\n",
        "docs/local-notes.md": "# also excluded: no slash in the pattern matches at any depth\n",
        // A deeper .gitignore re-includes one file its parent excluded, and excludes a name of its own.
        "pkg/.gitignore": "# comments and CRLF line ends, as Windows editors write them\r\n!secret-ok.ts\r\ngenerated/\r\n/anchored.ts\r\n",
        "pkg/anchored.ts": "export const anchoredHere = 1;\n",
        "pkg/sub/anchored.ts": "export const notAnchoredHere = 1;\n",
        "pkg/secret-ok.ts": "export const reincluded = 1;\n",
        "pkg/secret-no.ts": "export const stillIgnored = 1;\n",
        "pkg/generated/types.ts": "export type T = 1;\n",
        "other/generated/types.ts": "export type U = 1;\n",
        "node_modules/dep/index.js": "module.exports = 1;\n",
        "src/node_modules/dep/index.js": "module.exports = 2;\n",
        "src/deep/app.test.ts": "it('x', () => {});\n"
    };
    const expected = ["other/generated/types.ts", "pkg/secret-ok.ts", "pkg/sub/anchored.ts", "src/app.ts", "src/build.ts", "src/debug.log.ts", "src/top-only.ts"];
    const globs = ["**/node_modules", "**/*.test.ts"];

    it("the crawl applies nested .gitignore files (negation, directory rules, anchored rules), .git/info/exclude and exclude globs", async () => {
        writeTree(folder.path, tree);
        assert.deepEqual(await crawlPaths(folder.path, {excludeGlobs: globs}), expected);
    });

    it("isExcludedPath agrees with the crawl for every file in the tree", async () => {
        writeTree(folder.path, tree);
        const globMatcher = new ExcludeGlobs(globs);
        for (const path of Object.keys(tree).filter((name) => /\.(ts|js|md)$/.test(name))) {
            const excluded = await isExcludedPath(folder.path, path, globMatcher, true);
            assert.equal(excluded, !expected.includes(path), `${path} is ${expected.includes(path) ? "indexed" : "left out"} by the crawl`);
        }
    });

    it("with useGitignore off only the globs and .git apply", async () => {
        writeTree(folder.path, tree);
        const paths = await crawlPaths(folder.path, {useGitignore: false, excludeGlobs: globs});
        assert.ok(paths.includes("top-only.ts") && paths.includes("build/main.ts") && paths.includes("pkg/secret-no.ts"));
        assert.ok(!paths.some((path) => path.startsWith(".git/") || path.includes("node_modules") || path.endsWith(".test.ts")));
        assert.equal(await isExcludedPath(folder.path, "build/main.ts", new ExcludeGlobs(globs), false), false);
        assert.equal(await isExcludedPath(folder.path, ".git/HEAD", new ExcludeGlobs([]), false), true);
    });

    it("files.exclude-style globs match at any depth, dot files included, with or without a leading ./", () => {
        const globMatcher = new ExcludeGlobs(["**/node_modules", "**/*.log", "./out/**", "**/.cache"]);
        for (const path of ["node_modules", "a/b/node_modules", "x.log", "deep/er/x.log", "out/a.ts", ".cache", "a/.cache"]) assert.equal(globMatcher.matches(path), true, path);
        for (const path of ["node_modules_x", "src/log.ts", "about/a.ts", "x.log.ts"]) assert.equal(globMatcher.matches(path), false, path);
    });

    it("a directory excluded by a glob is not entered, and what it holds is counted once as excluded", async () => {
        writeTree(folder.path, {"node_modules/a/b/c.js": "x", "node_modules/d.js": "x", "src/a.ts": "x"});
        const report = await crawlFolder(folder.path, rules({excludeGlobs: ["**/node_modules"]}), new AbortController().signal);
        assert.deepEqual(report.files.map((file) => file.path), ["src/a.ts"]);
        assert.equal(report.skipped.excluded, 1);
    });
});
