/**
 * enclave-review: offline code review in a terminal, a git hook or CI, on the same engine as the
 * extension — and the same shared model process (dist/worker.mjs beside this bundle): a model the
 * user's VS Code windows have loaded is used as it is, and one this run loads stays for the next
 * run until the process has been idle for a while. Findings go to stdout in the chosen format;
 * progress, notes and errors go to stderr; the exit code says what happened (see exitCodes.ts and
 * --help). Ctrl-C cancels the review (the model stops generating at once), a second one exits at once.
 */
import {existsSync, statSync} from "node:fs";
import {basename, relative, resolve} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";
import {version} from "../../package.json";
import {EngineClient} from "../engine/client";
import {isEngineError, type EngineErrorCode} from "../engine/errors";
import {severityRank, type AnchoredFinding} from "../review/findings";
import {formatJson, formatText, summaryLine} from "../review/format";
import {contentBudget, review, type ReviewNote} from "../review/reviewer";
import {toSarif} from "../review/sarif";
import {validateFindings} from "../review/validate";
import {parseCommand, usage, type CliArgs} from "./args";
import {CliError, ExitCode} from "./exitCodes";
import {isCommit} from "../git/repository";
import {currentText, gatherInput, unitsOf, type ReviewInput} from "./inputs";
import {ProgressLine} from "./progress";

const modelErrors: readonly EngineErrorCode[] = ["ModelNotFound", "NotGguf", "CorruptModel", "UnsupportedArchitecture", "InsufficientMemory", "NoModelConfigured"];

/** The model process bundle: beside this file when bundled (dist/), or in dist/ when run from source. */
function workerPath(): string {
    const candidates = [new URL("./worker.mjs", import.meta.url), new URL("../../dist/worker.mjs", import.meta.url)].map((url) => fileURLToPath(url));
    const found = candidates.find((candidate) => existsSync(candidate));
    if (!found) throw new CliError(ExitCode.EngineFailure, `The model process bundle is missing (looked for ${candidates.join(" and ")}). Reinstall Enclave, or run "node esbuild.mjs".`);
    return found;
}

async function main(argv: readonly string[]): Promise<number> {
    const cwd = process.cwd();
    // `--diff X`: X is a ref only if it names a commit (else it is a path). Asked of git once, up front.
    const candidate = argv[argv.indexOf("--diff") + 1];
    const candidateIsCommit = argv.includes("--diff") && candidate != null && !candidate.startsWith("-") && (await isCommit(cwd, candidate).catch(() => false));
    const command = parseCommand(argv, (ref) => candidateIsCommit && ref === candidate, process.env);
    if (command.kind === "help") {
        process.stdout.write(usage);
        return ExitCode.Ok;
    }
    if (command.kind === "version") {
        process.stdout.write(`enclave-review ${version}\n`);
        return ExitCode.Ok;
    }
    return run(command.args, cwd);
}

