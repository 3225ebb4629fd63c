/**
 * Downloads a model through node-llama-cpp's downloader, with the guarantees the UI needs:
 *  - offline is reported within seconds: a bounded reachability check runs first (reachability.ts),
 *    and the downloader's own preparation (it asks the server for each file's size, retrying for
 *    minutes) is bounded too;
 *  - progress is monotonic, with speed and time left (downloadProgress.ts);
 *  - a stalled transfer (no byte for `stallTimeoutMs`) fails instead of hanging;
 *  - files are downloaded into `<models>/.downloads/<id>/` and only moved into the models folder
 *    after their size (and SHA-256) are checked against what the server publishes for them
 *    (publishedFile.ts) and their GGUF header is checked, so a cancelled, failed, damaged or
 *    substituted download never leaves a file under the final name;
 *  - a cancelled or interrupted download resumes from its partial files (`*.ipull`, with range
 *    requests) when it is started again with the same id;
 *  - split models download every part, and a model of several files downloads all of them (transfer.ts).
 *
 * Network activity stops when this function returns for the requests node-llama-cpp can cancel.
 * It cannot cancel all of them (its size request keeps an unread response open, and its retry loop
 * ignores cancellation), so the extension runs downloads in a child process that exits when the
 * download ends (downloadProcess.ts / downloadClient.ts): that is what makes a cancel final.
 */
import {mkdir, readdir, rename, rm, rmdir, stat} from "node:fs/promises";
import path from "node:path";
import {ModelError, describeError} from "./errors";
import {checkGgufFile} from "./ggufCheck";
import {freeDiskSpace} from "./hardware";
import {baseName, splitPartOf} from "./hfUri";
import {partialDownloadsFolder, stagingDir} from "./modelsFolder";
import {publishedFile, sha256Of, type PublishedFile} from "./publishedFile";
import {ProgressMeter} from "./downloadProgress";
import type {DownloadProgress, DownloadRequest, DownloadSettings, DownloadedModel} from "./downloadProtocol";
import {checkReachable, defaultReachabilityTimeoutMs} from "./reachability";
import {transferOf, type Transfer} from "./transfer";
import {GiB, formatFileSize} from "./units";

export interface DownloadOptions extends DownloadSettings {
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: DownloadProgress) => void;
}

export async function downloadModel(request: DownloadRequest, options: DownloadOptions = {}): Promise<DownloadedModel> {
    const first = request.files[0];
    if (first == null) throw new Error("A download needs at least one file.");
    const names = request.files.map(baseName);
    // File names come from URIs and become paths in the models folder: plain GGUF file names only.
    for (const name of names)
        if (!/^[^/\\.][^/\\]*\.gguf$/i.test(name)) throw new Error(`Not a GGUF file name: ${name}`);
    const finalPaths = names.map((name) => path.join(request.modelsDir, name));
    const meter = new ProgressMeter();
    const report = (progress: DownloadProgress): void => options.onProgress?.(progress);

    const installed = await checkInstalled(finalPaths);
    if (installed != null) return installed;
    throwIfCancelled(options.signal);

    report(meter.update(0, 0, "checking"));
    const reachabilityTimeoutMs = options.reachabilityTimeoutMs ?? defaultReachabilityTimeoutMs;
    await checkReachable(first, {endpoint: request.endpoint, timeoutMs: reachabilityTimeoutMs, signal: options.signal});
    const factsSignal = AbortSignal.any([AbortSignal.timeout(reachabilityTimeoutMs), ...(options.signal == null ? [] : [options.signal])]);
    const published = await Promise.all(request.files.map((uri) => publishedFile(uri, request.endpoint, factsSignal)));
    throwIfCancelled(options.signal);

    const staging = stagingDir(request.modelsDir, request.id);
    await mkdir(staging, {recursive: true});
    const abort = new AbortController();
    let stopReason: ModelError | undefined;
    const stop = (reason: ModelError): void => {
        stopReason ??= reason;
        abort.abort(reason);
    };
    const onCancel = (): void => stop(new ModelError("Cancelled", "The download was cancelled. Start it again to resume where it stopped."));
    if (options.signal?.aborted === true) onCancel();
    options.signal?.addEventListener("abort", onCancel, {once: true});

    let downloader: Transfer | undefined;
    try {
        downloader = await prepare(request, staging, options.prepareTimeoutMs ?? 20_000, abort.signal);
        throwIfStopped(stopReason);

        const totalBytes = downloader.totalSize;
        const resumedBytes = downloader.downloadedSize;
        await checkDiskSpace(staging, totalBytes - resumedBytes, options.diskMarginBytes ?? 0.5 * GiB);

        report(meter.update(resumedBytes, totalBytes));
        await transfer(downloader, meter, report, abort.signal, stop, options);
        throwIfStopped(stopReason);

        report(meter.complete("verifying"));
        const staged = await stagedFiles(downloader, staging, names);
        await verifyPublished(staged, published, abort.signal);
        await verify(staged, downloader);
        await moveInto(staged, finalPaths);
        await removeEmptyFolders(staging, request.modelsDir);
        return {entryPath: finalPaths[0] ?? "", files: finalPaths, totalBytes, resumedBytes, alreadyInstalled: false};
    } catch (error) {
        if (stopReason != null) throw stopReason;
        if (error instanceof ModelError) throw error;
        throw new ModelError("DownloadFailed", "The download failed. Start it again to resume where it stopped.", [], describeError(error));
    } finally {
        options.signal?.removeEventListener("abort", onCancel);
        // Closes every stream the downloader still has; the partial files stay for a resume.
        if (downloader != null) await settleWithin(downloader.cancel(), closeGraceMs);
    }
}

