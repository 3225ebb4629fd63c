/**
 * A server the user configured for a role: its base URL (where `/v1/...` lives), the model name it
 * serves, and an optional API key (kept in VS Code's SecretStorage by the extension, never in
 * settings). Whether it is on this machine decides the privacy confirmation and the warnings.
 */
import {isLoopback} from "../../models/networkFailure";

export interface RemoteEndpoint {
    /** e.g. http://gpu-box:8000/v1 (a URL without /v1 gets it). */
    baseUrl: string;
    /** scheme://host:port, for messages. */
    origin: string;
    model: string;
    apiKey?: string;
}

export type ParsedEndpoint = {ok: true; endpoint: RemoteEndpoint} | {ok: false; message: string};

/** Checks a configured URL: http(s) only, no credentials in it (a key goes in SecretStorage). */
export function parseEndpoint(url: string, model: string, apiKey?: string): ParsedEndpoint {
    let parsed: URL;
    try {
        parsed = new URL(url.trim());
    } catch {
        return {ok: false, message: `"${url}" is not a URL: give the server's address, e.g. http://localhost:8080/v1.`};
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return {ok: false, message: `${parsed.protocol} is not supported: the server's address starts with http:// or https://.`};
    if (parsed.username !== "" || parsed.password !== "") return {ok: false, message: "The address holds a user name or password: remove it, and give an API key with Enclave: Set API Key instead (it is kept in VS Code's secret storage)."};
    if (model.trim() === "") return {ok: false, message: "No model name: give the name the server serves (Enclave lists them from the server's /v1/models)."};
    const path = parsed.pathname.replace(/\/+$/, "");
    const baseUrl = `${parsed.origin}${/\/v1$/.test(path) ? path : `${path}/v1`}`;
    return {ok: true, endpoint: {baseUrl, origin: parsed.origin, model: model.trim(), ...(apiKey ? {apiKey} : {})}};
}

/** How the chat's footer and its turns name the model there: "deepseek-r1:32b (gpu-box:8000)". */
export function endpointLabel(endpoint: RemoteEndpoint): string {
    return `${endpoint.model} (${new URL(endpoint.origin).host})`;
}

export function endpointUrl(endpoint: RemoteEndpoint, path: string): string {
    return `${endpoint.baseUrl}/${path}`;
}

/** On this machine: nothing leaves it, so no confirmation is asked. */
export function isOnThisMachine(endpoint: RemoteEndpoint): boolean {
    return isLoopback(new URL(endpoint.origin).hostname);
}

/** Code goes over the network unencrypted: plain http to another machine. */
export function isUnencryptedRemote(endpoint: RemoteEndpoint): boolean {
    return endpoint.origin.startsWith("http:") && !isOnThisMachine(endpoint);
}
