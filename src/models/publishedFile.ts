/**
 * What the source says a file should be, so a download is checked against it and not only against
 * the bytes that happened to arrive (a 380 KB file served under a 14B model's name must not pass).
 * The downloader's own size is the response's length, which such a file matches.
 *
 * Hugging Face answers `resolve` for a file stored in LFS with a redirect that carries
 * `X-Linked-Size` (the file's size) and `X-Linked-ETag` (its LFS object id: the SHA-256 of the
 * content). The redirect is not followed here — the CDN's answer lacks those headers — and the
 * request is a HEAD, so no file data moves.
 */
import {createHash} from "node:crypto";
import {createReadStream} from "node:fs";
import {defaultHuggingFaceEndpoint, fileUrl, parseHfUri} from "./hfUri";

export interface PublishedFile {
    readonly sizeBytes?: number;
    /** Lower-case hex. */
    readonly sha256?: string;
    /** Who published it, for messages: the server's host, e.g. "huggingface.co". */
    readonly source: string;
}

/** The size and SHA-256 the server publishes for a file URI; empty when it publishes neither (or cannot be asked). */
export async function publishedFile(uri: string, endpoint = defaultHuggingFaceEndpoint, signal?: AbortSignal): Promise<PublishedFile> {
    const source = new URL(endpoint).host;
    try {
        const parsed = parseHfUri(uri);
        if (parsed.kind !== "file") return {source};
        const response = await fetch(fileUrl(parsed, endpoint), {method: "HEAD", redirect: "manual", headers: {"accept-encoding": "identity"}, ...(signal == null ? {} : {signal})});
        await response.body?.cancel();
        return {source, ...linkedFacts(response.headers)};
    } catch {
        // The reachability check has just succeeded; a failure here leaves only the downloader's own size check.
        return {source};
    }
}

/** `X-Linked-Size` and an `X-Linked-ETag` that is a SHA-256 (a git blob's SHA-1 ETag is not). */
export function linkedFacts(headers: Headers): {sizeBytes?: number; sha256?: string} {
    const size = Number(headers.get("x-linked-size") ?? "");
    const etag = (headers.get("x-linked-etag") ?? "").replace(/^W\//, "").replace(/"/g, "").trim().toLowerCase();
    return {
        ...(Number.isSafeInteger(size) && size > 0 ? {sizeBytes: size} : {}),
        ...(/^[0-9a-f]{64}$/.test(etag) ? {sha256: etag} : {})
    };
}

export async function sha256Of(file: string, signal?: AbortSignal): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file, {highWaterMark: 4 * 1024 * 1024, ...(signal == null ? {} : {signal})})) hash.update(chunk as Buffer);
    return hash.digest("hex");
}
