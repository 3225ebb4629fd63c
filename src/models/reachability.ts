/**
 * Before a download starts: can the server be reached, and does it have the file? One request,
 * bounded in time, so that being offline is reported within seconds. (node-llama-cpp's downloader,
 * given an unreachable host, retries silently for minutes and doesn't stop on its AbortSignal.)
 *
 * For a file URI the first bytes of the file are requested (a range request the downloader will
 * make anyway): that also proves the server speaks ranges and serves a GGUF file. A tag URI asks
 * the manifest. The response body is cancelled as soon as it has been read, so no request stays open.
 */
import {ModelError} from "./errors";
import {connectionFailure} from "./networkFailure";
import {defaultHuggingFaceEndpoint, fileUrl, manifestUrl, parseHfUri} from "./hfUri";

export interface ReachabilityOptions {
    readonly endpoint?: string;
    /** Whole check, connection to last byte. */
    readonly timeoutMs?: number;
    readonly signal?: AbortSignal;
}

export interface Reachable {
    readonly url: string;
    /** From Content-Range, when the server sent one. */
    readonly totalBytes?: number;
    /** Resolved file name for a tag URI. */
    readonly fileName?: string;
}

export const defaultReachabilityTimeoutMs = 3000;

export async function checkReachable(uri: string, options: ReachabilityOptions = {}): Promise<Reachable> {
    const endpoint = options.endpoint ?? defaultHuggingFaceEndpoint;
    const timeoutMs = options.timeoutMs ?? defaultReachabilityTimeoutMs;
    const parsed = parseHfUri(uri);
    const url = parsed.kind === "file" ? fileUrl(parsed, endpoint) : manifestUrl(parsed, endpoint);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal == null ? timeout : AbortSignal.any([timeout, options.signal]);
    const host = new URL(endpoint).host;

    try {
        const response = await fetch(url, {
            headers: parsed.kind === "file" ? {range: "bytes=0-7", "accept-encoding": "identity"} : {"user-agent": "llama-cpp"},
            redirect: "follow",
            signal
        });
        if (!response.ok) {
            await response.body?.cancel();
            throw httpError(response.status, parsed.kind === "file" ? parsed.path : `${parsed.repo}:${parsed.tag}`, host);
        }
        if (parsed.kind === "tag") {
            const manifest = (await response.json()) as {ggufFile?: {rfilename?: unknown}};
            const fileName = manifest.ggufFile?.rfilename;
            if (typeof fileName !== "string") throw new ModelError("NotFound", `${host} has no GGUF file for ${parsed.user}/${parsed.repo}:${parsed.tag}.`);
            return {url, fileName};
        }
        const head = await readFirstBytes(response, 4);
        if (head.toString("latin1") !== "GGUF")
            throw new ModelError("InvalidModel", `${host} did not send a GGUF model file for ${parsed.path}.`, [
                {code: "NotGguf", message: `${parsed.path} on ${host} does not start with "GGUF".`}
            ]);
        const total = /\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "")?.[1];
        return {url, totalBytes: total == null ? undefined : Number(total)};
    } catch (error) {
        if (error instanceof ModelError) throw error;
        if (options.signal?.aborted === true) throw new ModelError("Cancelled", "The download was cancelled.");
        throw connectionFailure(endpoint, error, timeout.aborted ? timeoutMs : undefined);
    }
}

async function readFirstBytes(response: Response, count: number): Promise<Buffer> {
    if (response.body == null) return Buffer.alloc(0);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    try {
        // Bounded by `count` bytes (and by the caller's timeout signal).
        while (length < count) {
            const {done, value} = await reader.read();
            if (done) break;
            chunks.push(value);
            length += value.length;
        }
    } finally {
        // A server that ignored the range would otherwise keep sending the whole file.
        await reader.cancel().catch(() => undefined);
    }
    return Buffer.concat(chunks).subarray(0, count);
}

function httpError(status: number, what: string, host: string): ModelError {
    if (status === 404) return new ModelError("NotFound", `${host} has no file ${what} (HTTP 404). The model may have been moved or renamed.`);
    if (status === 401 || status === 403) return new ModelError("AccessDenied", `${host} refuses access to ${what} (HTTP ${status}); the repository may be gated or private.`);
    return new ModelError("ServerError", `${host} answered with an error (HTTP ${status}). Try again later.`);
}
