/**
 * Errors of the model manager. Each has a code the UI can act on (e.g. "Offline" → offer
 * "Import GGUF File…") and a message a user can read as it is.
 */
export const modelErrorCodes = [
    /** The download host cannot be reached: no network, DNS failure, no route, or no answer at all. */
    "Offline",
    /** The host was reached but no download server answered: the connection was refused or dropped. */
    "Unreachable",
    /** The host answered with an HTTP error (not 404/401/403). */
    "ServerError",
    /** The host says the file does not exist. */
    "NotFound",
    /** The host refuses access (gated or private repository). */
    "AccessDenied",
    /** The download stopped receiving data for too long. */
    "Stalled",
    "Cancelled",
    /** Anything else that ended a download; `detail` has the technical cause. */
    "DownloadFailed",
    "NotEnoughDisk",
    /** A downloaded or imported file failed its check; `problems` says why. */
    "InvalidModel",
    /** A file of that name is already in the models folder and is a different file. */
    "AlreadyExists",
    "CopyFailed",
    "LinkFailed",
    /** A path outside the models folder was given to an operation that only works inside it. */
    "OutsideModelsFolder"
] as const;

export type ModelErrorCode = (typeof modelErrorCodes)[number];

/** One thing wrong with a model file, in plain words. */
export interface ModelProblem {
    readonly code: ModelProblemCode;
    readonly message: string;
}

export const modelProblemCodes = [
    "NotFound",
    "NotAFile",
    "NotGguf",
    "UnsupportedVersion",
    "Truncated",
    "Corrupt",
    "UnsupportedArchitecture",
    "NoTokenizer",
    /** Numbers or shapes llama.cpp would abort on (e.g. 0 layers, heads that don't divide). */
    "Implausible",
    /** NaN or infinite values among the sampled weights. */
    "BadWeights",
    "MissingParts",
    "SizeMismatch",
    /** A download's SHA-256 differs from the one its source publishes. */
    "ChecksumMismatch"
] as const;

export type ModelProblemCode = (typeof modelProblemCodes)[number];

export class ModelError extends Error {
    override readonly name = "ModelError";

    constructor(
        readonly code: ModelErrorCode,
        message: string,
        /** For InvalidModel: every problem found. */
        readonly problems: readonly ModelProblem[] = [],
        /** Technical detail for the log, never shown as the message. */
        readonly detail?: string
    ) {
        super(message);
    }
}

export function describeError(error: unknown): string {
    if (error instanceof Error) {
        const cause = (error as Error & {cause?: unknown}).cause;
        return cause == null ? `${error.name}: ${error.message}` : `${error.name}: ${error.message} (cause: ${describeError(cause)})`;
    }
    return String(error);
}
