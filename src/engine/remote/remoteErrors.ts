/**
 * What a failed request to a configured server means, said so the user can act: which server, what
 * happened, and (in the extension) the action "Switch to Local".
 */
import {errorCodes} from "../../models/networkFailure";
import type {RemoteEndpoint} from "./endpoint";

export type RemoteErrorCode = "refused" | "notFound" | "tls" | "unauthorized" | "noSuchModel" | "rateLimited" | "server" | "timeout" | "stalled" | "cutOff" | "malformed" | "aborted" | "failed";

export class RemoteError extends Error {
    constructor(
        readonly code: RemoteErrorCode,
        message: string
    ) {
        super(message);
        this.name = "RemoteError";
    }

    /** Worth one more try as it is: the server was busy or briefly away, and nothing was generated. */
    get retryable(): boolean {
        return this.code === "rateLimited" || this.code === "refused";
    }
}

/** A request that got no HTTP answer at all. */
export function requestFailure(endpoint: RemoteEndpoint, error: unknown): RemoteError {
    const codes = errorCodes(error).join(" ");
    const at = endpoint.origin;
    if (/redirect/i.test(`${messages(error)}`))
        return new RemoteError("failed", `The server at ${at} answered with a redirect to another address. Enclave does not follow it: you confirmed ${at}, not where it points. Set enclave.remote.url to the address it redirects to.`);
    if (/ECONNREFUSED/.test(codes)) return new RemoteError("refused", `The server at ${at} refused the connection: nothing is listening there. Is the server running?`);
    if (/ENOTFOUND|EAI_AGAIN/.test(codes)) return new RemoteError("notFound", `The host of ${at} could not be found: check the address, or your network.`);
    if (/ENETUNREACH|EHOSTUNREACH|ETIMEDOUT/.test(codes)) return new RemoteError("notFound", `${at} cannot be reached from this computer: check the network.`);
    if (/CERT|SSL|TLS|ERR_TLS|SELF_SIGNED/.test(codes)) return new RemoteError("tls", `The secure connection to ${at} failed (${codes.split(" ").find((code) => /CERT|SSL|TLS|SIGNED/.test(code)) ?? "certificate"}): its certificate is not trusted by this computer.`);
    if (/ECONNRESET|UND_ERR_SOCKET/.test(codes)) return new RemoteError("cutOff", `The server at ${at} closed the connection before it answered.`);
    return new RemoteError("failed", `The request to ${at} failed: ${error instanceof Error ? error.message : String(error)}.`);
}

/** A request the server answered with an error status; its own explanation is quoted (short). */
export async function httpFailure(endpoint: RemoteEndpoint, response: Response): Promise<RemoteError> {
    const said = (await response.text().catch(() => "")).replace(/\s+/g, " ").trim().slice(0, 200);
    const quote = said ? ` It said: "${said}"` : "";
    const at = endpoint.origin;
    switch (response.status) {
        case 401:
        case 403:
            return new RemoteError("unauthorized", `The server at ${at} refused the API key (HTTP ${response.status}): set it with Enclave: Set API Key.${quote}`);
        case 404:
            return /model/i.test(said)
                ? new RemoteError("noSuchModel", `The server at ${at} has no model "${endpoint.model}": choose one it serves.${quote}`)
                : new RemoteError("noSuchModel", `The server at ${at} has no ${new URL(response.url || `${endpoint.baseUrl}/chat/completions`).pathname} (HTTP 404): is the address right, and is it an OpenAI-compatible server?${quote}`);
        case 429:
            return new RemoteError("rateLimited", `The server at ${at} is busy (HTTP 429): try again in a moment.${quote}`);
        default:
            return new RemoteError("server", `The server at ${at} failed (HTTP ${response.status}).${quote}`);
    }
}

/** The messages along an error's cause chain. */
function messages(error: unknown, depth = 0): string {
    if (!(error instanceof Error) || depth > 5) return "";
    return `${error.message} ${messages(error.cause, depth + 1)}`;
}
