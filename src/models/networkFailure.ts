/**
 * What a failed connection to the download server means, in words that are true: "offline" only
 * when the host cannot be resolved or reached (no DNS answer, no route, no answer at all); a refused
 * or dropped connection means the host was reached and no download server answered there — for a
 * loopback endpoint that is a local server that is not running, not a computer without network.
 */
import {ModelError, describeError} from "./errors";
import {defaultHuggingFaceEndpoint} from "./hfUri";

const importHint = "To use a model without the network, import a GGUF file.";

/** The error for a request to `endpoint` that failed with `error`; `timeoutMs` when it failed because nothing answered in time. */
export function connectionFailure(endpoint: string, error: unknown, timeoutMs?: number): ModelError {
    const url = new URL(endpoint);
    const {host, origin} = url;
    const detail = describeError(error);
    const codes = `${errorCodes(error).join(" ")} ${detail}`;
    const offline = (why: string): ModelError =>
        new ModelError("Offline", `Enclave cannot reach ${host} (${why}): this computer seems to be offline, or the server is blocked. ${importHint}`, [], detail);
    if (timeoutMs !== undefined) return offline(`no answer within ${Math.round(timeoutMs / 100) / 10} s`);
    if (/ENOTFOUND|EAI_AGAIN/.test(codes)) return offline("host name not found");
    if (/ENETUNREACH|EHOSTUNREACH/.test(codes)) return offline("network unreachable");
    const local = isLoopback(url.hostname);
    // Only a download server the user set can be set right.
    const checkSetting = url.origin === new URL(defaultHuggingFaceEndpoint).origin ? "" : " Check the setting enclave.models.huggingFaceEndpoint.";
    if (/ECONNREFUSED/.test(codes))
        return new ModelError(
            "Unreachable",
            `The server at ${origin} refused the connection: ${local ? "no server is running at that port on this computer" : "nothing accepts connections at that port"}.${checkSetting} ${importHint}`,
            [],
            detail
        );
    if (/ECONNRESET|socket hang up|other side closed/i.test(codes))
        return new ModelError("Unreachable", `The server at ${origin} closed the connection before it answered. Try again later. ${importHint}`, [], detail);
    return new ModelError("Unreachable", `The connection to the server at ${origin} failed (${firstLine(detail)}). Try again later. ${importHint}`, [], detail);
}

/** Node's error codes along the cause chain, and in each error of an AggregateError (a host with several addresses). */
export function errorCodes(error: unknown, depth = 0): string[] {
    if (typeof error !== "object" || error === null || depth > 5) return [];
    const {code, cause, errors} = error as {code?: unknown; cause?: unknown; errors?: unknown};
    return [
        ...(typeof code === "string" ? [code] : []),
        ...errorCodes(cause, depth + 1),
        ...(Array.isArray(errors) ? errors.flatMap((inner) => errorCodes(inner, depth + 1)) : [])
    ];
}

export function isLoopback(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\./.test(hostname);
}

const firstLine = (text: string): string => (text.split("\n")[0] ?? text).slice(0, 200);
