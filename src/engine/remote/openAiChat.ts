/**
 * Chat through a server the user configured that speaks OpenAI's `/v1/chat/completions` with
 * streaming (llama-server, vLLM, Ollama, LM Studio, mlx_lm.server). The answer comes as server-sent
 * events, parsed by eventsource-parser (a small, dependency-free, spec-following parser: chunk
 * boundaries fall anywhere in a line, and servers differ in `\r\n`, comments and keep-alives).
 * The reasoning comes in one of the three shapes servers use: `delta.reasoning_content`
 * (DeepSeek, vLLM, llama-server), `delta.reasoning` (Ollama, OpenRouter), or `<think>` in the
 * content (servers that pass the model's text through), split by ThoughtSplitter.
 *
 * Every way it can fail ends within a bounded time with a RemoteError that names the server and
 * what to do. Cancel aborts the HTTP request, which closes the connection (servers stop generating
 * for a closed connection), and resolves with what came so far, stopReason "abort", as the local
 * engine does.
 */
import {createParser, type EventSourceMessage} from "eventsource-parser";
import type {ChatEvent, ChatParams, ChatResult} from "../protocol";
import {type RemoteEndpoint, endpointUrl} from "./endpoint";
import {RemoteError, httpFailure, requestFailure} from "./remoteErrors";
import {ThoughtSplitter} from "./thoughtSplitter";

export interface RemoteChatOptions {
    signal: AbortSignal;
    onEvent?: (event: ChatEvent) => void;
    /** How long the server may take to send the first byte of its answer (it reads the prompt first). */
    firstByteTimeoutMs?: number;
    /** How long the stream may go quiet once it has started. */
    idleTimeoutMs?: number;
}

const defaults = {firstByteTimeoutMs: 120_000, idleTimeoutMs: 60_000};

interface Delta {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
}

export async function remoteChat(endpoint: RemoteEndpoint, params: ChatParams, options: RemoteChatOptions): Promise<ChatResult> {
    const started = Date.now();
    const {firstByteTimeoutMs, idleTimeoutMs} = {...defaults, ...options};
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

    let thought = "";
    let answer = "";
    let thoughtTokens = 0;
    let answerTokens = 0;
    let firstTokenMs: number | null = null;
    let finishReason: string | undefined;
    let done = false;
    let malformed = 0;
    let reasoningField = false;
    const splitter = new ThoughtSplitter(true);
    const emit = (kind: ChatEvent["kind"], text: string) => {
        if (text === "") return;
        firstTokenMs ??= Date.now() - started;
        if (kind === "thought") {
            thought += text;
            thoughtTokens++;
        } else {
            answer += text;
            answerTokens++;
        }
        options.onEvent?.({kind, text, tokens: 1});
    };
    const onMessage = (message: EventSourceMessage) => {
        if (message.data === "[DONE]") {
            done = true;
            return;
        }
        let chunk: {choices?: Array<{delta?: Delta; finish_reason?: unknown}>; usage?: {completion_tokens?: unknown}; error?: {message?: unknown}};
        try {
            chunk = JSON.parse(message.data) as typeof chunk;
        } catch {
            malformed++;
            return;
        }
        if (chunk.error) throw new RemoteError("server", `The server at ${endpoint.origin} stopped the answer with an error: ${typeof chunk.error.message === "string" ? chunk.error.message : "no reason given"}.`);
        const choice = chunk.choices?.[0];
        const delta = choice?.delta ?? {};
        const reasoning = typeof delta.reasoning_content === "string" ? delta.reasoning_content : typeof delta.reasoning === "string" ? delta.reasoning : undefined;
        if (reasoning !== undefined) {
            reasoningField = true;
            emit("thought", reasoning);
        }
        if (typeof delta.content === "string") {
            // A server that sends the reasoning in its own field sends only the answer as content.
            if (reasoningField) emit("answer", delta.content);
            else for (const piece of splitter.push(delta.content)) emit(piece.kind, piece.text);
        }
        if (typeof choice?.finish_reason === "string") finishReason = choice.finish_reason;
    };

    let settled = false;
    /** Text streamed as thought while it might have been one, from a model that never closed a thought, is its answer: the chat gets it as that. */
    const settle = () => {
        if (settled) return;
        settled = true;
        if (!reasoningField && answer === "" && !splitter.closed && thought !== "") options.onEvent?.({kind: "answer", text: thought, tokens: thoughtTokens});
    };
    /** What came is kept: said before a failure that ends the stream. */
    const failWith = (error: RemoteError): RemoteError => {
        settle();
        return error;
    };
    const result = (): ChatResult => {
        settle();
        // A model that never closed a thought (it does not reason): what it wrote is its answer.
        const unreasoned = !reasoningField && answer === "" && !splitter.closed;
        return {
            thought: unreasoned ? "" : thought,
            answer: unreasoned ? thought : answer,
            stopReason: options.signal.aborted ? "abort" : finishReason === "length" ? "maxTokens" : "eos",
            thoughtCutByBudget: false,
            thoughtTokens: unreasoned ? 0 : thoughtTokens,
            answerTokens: unreasoned ? thoughtTokens : answerTokens,
            firstTokenMs,
            totalMs: Date.now() - started
        };
    };

    try {
        arm(firstByteTimeoutMs, () => new RemoteError("timeout", `The server at ${endpoint.origin} did not start answering within ${seconds(firstByteTimeoutMs)}.`));
        let response: Response;
        try {
            response = await fetch(endpointUrl(endpoint, "chat/completions"), {
                method: "POST",
                headers: {"content-type": "application/json", accept: "text/event-stream", ...(endpoint.apiKey ? {authorization: `Bearer ${endpoint.apiKey}`} : {})},
                body: JSON.stringify(requestBody(endpoint, params)),
                // The user confirmed this server, not wherever it might redirect the code to.
                redirect: "error",
                signal: request.signal
            });
        } catch (error) {
            if (options.signal.aborted && !timedOut) return result();
            throw timedOut ?? requestFailure(endpoint, error);
        }
        if (!response.ok || response.body === null) throw await httpFailure(endpoint, response);
        const parser = createParser({onEvent: onMessage});
        const decoder = new TextDecoder();
        const reader = response.body.getReader();
        try {
            for (;;) {
                const {value, done: ended} = await reader.read();
                if (ended) break;
                arm(idleTimeoutMs, () => new RemoteError("stalled", `The server at ${endpoint.origin} stopped sending the answer for ${seconds(idleTimeoutMs)}; what came is kept.`));
                parser.feed(decoder.decode(value, {stream: true}));
                if (done) break;
            }
        } catch (error) {
            if (error instanceof RemoteError) throw failWith(error);
            if (options.signal.aborted && !timedOut) return result();
            throw failWith(timedOut ?? new RemoteError("cutOff", `The connection to ${endpoint.origin} broke off in the middle of the answer; what came is kept.`));
        } finally {
            // Closing the body closes the connection, so the server stops generating.
            await reader.cancel().catch(() => undefined);
        }
        if (options.signal.aborted) return result();
        for (const piece of splitter.end()) emit(piece.kind, piece.text);
        if (!done && finishReason === undefined) throw failWith(new RemoteError("cutOff", `The answer from ${endpoint.origin} ended without its end mark; the server may have stopped. What came is kept.`));
        settle();
        if (malformed > 0 && thought === "" && answer === "") throw new RemoteError("malformed", `The server at ${endpoint.origin} sent ${malformed} line(s) Enclave could not read and no answer: is it an OpenAI-compatible server?`);
        return result();
    } finally {
        clearTimeout(timer);
        options.signal.removeEventListener("abort", cancel);
    }
}

