/**
 * One streaming POST to a configured server, its answer read as server-sent events. The events are
 * parsed by eventsource-parser (small, dependency-free, spec-following: chunk boundaries fall
 * anywhere in a line, and servers differ in `\r\n`, comments and keep-alives). Shared by every
 * remote operation (chat, infill), so that each fails, times out and cancels the same way:
 * - no answer within `firstByteTimeoutMs`, or a stream quiet for `idleTimeoutMs`: a RemoteError;
 * - the caller's cancel aborts the HTTP request, which closes the connection, and servers stop
 *   generating for a closed connection; it resolves "aborted";
 * - redirects are not followed: the user confirmed this server, not wherever it points.
 */
import {createParser, type EventSourceMessage} from "eventsource-parser";
import type {RemoteEndpoint} from "./endpoint";
import {RemoteError, httpFailure, requestFailure} from "./remoteErrors";

export interface EventStreamOptions {
    signal: AbortSignal;
    /** How long the server may take to send the first byte of its answer (it reads the prompt first). */
    firstByteTimeoutMs?: number;
    /** How long the stream may go quiet once it has started. */
    idleTimeoutMs?: number;
}

const streamDefaults = {firstByteTimeoutMs: 120_000, idleTimeoutMs: 60_000};

/**
 * How the stream ended: "done" (`onEvent` said the answer is complete), "ended" (the server closed
 * the stream), "aborted" (the caller's cancel). Throws a RemoteError for every failure, and what
 * `onEvent` throws.
 */
export async function postEventStream(endpoint: RemoteEndpoint, url: string, body: unknown, options: EventStreamOptions, onEvent: (message: EventSourceMessage) => "done" | undefined): Promise<"done" | "ended" | "aborted"> {
    const {firstByteTimeoutMs, idleTimeoutMs} = {...streamDefaults, ...options};
    // One controller for the request: the caller's cancel and our own timeouts both abort it.
    const request = new AbortController();
    let timedOut: RemoteError | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, error: () => RemoteError) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
            timedOut = error();
            request.abort(timedOut);
        }, ms);
    };
    const cancel = () => request.abort(options.signal.reason);
    options.signal.addEventListener("abort", cancel, {once: true});
    if (options.signal.aborted) cancel();
    const cancelled = () => options.signal.aborted && !timedOut;
    try {
        arm(firstByteTimeoutMs, () => new RemoteError("timeout", `The server at ${endpoint.origin} did not start answering within ${seconds(firstByteTimeoutMs)}.`));
        let response: Response;
        try {
            response = await fetch(url, {
                method: "POST",
                headers: {"content-type": "application/json", accept: "text/event-stream", ...authorization(endpoint)},
                body: JSON.stringify(body),
                redirect: "error",
                signal: request.signal
            });
        } catch (error) {
            if (cancelled()) return "aborted";
            throw timedOut ?? requestFailure(endpoint, error);
        }
        if (!response.ok || response.body === null) throw await httpFailure(endpoint, response);
        let done = false;
        // What onEvent throws comes out of feed() below, and ends the stream.
        const parser = createParser({
            onEvent: (message) => {
                if (!done) done = onEvent(message) === "done";
            }
        });
        const decoder = new TextDecoder();
        const reader = response.body.getReader();
        try {
            for (;;) {
                const {value, done: ended} = await reader.read();
                if (ended) break;
                arm(idleTimeoutMs, () => new RemoteError("stalled", `The server at ${endpoint.origin} stopped sending the answer for ${seconds(idleTimeoutMs)}; what came is kept.`));
                parser.feed(decoder.decode(value, {stream: true}));
                if (done) return "done";
            }
        } catch (error) {
            if (error instanceof RemoteError) throw error;
            if (cancelled()) return "aborted";
            throw timedOut ?? new RemoteError("cutOff", `The connection to ${endpoint.origin} broke off in the middle of the answer; what came is kept.`);
        } finally {
            // Closing the body closes the connection, so the server stops generating.
            await reader.cancel().catch(() => undefined);
        }
        return cancelled() ? "aborted" : "ended";
    } finally {
        clearTimeout(timer);
        options.signal.removeEventListener("abort", cancel);
    }
}

export function authorization(endpoint: RemoteEndpoint): Record<string, string> {
    return endpoint.apiKey ? {authorization: `Bearer ${endpoint.apiKey}`} : {};
}

/** "0.3 s", "120 s": a bound as the user reads it. */
export const seconds = (ms: number): string => `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)} s`;
