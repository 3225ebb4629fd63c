// enclave-review end to end: the built CLI (dist/enclave-review.mjs, with dist/worker.mjs beside it)
// run with node as a child process in temporary git repositories, on the scripted review model.
// Covers diff mode (working tree, --diff REF, --staged), files mode, each format and each exit code.
import assert from "node:assert/strict";
import {execFileSync, spawn, spawnSync, type ChildProcess} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import type {JsonReport} from "../../src/review/format";
import {sarifErrors} from "../unit/review/sarifSchema";
import {EngineClient} from "../../src/engine/client";
import {protocolVersion, type ProcessStatus} from "../../src/engine/protocol";
import {isAlive, stopModelProcesses} from "../support/modelProcesses";
import {exampleFile, scriptedFinding, scriptedReviewModel} from "./reviewModel";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(root, "dist", "enclave-review.mjs");
const original = exampleFile.replace("a - b", "a + b");

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    ms: number;
}

/** The runs of this file share one model process (as a user's runs do), in a runtime folder of their own. */
let runtimeDir = "";

function run(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, ...args], {cwd, encoding: "utf8", env: {...process.env, NO_COLOR: "1", ENCLAVE_RUNTIME_DIR: runtimeDir, ...env}, timeout: 60_000});
    return {code: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started};
}

