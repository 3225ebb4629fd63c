/**
 * The channel between the extension host (downloadClient.ts) and the download process
 * (downloadProcess.ts): one method, `download`, whose events are progress and whose result is the
 * installed model, over the same RPC layer as the model process (src/engine/channel/). A failure
 * is the model manager's own error (a ModelErrorCode the UI acts on, e.g. "Offline" → offer
 * Import). One definition for both ends; every message is validated where it arrives, so a
 * malformed one (an unknown error code, a progress with no numbers) is never acted on.
 */
import {z} from "zod";
import {rpcMessages} from "../engine/channel/rpcMessages";
import {ModelError, describeError, modelErrorCodes, modelProblemCodes} from "./errors";

const Bytes = z.number().nonnegative();
const Milliseconds = z.number().nonnegative();

const DownloadRequest = z.object({
    /** Stable name of the download (a preset id): its partial files are kept under it to resume. */
    id: z.string().min(1, "The download has no id."),
    /** `hf:` URIs of the model's files; a split model lists every part, first part first. */
    files: z.array(z.string().min(1, "A file URI is empty.")).min(1, "A download needs at least one file.").readonly(),
    modelsDir: z.string().min(1, "The models folder is empty."),
    /** Hugging Face endpoint (a loopback server in tests). */
    endpoint: z.string().min(1).optional()
}).readonly();
export type DownloadRequest = z.infer<typeof DownloadRequest>;

const DownloadSettings = z.object({
    reachabilityTimeoutMs: Milliseconds.optional(),
    /** Bound on the downloader asking the server for the files' sizes. */
    prepareTimeoutMs: Milliseconds.optional(),
    /** Fail when no byte arrived for this long. */
    stallTimeoutMs: Milliseconds.optional(),
    /** Free disk space to keep beyond the download. */
    diskMarginBytes: Bytes.optional(),
    /** How often progress is reported. */
    progressIntervalMs: Milliseconds.optional()
}).strict().readonly();
export type DownloadSettings = z.infer<typeof DownloadSettings>;

export const downloadPhases = ["checking", "downloading", "verifying"] as const;
export type DownloadPhase = (typeof downloadPhases)[number];

/** Progress as the UI shows it (downloadProgress.ts makes it monotonic and measures the speed). */
const DownloadProgress = z.object({
    phase: z.enum(downloadPhases),
    downloadedBytes: Bytes,
    totalBytes: Bytes,
    bytesPerSecond: Bytes,
    /** Undefined until a speed is known. */
    secondsLeft: z.number().nonnegative().optional()
}).readonly();
export type DownloadProgress = z.infer<typeof DownloadProgress>;

const DownloadedModel = z.object({
    /** The file to load (the first part of a split model). */
    entryPath: z.string().min(1),
    files: z.array(z.string()).min(1).readonly(),
    totalBytes: Bytes,
    /** Bytes already on disk from an earlier, interrupted download of the same id. */
    resumedBytes: Bytes,
    /** True when the model was already installed and nothing was downloaded. */
    alreadyInstalled: z.boolean()
}).readonly();
export type DownloadedModel = z.infer<typeof DownloadedModel>;

/** A ModelError as data: the error of every failed download. */
const ModelFailure = z.object({
    code: z.enum(modelErrorCodes),
    message: z.string(),
    problems: z.array(z.object({code: z.enum(modelProblemCodes), message: z.string()})),
    detail: z.string().optional()
});
export type ModelFailure = z.infer<typeof ModelFailure>;

export const downloadMethods = {
    download: {params: z.object({request: DownloadRequest, settings: DownloadSettings}).strict(), event: DownloadProgress, result: DownloadedModel}
} as const;
export type DownloadMethods = typeof downloadMethods;

/** The download process sends nothing that answers no request. */
const downloadNotifications = {} as const;
export type DownloadNotifications = typeof downloadNotifications;

export const downloadMessages = rpcMessages(downloadMethods, downloadNotifications, ModelFailure);

/** What a cancelled download ends with, whichever end notices the cancel first. */
export function downloadCancelled(): ModelError {
    return new ModelError("Cancelled", "The download was cancelled. Start it again to resume where it stopped.");
}

export function toFailure(error: unknown): ModelFailure {
    if (error instanceof ModelError)
        return {code: error.code, message: error.message, problems: error.problems.map((problem) => ({...problem})), detail: error.detail};
    return {code: "DownloadFailed", message: "The download failed. Start it again to resume where it stopped.", problems: [], detail: describeError(error)};
}

export function fromFailure(failure: ModelFailure): ModelError {
    return new ModelError(failure.code, failure.message, failure.problems, failure.detail);
}
