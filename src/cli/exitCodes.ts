/**
 * enclave-review's exit codes: scripts and git hooks branch on them, so each failure the user can
 * fix has its own code, and the numbers never change meaning.
 */
export const ExitCode = {
    /** The review ran; no finding reached the --fail-on level. */
    Ok: 0,
    /** The review ran; at least one finding reached the --fail-on level. */
    FindingsReachedFailOn: 1,
    /** Bad arguments (unknown option, bad value, --diff REF that is not a commit). */
    Usage: 2,
    /** The model file is missing, not a GGUF model, corrupt, unsupported, or does not fit in memory. */
    ModelProblem: 3,
    /** --diff outside a git repository, or git is not installed. */
    NotAGitRepository: 4,
    /** A file to review is missing, a folder, or cannot be read. */
    UnreadableFile: 5,
    /** The model process failed during the review (crash, timeout). */
    EngineFailure: 6,
    /** Stopped by Ctrl-C (SIGINT) or SIGTERM: 128 + the signal's number, as shells report it. */
    Interrupted: 130
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown to end the program with a message for the user and a code for scripts. */
export class CliError extends Error {
    override readonly name = "CliError";

    constructor(
        readonly exitCode: ExitCode,
        message: string
    ) {
        super(message);
    }
}