/** How long a stopped downloader gets to wind down before this function returns anyway. */
const closeGraceMs = 2000;

/** Waits for `promise` at most `ms`; a later rejection is swallowed (it can only be about a download already given up). */
async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
    try {
        await Promise.race([promise.then(() => undefined, () => undefined), late]);
    } finally {
        clearTimeout(timer);
    }
}

/** All files already in the models folder and sound: nothing to download. */
async function checkInstalled(finalPaths: readonly string[]): Promise<DownloadedModel | undefined> {
    const sizes: number[] = [];
    for (const file of finalPaths) {
        const size = await stat(file).then((stats) => stats.size, () => undefined);
        if (size == null) return undefined;
        sizes.push(size);
    }
    const entryPath = finalPaths[0] ?? "";
    const check = await checkGgufFile(entryPath);
    if (check.problems.length > 0) return undefined;
    const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
    return {entryPath, files: finalPaths, totalBytes, resumedBytes: totalBytes, alreadyInstalled: true};
}

/**
 * One downloader per file series (a split model's first part brings every part), as one transfer
 * (transfer.ts). Creating a downloader already asks the server for each file's size, with
 * node-llama-cpp's long retry loop: bounded here by `timeoutMs`.
 */
async function prepare(request: DownloadRequest, staging: string, timeoutMs: number, signal: AbortSignal): Promise<Transfer> {
    const {createModelDownloader} = await import("node-llama-cpp");
    const series = request.files.filter((uri) => (splitPartOf(baseName(uri))?.part ?? 1) === 1);
    const endpoints = request.endpoint == null ? undefined : {huggingFace: request.endpoint};
    const creating = Promise.all(series.map((modelUri) => createModelDownloader({
        modelUri,
        dirPath: staging,
        // The repository's own file name, not node-llama-cpp's "hf_<user>_…" one.
        fileName: baseName(modelUri),
        endpoints,
        skipExisting: true,
        deleteTempFileOnCancel: false,
        showCliProgress: false
    })));
    const created = await bounded(creating, timeoutMs, signal, () => new ModelError(
        "Offline",
        `The server stopped answering while the download was being prepared (no answer within ${Math.round(timeoutMs / 1000)} s). Check the network and try again.`
    ));
    return transferOf(created);
}

/** `promise`, or an error after `timeoutMs` or on abort. A late result is cancelled so it closes its streams. */
async function bounded<T extends {cancel(): Promise<void>}[]>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal, onTimeout: () => ModelError): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const cutOff = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), timeoutMs);
        onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new ModelError("Cancelled", "The download was cancelled."));
        signal.addEventListener("abort", onAbort, {once: true});
    });
    try {
        return await Promise.race([promise, cutOff]);
    } catch (error) {
        void promise.then((late) => Promise.all(late.map((downloader) => downloader.cancel()))).catch(() => undefined);
        throw error;
    } finally {
        clearTimeout(timer);
        if (onAbort != null) signal.removeEventListener("abort", onAbort);
    }
}

async function checkDiskSpace(staging: string, neededBytes: number, marginBytes: number): Promise<void> {
    const free = await freeDiskSpace(staging);
    if (free < neededBytes + marginBytes)
        throw new ModelError(
            "NotEnoughDisk",
            `The download needs ${formatFileSize(neededBytes)} of free disk space (plus ${formatFileSize(marginBytes)} to spare), but only ${formatFileSize(free)} is free where models are stored.`
        );
}

