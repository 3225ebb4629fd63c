/**
 * Command-line arguments of enclave-review. `--diff` takes an optional REF, which node's parseArgs
 * cannot express, so it is picked out first: `--diff=REF` always names a ref, and in `--diff X` the
 * X is a ref only when git says it is a commit (otherwise it is a file to limit the diff to).
 */
import {parseArgs} from "node:util";
import {thoughtBudgets} from "../engine/chatBudgets";
import {severities, type Severity} from "../review/findings";
import {CliError, ExitCode} from "./exitCodes";

export const formats = ["text", "json", "sarif"] as const;
export type Format = (typeof formats)[number];

export interface CliArgs {
    files: string[];
    /** Review a diff instead of whole files. */
    diff?: {ref?: string | undefined; staged: boolean} | undefined;
    model: string;
    format: Format;
    /** "none": never exit 1 for findings. */
    failOn: Severity | "none";
    thoughtBudget?: number | undefined;
    contextSize?: number | undefined;
    threads?: number | undefined;
    quiet: boolean;
    verbose: boolean;
}

export type ParsedCommand = {kind: "help"} | {kind: "version"} | {kind: "review"; args: CliArgs};

export const usage = `Usage: enclave-review [files…] [--diff [REF] | --staged] --model PATH.gguf [options]

Reviews code with a local DeepSeek-R1 model; nothing leaves this machine.

  files…                 Whole files (or folders: the files in them) to review; with --diff or --staged,
                         limits the diff to these paths. --diff includes new files git does not track yet.
  --diff [REF]           Review the changes in the working tree against REF (default HEAD): staged and unstaged.
  --staged               Review only the staged changes (for a pre-commit hook).
  --model PATH.gguf      The model file (default: $ENCLAVE_MODEL).
  --format FORMAT        text (default), json, or sarif (SARIF 2.1.0, for CI).
  --fail-on LEVEL        Exit 1 when a finding is at least this severe: error (default), warning, info, or none.
  --thought-budget N     Thought tokens per part reviewed (default ${thoughtBudgets.normal}; 0: no reasoning;
                         --thought-budget=-1: unlimited).
  --context-size N       Context size in tokens (default: automatic).
  --threads N            CPU threads (default: the machine's cores).
  --quiet                No progress or notes on stderr.
  --verbose              Also print the model process's log on stderr.
  -h, --help             Show this help.
  --version              Show the version.

Exit codes:
  0  no finding reached --fail-on       4  --diff/--staged outside a git repository (or no git)
  1  a finding reached --fail-on        5  a file cannot be read
  2  bad arguments                      6  the model process failed during the review
  3  model missing, invalid or too big  130  interrupted (Ctrl-C)
`;

/**
 * Parses argv (without node and the script). `isCommit` tells whether a word names a commit, for
 * `--diff X`; `env` supplies ENCLAVE_MODEL.
 */
export function parseCommand(argv: readonly string[], isCommit: (ref: string) => boolean, env: NodeJS.ProcessEnv = {}): ParsedCommand {
    const rest: string[] = [];
    let diff: {ref?: string; staged: boolean} | undefined;
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index]!;
        if (arg === "--") {
            rest.push(...argv.slice(index));
            break;
        }
        if (arg === "--diff" || arg.startsWith("--diff=")) {
            if (diff) throw usageError("--diff is given twice.");
            let ref = arg.startsWith("--diff=") ? arg.slice("--diff=".length) : undefined;
            const next = argv[index + 1];
            if (ref == null && next != null && !next.startsWith("-") && isCommit(next)) {
                ref = next;
                index++;
            }
            if (ref === "") throw usageError("--diff= needs a ref, e.g. --diff=main.");
            diff = {...(ref != null ? {ref} : {}), staged: false};
            continue;
        }
        rest.push(arg);
    }

    let parsed;
    try {
        parsed = parseArgs({
            args: rest,
            allowPositionals: true,
            strict: true,
            options: {
                staged: {type: "boolean"},
                model: {type: "string"},
                format: {type: "string"},
                "fail-on": {type: "string"},
                "thought-budget": {type: "string"},
                "context-size": {type: "string"},
                threads: {type: "string"},
                quiet: {type: "boolean"},
                verbose: {type: "boolean"},
                help: {type: "boolean", short: "h"},
                version: {type: "boolean"}
            }
        });
    } catch (error) {
        throw usageError(error instanceof Error ? error.message : String(error));
    }
    const {values, positionals} = parsed;
    if (values.help) return {kind: "help"};
    if (values.version) return {kind: "version"};

    if (values.staged) {
        if (diff?.ref != null) throw usageError("--staged compares the index with HEAD; it cannot be combined with --diff REF.");
        diff = {staged: true};
    }
    const model = values.model ?? env.ENCLAVE_MODEL;
    if (model == null || model === "") throw usageError("--model PATH.gguf is required (or set ENCLAVE_MODEL).");
    if (!diff && positionals.length === 0) throw usageError("Name files to review, or use --diff or --staged.");
    const format = oneOf(values.format ?? "text", formats, "--format");
    const failOn = oneOf(values["fail-on"] ?? "error", [...severities, "none"] as const, "--fail-on");
    return {
        kind: "review",
        args: {
            files: positionals,
            diff,
            model,
            format,
            failOn,
            thoughtBudget: integer(values["thought-budget"], "--thought-budget", -1),
            contextSize: integer(values["context-size"], "--context-size", 0),
            threads: integer(values.threads, "--threads", 0),
            quiet: values.quiet ?? false,
            verbose: values.verbose ?? false
        }
    };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw usageError(`${option} must be one of ${allowed.join(", ")}; got "${value}".`);
}

function integer(value: string | undefined, option: string, min: number): number | undefined {
    if (value == null) return undefined;
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number) || number < min)
        throw usageError(`${option} must be a whole number of at least ${min}; got "${value}".`);
    return number;
}

function usageError(message: string): CliError {
    return new CliError(ExitCode.Usage, `${message}\nRun "enclave-review --help" for usage.`);
}
