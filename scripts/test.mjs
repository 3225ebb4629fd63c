// `npm test`: everything a change must pass, in order — build, typecheck, lint, then the test tiers:
//   unit         pure logic, no model, no VS Code
//   engine       the real worker process and node-llama-cpp on generated models
//   cli          enclave-review end to end in temporary git repositories
//   ui           the webviews in real headless Chromium (rendering, buttons, XSS payloads)
//   integration  the extension inside a real VS Code (code-server + headless Chromium here)
// The engine and integration tiers run under a network guard: any non-loopback connection or
// host-name lookup fails the run. The last line is "N passed, N failed" over all tiers.
// `npm test -- unit engine` runs only the named tiers (and skips lint/typecheck).
import {spawnSync} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";

const root = resolve(import.meta.dirname, "..");
const artifacts = join(root, "test-artifacts");
const allTiers = ["unit", "engine", "cli", "ui", "integration"];
const requested = process.argv.slice(2).filter((arg) => allTiers.includes(arg));
const tiers = requested.length > 0 ? requested : allTiers;
const guard = join(root, "test", "support", "network-guard.cjs");
const guardLog = join(artifacts, "network-violations.log");
const started = Date.now();

mkdirSync(artifacts, {recursive: true});
rmSync(guardLog, {force: true});

function run(title, command, args, env = {}) {
    console.log(`\n▶ ${title}`);
    const result = spawnSync(command, args, {cwd: root, stdio: "inherit", env: {...process.env, ...env}});
    return result.status === 0;
}

const npx = (args, env) => run(args.join(" "), "npx", args, env);
const failures = [];

if (!run("build", process.execPath, ["esbuild.mjs"])) process.exit(1);
if (requested.length === 0) {
    if (!npx(["tsc", "--noEmit"])) failures.push("typecheck");
    if (!npx(["tsc", "--noEmit", "-p", "media"])) failures.push("typecheck (webviews)");
    if (!npx(["eslint", "."])) failures.push("lint");
}

// The tiers' temporary files, and every model process they start (detached, so nobody's child),
// live under one folder: a test can neither reach the user's own model process nor leave one behind
// unnoticed — one still running after its tier fails that tier.
const runRoot = mkdtempSync(join(tmpdir(), "enclave-tests-"));
const isolated = {TMPDIR: runRoot, ENCLAVE_RUNTIME_DIR: join(runRoot, "default-runtime")};

function leftModelProcesses() {
    const found = spawnSync("pgrep", ["-f", "--", `--runtime-dir ${runRoot}`], {encoding: "utf8"});
    const pids = found.stdout.split("\n").filter(Boolean).map(Number);
    for (const pid of pids) {
        try {
            process.kill(pid, "SIGKILL");
        } catch {
            // gone meanwhile
        }
    }
    return pids;
}

const guarded = {NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${guard}`.trim(), ENCLAVE_NETWORK_GUARD_LOG: guardLog};
const mocha = (tier, env = {}) =>
    // --exit: a test that leaks a handle must not hang the run (CI has a hard time limit).
    npx(["mocha", "--import=tsx", "--exit", "--reporter", join(root, "test/support/totals-reporter.cjs"), `test/${tier}/**/*.test.ts`], {
        ENCLAVE_TOTALS_FILE: join(artifacts, `${tier}-results.json`),
        ...env
    });

for (const tier of tiers) {
    rmSync(join(artifacts, `${tier}-results.json`), {force: true});
    const ok = tier === "integration"
        ? npx(["tsx", "test/integration/run.ts"], {...isolated, ...guarded})
        : mocha(tier, {...isolated, ...(tier === "engine" || tier === "cli" ? guarded : tier === "ui" ? {ENCLAVE_UI_NO_BUILD: "1"} : {})});
    if (!ok) failures.push(tier);
    const left = leftModelProcesses();
    if (left.length > 0) {
        console.log(`${tier}: left ${left.length} model process${left.length === 1 ? "" : "es"} running (pid ${left.join(", ")}); stopped now`);
        failures.push(`${tier} (model processes left running)`);
    }
}
rmSync(runRoot, {recursive: true, force: true});

let passed = 0;
let failed = 0;
let pending = 0;
for (const tier of tiers) {
    const file = join(artifacts, `${tier}-results.json`);
    if (!existsSync(file)) {
        console.log(`${tier}: no results (the tier did not run to the end)`);
        failed++;
        continue;
    }
    const totals = JSON.parse(readFileSync(file, "utf8"));
    console.log(`${tier}: ${totals.passed} passed, ${totals.failed} failed, ${totals.pending} pending`);
    passed += totals.passed;
    failed += totals.failed;
    pending += totals.pending;
}
if (existsSync(guardLog) && readFileSync(guardLog, "utf8").trim() !== "") {
    console.log(`Network guard: code tried to leave the machine:\n${readFileSync(guardLog, "utf8")}`);
    failures.push("network guard");
    failed++;
}
if (failures.length > 0) console.log(`Failed steps: ${failures.join(", ")}`);
console.log(`Total time: ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed${pending ? `, ${pending} skipped` : ""}`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