/** Runs the transfer, reporting progress and watching for a stall; returns when it ends or is stopped. */
async function transfer(
    downloader: Transfer,
    meter: ProgressMeter,
    report: (progress: DownloadProgress) => void,
    signal: AbortSignal,
    stop: (reason: ModelError) => void,
    settings: DownloadSettings
): Promise<void> {
    const stallTimeoutMs = settings.stallTimeoutMs ?? 30_000;
    let lastBytes = downloader.downloadedSize;
    let lastChange = performance.now();
    const timer = setInterval(() => {
        const bytes = downloader.downloadedSize;
        report(meter.update(bytes, downloader.totalSize));
        if (bytes !== lastBytes) {
            lastBytes = bytes;
            lastChange = performance.now();
        } else if (performance.now() - lastChange > stallTimeoutMs) {
            stop(new ModelError(
                "Stalled",
                `The download received nothing for ${Math.round(stallTimeoutMs / 1000)} s; the network may be down. Start it again to resume where it stopped.`
            ));
        }
    }, settings.progressIntervalMs ?? 250);
    // Resolves (not rejects) when cancelled through the signal: the caller checks why it stopped. A
    // request still waiting for response headers ignores the cancel, so once stopped, stop waiting.
    const done = downloader.download(signal);
    const stopped = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), {once: true}));
    try {
        await Promise.race([done, stopped.then(() => settleWithin(done, closeGraceMs))]);
    } finally {
        clearInterval(timer);
        done.catch(() => undefined);
    }
}

/** The staged path of every requested file; all must exist. */
async function stagedFiles(downloader: Transfer, staging: string, names: readonly string[]): Promise<string[]> {
    const present = new Set(await readdir(staging));
    const missing = names.filter((name) => !present.has(name));
    if (missing.length > 0)
        throw new ModelError("InvalidModel", `The download finished without ${missing.join(", ")}.`, [
            {code: "MissingParts", message: `The server did not provide ${missing.join(", ")}.`}
        ], `the downloader saved: ${downloader.files.map((file) => file.fileName).join(", ")}`);
    return names.map((name) => path.join(staging, name));
}

/**
 * Each file against the size and SHA-256 its source publishes (when it does); a file that differs
 * is deleted (a retry fetches it again) and the download fails saying what differs.
 */
async function verifyPublished(staged: readonly string[], published: readonly PublishedFile[], signal: AbortSignal): Promise<void> {
    for (let i = 0; i < staged.length; i++) {
        const file = staged[i];
        const facts = published[i];
        if (file == null || facts == null) continue;
        const name = path.basename(file);
        const fail = async (code: "SizeMismatch" | "ChecksumMismatch", message: string): Promise<never> => {
            await rm(file, {force: true});
            throw new ModelError("InvalidModel", `The downloaded file ${message} It was deleted; start the download again.`, [{code, message}]);
        };
        const size = (await stat(file)).size;
        if (facts.sizeBytes != null && size !== facts.sizeBytes)
            await fail("SizeMismatch", `${name} is ${formatFileSize(size)} (${size.toLocaleString("en")} bytes), but ${facts.source} publishes ${formatFileSize(facts.sizeBytes)} (${facts.sizeBytes.toLocaleString("en")} bytes) for it.`);
        if (facts.sha256 != null) {
            const sha256 = await sha256Of(file, signal);
            if (sha256 !== facts.sha256)
                await fail("ChecksumMismatch", `${name} has the SHA-256 ${sha256}, but ${facts.source} publishes ${facts.sha256} for it: it is not the file the source holds.`);
        }
    }
}

/** Size as announced by the server and a sound GGUF header, for every file; a bad file is deleted so a retry fetches it again. */
async function verify(staged: readonly string[], downloader: Transfer): Promise<void> {
    const expectedSizes = new Map(downloader.files.map((file) => [file.fileName, file.totalSize]));

    const entries = staged.filter((file) => (splitPartOf(path.basename(file))?.part ?? 1) === 1);
    for (const entry of entries) {
        const check = await checkGgufFile(entry, {expectedSizes});
        if (check.problems.length === 0) continue;
        await Promise.all(check.parts.map((part) => rm(part, {force: true})));
        throw new ModelError(
            "InvalidModel",
            `The downloaded file ${path.basename(entry)} failed its check: ${check.problems.map((problem) => problem.message).join(" ")}`,
            check.problems
        );
    }
}

async function moveInto(staged: readonly string[], finalPaths: readonly string[]): Promise<void> {
    for (let i = 0; i < staged.length; i++) {
        const from = staged[i];
        const to = finalPaths[i];
        if (from != null && to != null) await rename(from, to);
    }
}

async function removeEmptyFolders(staging: string, modelsDir: string): Promise<void> {
    for (const dir of [staging, path.join(modelsDir, partialDownloadsFolder)]) {
        try {
            await rmdir(dir);
        } catch {
            return; // not empty: other partial downloads
        }
    }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
    if (signal?.aborted === true) throw new ModelError("Cancelled", "The download was cancelled.");
}

function throwIfStopped(reason: ModelError | undefined): void {
    if (reason != null) throw reason;
}