const explain = (result: Run) => `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;

function git(cwd: string, ...args: string[]): void {
    execFileSync("git", ["-c", "user.email=test@example.invalid", "-c", "user.name=Test", ...args], {cwd, stdio: "ignore"});
}

describe("enclave-review CLI", function () {
    this.timeout(60_000);
    let temp: string;
    let repo: string;
    let model: string;
    /** Reasoning threads: one is fastest for the tiny model on a busy machine. */
    const common = () => ["--model", model, "--threads", "1"];

    before(async () => {
        if (!existsSync(cli) || !existsSync(join(root, "dist", "worker.mjs")))
            throw new Error(`${cli} or dist/worker.mjs is missing: run "node esbuild.mjs" (npm test does) first.`);
        model = await scriptedReviewModel();
        temp = await mkdtemp(join(tmpdir(), "enclave-review-"));
        runtimeDir = join(temp, "run");
        repo = join(temp, "repo");
        await mkdir(join(repo, "src"), {recursive: true});
        git(repo, "init", "-q");
        await writeFile(join(repo, "src", "math.js"), original);
        await writeFile(join(repo, "README.md"), "# Example\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial");
        // The change under review: add() now subtracts (unstaged).
        await writeFile(join(repo, "src", "math.js"), exampleFile);
    });

    after(async () => {
        if (runtimeDir) await stopModelProcesses(runtimeDir);
        if (temp) await rm(temp, {recursive: true, force: true});
    });

    describe("diff mode", () => {
        it("reviews uncommitted changes, prints text findings, exits 1 on an error finding", () => {
            const result = run(repo, ["--diff", ...common()]);
            assert.equal(result.code, 1, explain(result));
            assert.equal(result.stdout, [
                "src/math.js:2: error: add subtracts",
                "    add() returns a - b instead of a + b.",
                "    suggested replacement for line 2:",
                "    |     return a + b;",
                "",
                "1 finding in 1 file: 1 error.",
                ""
            ].join("\n"));
            assert.match(result.stderr, /Reviewed src\/math\.js: 1 finding\./);
        });

        it("prints paths relative to the working folder, run from a subfolder", () => {
            const result = run(join(repo, "src"), ["--diff", "HEAD", ...common(), "--fail-on", "none"]);
            assert.equal(result.code, 0, explain(result));
            assert.match(result.stdout, /^math\.js:2: error: add subtracts$/m);
        });

        it("writes JSON", () => {
            const result = run(repo, ["--diff", ...common(), "--format", "json"]);
            assert.equal(result.code, 1, explain(result));
            const report = JSON.parse(result.stdout) as JsonReport;
            assert.deepEqual(report.findings, [{file: "src/math.js", ...scriptedFinding}]);
            assert.deepEqual(report.summary, {error: 1, warning: 0, info: 0, files: 1});
        });

        it("writes SARIF 2.1.0 that validates against the official schema", () => {
            const result = run(repo, ["--diff", ...common(), "--format", "sarif", "--fail-on", "none"]);
            assert.equal(result.code, 0, explain(result));
            const log = JSON.parse(result.stdout) as {runs: {results: {locations: {physicalLocation: {artifactLocation: {uri: string}; region: {startLine: number}}}[]}[]; originalUriBaseIds: Record<string, {uri: string}>}[]};
            assert.equal(sarifErrors(log), undefined);
            const location = log.runs[0]!.results[0]!.locations[0]!.physicalLocation;
            assert.deepEqual([location.artifactLocation.uri, location.region.startLine], ["src/math.js", 2]);
            assert.ok(log.runs[0]!.originalUriBaseIds["%SRCROOT%"]!.uri.endsWith("/repo/"));
        });

        it("reviews only staged changes with --staged, and nothing staged means a quick exit 0", async () => {
            const nothing = run(repo, ["--staged", ...common()]);
            assert.equal(nothing.code, 0, explain(nothing));
            assert.match(nothing.stderr, /No changes to review\./);
            assert.equal(nothing.stdout, "No findings.\n");

            git(repo, "add", "src/math.js");
            try {
                const staged = run(repo, ["--staged", ...common(), "--format", "json"]);
                assert.equal(staged.code, 1, explain(staged));
                assert.equal((JSON.parse(staged.stdout) as JsonReport).findings.length, 1);
            } finally {
                git(repo, "reset", "-q");
            }
        });

        it("limits the diff to the named paths", () => {
            const result = run(repo, ["--diff", ...common(), "README.md"]);
            assert.equal(result.code, 0, explain(result));
            assert.match(result.stderr, /No changes to review\./);
        });

        it("includes new files git does not track yet, but not ignored ones", async () => {
            await writeFile(join(repo, ".gitignore"), "*.log\n");
            await writeFile(join(repo, "src", "extra.js"), "export function twice(x) {\n    return x * 2;\n}\n");
            await writeFile(join(repo, "src", "debug.log"), "noise\n");
            try {
                const result = run(repo, ["--diff", ...common(), "--fail-on", "none", "src"]);
                assert.equal(result.code, 0, explain(result));
                assert.match(result.stderr, /Reviewed src\/extra\.js/, explain(result));
                assert.match(result.stderr, /Reviewed src\/math\.js/);
                assert.doesNotMatch(result.stderr, /debug\.log/);
                const staged = run(repo, ["--staged", ...common()]);
                assert.match(staged.stderr, /No changes to review\./, "untracked files are not staged changes");
            } finally {
                await rm(join(repo, "src", "extra.js"));
                await rm(join(repo, "src", "debug.log"));
                await rm(join(repo, ".gitignore"));
            }
        });

        it("a repository in a folder with spaces and Unicode: untracked files with such names are reviewed by their exact names, binaries skipped", async () => {
            const odd = join(temp, "my répo ü");
            await mkdir(join(odd, "src"), {recursive: true});
            git(odd, "init", "-q");
            await writeFile(join(odd, "README.md"), "# Odd\n");
            git(odd, "add", "-A");
            git(odd, "commit", "-q", "-m", "initial");
            await writeFile(join(odd, "src", "ünï code.js"), exampleFile);
            await writeFile(join(odd, "logo.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]));
            const result = run(odd, ["--diff", ...common(), "--format", "json"]);
            assert.equal(result.code, 1, explain(result));
            assert.deepEqual((JSON.parse(result.stdout) as JsonReport).findings, [{file: "src/ünï code.js", ...scriptedFinding}]);
            assert.match(result.stderr, /Skipped logo\.png: binary file\./, explain(result));
            assert.match(result.stderr, /Reviewed src\/ünï code\.js: 1 finding\./);
        });
    });

    describe("files mode", () => {
        it("reviews whole files", () => {
            const result = run(repo, ["src/math.js", ...common(), "--format", "json"]);
            assert.equal(result.code, 1, explain(result));
            assert.deepEqual((JSON.parse(result.stdout) as JsonReport).findings, [{file: "src/math.js", ...scriptedFinding}]);
        });

        it("works outside git, with paths relative to the working folder", async () => {
            const plain = join(temp, "plain");
            await mkdir(plain, {recursive: true});
            await writeFile(join(plain, "math.js"), exampleFile);
            const result = run(plain, ["math.js", ...common()]);
            assert.equal(result.code, 1, explain(result));
            assert.match(result.stdout, /^math\.js:2: error: add subtracts$/m);
        });

        it("a folder stands for the files in it: in git, those it tracks or would track", async () => {
            await writeFile(join(repo, ".gitignore"), "*.log\n");
            await writeFile(join(repo, "src", "debug.log"), "noise\n");
            try {
                const result = run(repo, ["src", ...common(), "--format", "json"]);
                assert.equal(result.code, 1, explain(result));
                assert.deepEqual((JSON.parse(result.stdout) as JsonReport).findings, [{file: "src/math.js", ...scriptedFinding}]);
                assert.doesNotMatch(result.stderr, /debug\.log/);
            } finally {
                await rm(join(repo, "src", "debug.log"));
                await rm(join(repo, ".gitignore"));
            }
        });

        it("a folder outside git stands for every file below it but hidden folders and node_modules", async () => {
            const plain = join(temp, "plain-folder");
            await mkdir(join(plain, "lib", "node_modules", "dep"), {recursive: true});
            await mkdir(join(plain, "lib", ".cache"), {recursive: true});
            await writeFile(join(plain, "lib", "math.js"), exampleFile);
            await writeFile(join(plain, "lib", "node_modules", "dep", "index.js"), exampleFile);
            await writeFile(join(plain, "lib", ".cache", "x.js"), exampleFile);
            const result = run(plain, ["lib", ...common(), "--format", "json"]);
            assert.equal(result.code, 1, explain(result));
            assert.deepEqual((JSON.parse(result.stdout) as JsonReport).findings.map((finding) => finding.file), ["lib/math.js"]);
        });

        it("skips a binary file with a note", async () => {
            await writeFile(join(repo, "blob.bin"), Buffer.from([0, 1, 2, 0]));
            const result = run(repo, ["blob.bin", ...common()]);
            assert.equal(result.code, 0, explain(result));
            assert.equal(result.stdout, "No findings.\n");
            assert.match(result.stderr, /Skipped blob\.bin: binary file\./);
        });
    });

    describe("progress", () => {
        // `script` (util-linux) runs the CLI on a pseudo-terminal, where progress is drawn in place.
        const hasScript = spawnSync("script", ["--version"]).status === 0;

        it("is redrawn on a terminal, and absent from piped output", function () {
            if (!hasScript) this.skip();
            const command = [process.execPath, cli, "--diff", ...common(), "--fail-on", "none"].map((word) => `'${word}'`).join(" ");
            const result = spawnSync("script", ["-qec", command, "/dev/null"], {cwd: repo, encoding: "utf8", env: {...process.env, NO_COLOR: "1", ENCLAVE_RUNTIME_DIR: runtimeDir}, timeout: 60_000});
            assert.equal(result.status, 0, result.stdout);
            assert.match(result.stdout, /\r\u001b\[2K\[1\/1\] src\/math\.js: thinking… \d+ tokens/);
            const piped = run(repo, ["--diff", ...common(), "--fail-on", "none"]);
            assert.ok(!piped.stderr.includes("\u001b"), "no terminal codes in a pipe");
            assert.ok(!piped.stdout.includes("thinking"));
        });
    });

    describe("--fail-on", () => {
        it("exits 0 when findings are below the level and 1 when they reach it", async () => {
            const infoModel = await scriptedReviewModel({severity: "info"});
            const below = run(repo, ["--diff", "--model", infoModel, "--threads", "1", "--fail-on", "warning"]);
            assert.equal(below.code, 0, explain(below));
            assert.match(below.stdout, /src\/math\.js:2: info: add subtracts/);
            const reached = run(repo, ["--diff", "--model", infoModel, "--threads", "1", "--fail-on", "info"]);
            assert.equal(reached.code, 1, explain(reached));
        });
    });

    describe("exit codes for problems", () => {
        it("0 for --help and --version", () => {
            const help = run(repo, ["--help"]);
            assert.equal(help.code, 0);
            assert.match(help.stdout, /Exit codes:/);
            assert.match(run(repo, ["--version"]).stdout, /^enclave-review \d+\.\d+\.\d+\n$/);
        });

        it("2 for bad arguments", () => {
            for (const args of [[], ["--diff"], ["--diff", "--model", model, "--format", "xml"], ["--diff", "--model", model, "--fail-on", "fatal"], ["--diff", "--model", model, "--bogus"], ["--diff=nosuchref", "--model", model], ["--diff", "--model", model, "--threads", "two"]]) {
                const result = run(repo, args);
                assert.equal(result.code, 2, `${args.join(" ")}: ${explain(result)}`);
                assert.match(result.stderr, /^enclave-review: .+\nRun "enclave-review --help" for usage\.\n$|not a commit/);
            }
        });

        it("3 for a missing model file, and for a file that is not a model", async () => {
            const missing = run(repo, ["--diff", "--model", join(temp, "nope.gguf")]);
            assert.equal(missing.code, 3, explain(missing));
            assert.match(missing.stderr, /Model file not found: .*nope\.gguf/);

            const fake = join(temp, "fake.gguf");
            await writeFile(fake, "this is not a model\n".repeat(100));
            const notModel = run(repo, ["--diff", "--model", fake]);
            assert.equal(notModel.code, 3, explain(notModel));
            assert.match(notModel.stderr, /Cannot use the model .*fake\.gguf/);
        });

        it("4 for --diff outside a git repository", async () => {
            const plain = join(temp, "not-git");
            await mkdir(plain, {recursive: true});
            const result = run(plain, ["--diff", ...common()], {GIT_CEILING_DIRECTORIES: temp});
            assert.equal(result.code, 4, explain(result));
            assert.match(result.stderr, /is not in a git repository/);
        });

        it("5 for a file that cannot be read", () => {
            const missing = run(repo, ["src/nope.js", ...common()]);
            assert.equal(missing.code, 5, explain(missing));
            assert.match(missing.stderr, /Cannot read src\/nope\.js: no such file\./);
        });

        /**
         * Runs `--diff` on a model whose review never ends, waits until its model process has run for
         * `afterMs`, then hands both to `act`; the CLI is killed afterwards whatever happened.
         */
        async function duringEndlessReview(
            afterMs: number,
            act: (cli: {child: ChildProcess; worker: number; exited: Promise<number | null>; stderr: () => string; runtimeDir: string}) => Promise<void>
        ): Promise<void> {
            const looping = await scriptedReviewModel({answerLoop: true});
            // A runtime folder of its own: this run starts the model process, so it knows how the process ends.
            const ownRuntime = await mkdtemp(join(temp, "run-"));
            const child = spawn(process.execPath, [cli, "--diff", "--model", looping, "--threads", "1"], {
                cwd: repo,
                stdio: ["ignore", "pipe", "pipe"],
                env: {...process.env, ENCLAVE_RUNTIME_DIR: ownRuntime}
            });
            let stderr = "";
            child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
            try {
                // Wait until the model process runs the review, then a little longer so that it is generating.
                const worker = await reviewRunning(ownRuntime);
                await new Promise((resolve) => setTimeout(resolve, afterMs));
                await act({child, worker, exited, stderr: () => stderr, runtimeDir: ownRuntime});
            } finally {
                child.kill("SIGKILL");
                await stopModelProcesses(ownRuntime);
            }
        }

        it("6 when the model process dies during the review", async () => {
            await duringEndlessReview(1000, async ({worker, exited, stderr}) => {
                process.kill(worker, "SIGKILL");
                assert.equal(await exited, 6, stderr());
                assert.match(stderr(), /The model process failed: The model process was killed \(SIGKILL\)/);
            });
        });

        it("130 on Ctrl-C: the review stops at once and the shared model process stops generating", async () => {
            await duringEndlessReview(1500, async ({child, worker, exited, stderr, runtimeDir: ownRuntime}) => {
                const interrupted = performance.now();
                child.kill("SIGINT");
                const code = await exited;
                assert.equal(code, 130, stderr());
                assert.ok(performance.now() - interrupted < 5000, `exited ${Math.round(performance.now() - interrupted)} ms after SIGINT`);
                assert.match(stderr(), /Interrupted: stopping the model…/);
                // The process serves other windows and runs on; the review's endless request is cancelled.
                assert.equal(isAlive(worker), true, "the shared model process stays for other clients");
                const status = await waitForStatus(ownRuntime, (status) => status.activeRequests === 0);
                assert.equal(status.pid, worker, "the observer reached the same process");
                assert.equal(status.activeRequests, 0, "the cancelled review no longer runs");
            });
        });
    });
});

/**
 * The model process's status, asked by a client of its own on `runtimeDir` until `done` holds (or
 * 10 s passed: then the last status, for the assertion to fail on).
 */
async function waitForStatus(runtimeDir: string, done: (status: ProcessStatus) => boolean): Promise<ProcessStatus> {
    const observer = new EngineClient({workerPath: join(root, "dist", "worker.mjs"), runtimeDir, clientKind: "other"});
    try {
        let status = await observer.request("status", {});
        for (let tries = 0; tries < 500 && !done(status); tries++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            status = await observer.request("status", {});
        }
        return status;
    } finally {
        await observer.shutdown();
    }
}

/** Waits until the model process has the review's model loaded and a request running. */
/**
 * Waits until the model process of `runtimeDir` runs the review; its pid, as it reports it (not
 * "the CLI's child": the CLI also runs git).
 */
async function reviewRunning(runtimeDir: string): Promise<number> {
    // The process listens once it has started; until then a connection attempt would start another one.
    for (let tries = 0; tries < 500 && !existsSync(join(runtimeDir, `engine-v${protocolVersion}.sock`)); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    const status = await waitForStatus(runtimeDir, (status) => status.models.length > 0 && status.activeRequests > 0);
    assert.ok(status.activeRequests > 0, "the review is running in the model process");
    return status.pid;
}



