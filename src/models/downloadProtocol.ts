/**
 * Messages between the extension host (downloadClient.ts) and the download process
 * (downloadProcess.ts). One definition for both ends; every incoming message is checked.
 */
import type {DownloadRequest, DownloadSettings, DownloadedModel} from "./download";
import type {DownloadProgress} from "./downloadProgress";
import type {ModelErrorCode, ModelProblem} from "./errors";

export type ToDownloadProcess =
    | {readonly type: "start"; readonly request: DownloadRequest; readonly settings: DownloadSettings}
    | {readonly type: "cancel"};

export interface FailureMessage {
    readonly code: ModelErrorCode;
    readonly message: string;
    readonly problems: readonly ModelProblem[];
    readonly detail?: string;
}

export type FromDownloadProcess =
    | {readonly type: "progress"; readonly progress: DownloadProgress}
    | {readonly type: "done"; readonly result: DownloadedModel}
    | {readonly type: "failed"; readonly error: FailureMessage};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value != null;
const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

export function isToDownloadProcess(value: unknown): value is ToDownloadProcess {
    if (!isRecord(value)) return false;
    if (value.type === "cancel") return true;
    if (value.type !== "start" || !isRecord(value.request) || !isRecord(value.settings)) return false;
    const {id, files, modelsDir, endpoint} = value.request;
    return isString(id) && Array.isArray(files) && files.length > 0 && files.every(isString) && isString(modelsDir)
        && (endpoint === undefined || isString(endpoint))
        && Object.values(value.settings).every((setting) => setting === undefined || isNumber(setting));
}

export function isFromDownloadProcess(value: unknown): value is FromDownloadProcess {
    if (!isRecord(value)) return false;
    switch (value.type) {
        case "progress": {
            const progress = value.progress;
            return isRecord(progress) && isString(progress.phase) && isNumber(progress.downloadedBytes) && isNumber(progress.totalBytes)
                && isNumber(progress.bytesPerSecond) && (progress.secondsLeft === undefined || isNumber(progress.secondsLeft));
        }
        case "done": {
            const result = value.result;
            return isRecord(result) && isString(result.entryPath) && Array.isArray(result.files) && result.files.every(isString)
                && isNumber(result.totalBytes) && isNumber(result.resumedBytes) && typeof result.alreadyInstalled === "boolean";
        }
        case "failed": {
            const error = value.error;
            return isRecord(error) && isString(error.code) && isString(error.message) && Array.isArray(error.problems);
        }
        default:
            return false;
    }
}
