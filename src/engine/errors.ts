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
    /** The model process's folder, socket or secret could be reached by another user: not used. */
    "InsecureRuntime",
    /** The model process refused the connection (wrong secret, another protocol version). */
    "Refused",
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
    /** InsufficientMemory: models that other windows keep loaded in the shared process, which unloaded would make room. */
    otherModels?: OtherModel[] | undefined;
}

export interface OtherModel {
    modelPath: string;
    role: "chat" | "completion";
    users: number;
    idleMs: number;
}

export class EngineError extends Error {
    override readonly name = "EngineError";

    readonly smallerContextSize: number | undefined;
    readonly otherModels: readonly OtherModel[] | undefined;

    constructor(
        readonly code: EngineErrorCode,
        message: string,
        readonly detail?: string,
        extra: {smallerContextSize?: number | undefined; otherModels?: readonly OtherModel[] | undefined} = {}
    ) {
        super(message);
        this.smallerContextSize = extra.smallerContextSize;
        this.otherModels = extra.otherModels;
    }

    toData(): EngineErrorData {
        return {
            code: this.code,
            message: this.message,
            detail: this.detail,
            ...(this.smallerContextSize == null ? {} : {smallerContextSize: this.smallerContextSize}),
            ...(this.otherModels == null ? {} : {otherModels: this.otherModels.map((model) => ({...model}))})
        };
    }

    static fromData(data: EngineErrorData): EngineError {
        return new EngineError(data.code, data.message, data.detail, {smallerContextSize: data.smallerContextSize, otherModels: data.otherModels});
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