async function run(args: CliArgs, cwd: string): Promise<number> {
    const progress = new ProgressLine(process.stderr, !args.quiet);
    const modelPath = resolve(cwd, args.model);
    checkModelFile(modelPath, args.model);
    const input = await gatherInput(cwd, args.files, args.diff);
    const display = (file: string) => relative(cwd, resolve(input.root, file)) || file;

    // A generous budget only to see what there is; the real split waits for the model's context size.
    const preview = unitsOf(input, 1_000_000);
    for (const skip of preview.skipped) progress.line(`Skipped ${display(skip.file)}: ${skip.reason}.`);
    // Nothing to review: answer at once, without loading a model.
    if (preview.units.length === 0) {
        progress.line(input.kind === "diff" ? "No changes to review." : "Nothing to review.");
        writeReport(args, [], [], input);
        return ExitCode.Ok;
    }

    const controller = new AbortController();
    let interrupts = 0;
    const onSignal = (signal: NodeJS.Signals) => {
        interrupts++;
        if (interrupts > 1) process.exit(ExitCode.Interrupted);
        progress.line(`${signal === "SIGINT" ? "Interrupted" : "Terminated"}: stopping the model…`);
        controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const logs: string[] = [];
    const client = new EngineClient({
        workerPath: workerPath(),
        // The structured pass streams nothing; the reviewer sets its own, longer limit for it.
        requestTimeoutMs: 5 * 60_000,
        clientKind: "cli",
        // A process this run starts serves the next runs (a git hook) but does not hold the memory for long.
        idleExitMs: 2 * 60_000,
        log: (level, message) => {
            logs.push(`${level}: ${message}`);
            if (args.verbose) progress.line(`[engine ${level}] ${message}`);
        }
    });
    const stateListener = client.onDidChangeState((state) => {
        if (state.kind === "loading") progress.status(`Loading ${basename(args.model)}… ${Math.round(state.fraction * 100)}%`);
    });
    try {
        client.configure({
            modelPath,
            ...(args.contextSize != null ? {contextSize: args.contextSize} : {}),
            ...(args.threads != null ? {threads: args.threads} : {})
        });
        const info = await client.ensureModel(controller.signal);
        const settings = args.thoughtBudget != null ? {thoughtBudget: args.thoughtBudget} : {};
        const {units} = unitsOf(input, contentBudget(info.contextSize, settings));

        const result = await review(units, client, {
            signal: controller.signal,
            settings,
            onProgress: (update) => progress.review(update),
            onFileDone: (file) => progress.line(`Reviewed ${display(file.file)}: ${file.findings.length === 0 ? "no findings" : `${file.findings.length} finding${file.findings.length === 1 ? "" : "s"}`}.`)
        });
        progress.clear();

        // The files may have changed while the model worked: keep only findings that still hold.
        const notes: ReviewNote[] = [...result.notes];
        const findings: AnchoredFinding[] = [];
        for (const file of result.files) {
            const text = await currentText(input, file.file);
            if (text == null) {
                notes.push({file: file.file, part: {index: 1, count: 1}, message: "The file is gone; its findings were dropped."});
                continue;
            }
            const checked = validateFindings(file.findings, text);
            findings.push(...checked.kept);
            for (const dropped of checked.dropped)
                notes.push({file: file.file, part: {index: 1, count: 1}, message: `Dropped "${dropped.finding.title}" (line ${dropped.finding.startLine}): ${dropped.reason}.`});
        }
        for (const note of notes) progress.line(`Note: ${display(note.file)}: ${note.message}`);
        writeReport(args, findings, notes, input);
        if (args.format !== "text") progress.line(summaryLine(findings));

        const threshold = args.failOn === "none" ? Infinity : severityRank(args.failOn);
        return findings.some((finding) => severityRank(finding.severity) >= threshold) ? ExitCode.FindingsReachedFailOn : ExitCode.Ok;
    } catch (error) {
        progress.clear();
        // After Ctrl-C every failure (the cancelled request, the process stopped meanwhile) is the interrupt.
        if (controller.signal.aborted) {
            progress.line("Review cancelled.");
            return ExitCode.Interrupted;
        }
        if (isEngineError(error) && modelErrors.includes(error.code))
            throw new CliError(ExitCode.ModelProblem, `Cannot use the model ${args.model}: ${error.message}${args.verbose && error.detail ? `\n${error.detail}` : ""}`);
        if (isEngineError(error)) {
            const tail = logs.slice(-10).join("\n");
            throw new CliError(ExitCode.EngineFailure, `The model process failed: ${error.message}${error.detail ? `\n${error.detail}` : ""}${tail ? `\nLast log lines:\n${tail}` : ""}`);
        }
        throw error;
    } finally {
        stateListener.dispose();
        await client.shutdown();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
}

function checkModelFile(path: string, shown: string): void {
    let isFile = false;
    try {
        isFile = statSync(path).isFile();
    } catch {
        throw new CliError(ExitCode.ModelProblem, `Model file not found: ${shown}. Pass the path of a GGUF model (a DeepSeek-R1 distill) with --model.`);
    }
    if (!isFile) throw new CliError(ExitCode.ModelProblem, `The model path is not a file: ${shown}. Pass the path of a GGUF model file with --model.`);
}

function writeReport(args: CliArgs, findings: readonly AnchoredFinding[], notes: readonly ReviewNote[], input: ReviewInput): void {
    const cwd = process.cwd();
    switch (args.format) {
        case "text":
            process.stdout.write(formatText(findings, {
                displayPath: (file) => relative(cwd, resolve(input.root, file)) || file,
                color: process.stdout.isTTY === true && !("NO_COLOR" in process.env)
            }));
            break;
        case "json":
            process.stdout.write(formatJson(findings, notes));
            break;
        case "sarif": {
            const rootUri = pathToFileURL(input.root.endsWith("/") ? input.root : `${input.root}/`).href;
            process.stdout.write(`${JSON.stringify(toSarif(findings, {toolVersion: version, rootUri, notes}), null, 2)}\n`);
            break;
        }
    }
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        if (error instanceof CliError) {
            process.stderr.write(`enclave-review: ${error.message}\n`);
            process.exitCode = error.exitCode;
        } else {
            process.stderr.write(`enclave-review: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
            process.exitCode = ExitCode.EngineFailure;
        }
    }
);
