/**
 * Errors that cross the host↔worker boundary. Every failure the user can meet has a code (for
 * programs and tests) and a sentence a user understands (for the UI); `detail` keeps the raw cause
 * for the log.
 */
export const engineErrorCodes = [
    "ModelNotFound",
    "NotGguf",
    "CorruptModel",
    "UnsupportedArchitecture",
    "InsufficientMemory",
    "NoModelConfigured",
    "NoModelLoaded",
    "EngineCrashed",
    "Timeout",
    "Aborted",
    "InvalidRequest",
    "Disposed",
    "Internal"
] as const;

export type EngineErrorCode = (typeof engineErrorCodes)[number];

/** The plain-data form sent over IPC. */
export interface EngineErrorData {
    code: EngineErrorCode;
    message: string;
    detail?: string | undefined;
    /** InsufficientMemory from a load's plan: the largest smaller context that would fit. */
    smallerContextSize?: number | undefined;
}

export class EngineError extends Error {
    override readonly name = "EngineError";

    readonly smallerContextSize: number | undefined;

    constructor(
        readonly code: EngineErrorCode,
        message: string,
        readonly detail?: string,
        extra: {smallerContextSize?: number | undefined} = {}
    ) {
        super(message);
        this.smallerContextSize = extra.smallerContextSize;
    }

    toData(): EngineErrorData {
        return {code: this.code, message: this.message, detail: this.detail, ...(this.smallerContextSize == null ? {} : {smallerContextSize: this.smallerContextSize})};
    }

    static fromData(data: EngineErrorData): EngineError {
        return new EngineError(data.code, data.message, data.detail, {smallerContextSize: data.smallerContextSize});
    }
}

export function isEngineError(value: unknown, code?: EngineErrorCode): value is EngineError {
    return value instanceof EngineError && (code == null || value.code === code);
}

/** A readable one-liner for any thrown value, for logs and `detail`. */
export function describeError(value: unknown): string {
    if (value instanceof Error)
        return value.stack ?? `${value.name}: ${value.message}`;
    return String(value);
}