/** "0.3 s", "120 s": a bound as the user reads it. */
const seconds = (ms: number): string => `${ms < 10_000 ? Math.round(ms / 100) / 10 : Math.round(ms / 1000)} s`;

function aborted(): RemoteError {
    return new RemoteError("aborted", "Stopped.");
}

/** The request servers of all three kinds accept; a thinking budget has no OpenAI field, so it only widens max_tokens. */
function requestBody(endpoint: RemoteEndpoint, params: ChatParams): Record<string, unknown> {
    const thoughtRoom = params.thoughtBudget !== undefined && params.thoughtBudget > 0 ? params.thoughtBudget : 0;
    return {
        model: endpoint.model,
        messages: params.messages,
        stream: true,
        ...(params.temperature !== undefined ? {temperature: params.temperature} : {}),
        ...(params.maxTokens !== undefined ? {max_tokens: params.maxTokens + thoughtRoom} : {}),
        ...(params.seed !== undefined ? {seed: params.seed} : {})
    };
}

/** The model names the server serves (`GET /v1/models`), for the picker. */
export async function remoteModels(endpoint: RemoteEndpoint, signal: AbortSignal, timeoutMs = 10_000): Promise<string[]> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
        response = await fetch(endpointUrl(endpoint, "models"), {headers: endpoint.apiKey ? {authorization: `Bearer ${endpoint.apiKey}`} : {}, signal: AbortSignal.any([signal, timeout])});
    } catch (error) {
        if (signal.aborted) throw aborted();
        if (timeout.aborted) throw new RemoteError("timeout", `The server at ${endpoint.origin} did not answer within ${seconds(timeoutMs)}.`);
        throw requestFailure(endpoint, error);
    }
    if (!response.ok) throw await httpFailure(endpoint, response);
    const body = (await response.json().catch(() => undefined)) as {data?: Array<{id?: unknown}>} | undefined;
    if (!Array.isArray(body?.data)) throw new RemoteError("malformed", `The server at ${endpoint.origin} answered /v1/models with something Enclave cannot read: is it an OpenAI-compatible server?`);
    return body.data.flatMap((model) => (typeof model.id === "string" ? [model.id] : []));
}
