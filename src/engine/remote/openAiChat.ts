/**
 * Chat through a server the user configured that speaks OpenAI's `/v1/chat/completions` with
 * streaming (llama-server, vLLM, Ollama, LM Studio, mlx_lm.server). The answer comes as server-sent
 * events (eventStream.ts).
 * The reasoning comes in one of the three shapes servers use: `delta.reasoning_content`
 * (DeepSeek, vLLM, llama-server), `delta.reasoning` (Ollama, OpenRouter), or `<think>` in the
 * content (servers that pass the model's text through), split by ThoughtSplitter.
 *
 * Every way it can fail ends within a bounded time with a RemoteError that names the server and
 * what to do. Cancel aborts the HTTP request, which closes the connection (servers stop generating
 * for a closed connection), and resolves with what came so far, stopReason "abort", as the local
 * engine does.
 */
import type {EventSourceMessage} from "eventsource-parser";
import type {ChatEvent, ChatParams, ChatResult} from "../protocol";
import {type RemoteEndpoint, endpointUrl} from "./endpoint";
import {type EventStreamOptions, authorization, postEventStream, seconds} from "./eventStream";
import {RemoteError, httpFailure, requestFailure} from "./remoteErrors";
import {ThoughtSplitter} from "./thoughtSplitter";

export interface RemoteChatOptions extends EventStreamOptions {
    onEvent?: (event: ChatEvent) => void;
}

interface Delta {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
}

export async function remoteChat(endpoint: RemoteEndpoint, params: ChatParams, options: RemoteChatOptions): Promise<ChatResult> {
    const started = Date.now();
    let thought = "";
    let answer = "";
    let thoughtTokens = 0;
    let answerTokens = 0;
    let firstTokenMs: number | null = null;
    let finishReason: string | undefined;
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
    const onMessage = (message: EventSourceMessage): "done" | undefined => {
        if (message.data === "[DONE]") return "done";
        let chunk: {choices?: Array<{delta?: Delta; finish_reason?: unknown}>; usage?: {completion_tokens?: unknown}; error?: {message?: unknown}};
        try {
            chunk = JSON.parse(message.data) as typeof chunk;
        } catch {
            malformed++;
            return undefined;
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
        return undefined;
    };

    let settled = false;
    /** Text streamed as thought while it might have been one, from a model that never closed a thought, is its answer: the chat gets it as that. */
    const settle = () => {
        if (settled) return;
        settled = true;
        if (!reasoningField && answer === "" && !splitter.closed && thought !== "") options.onEvent?.({kind: "answer", text: thought, tokens: thoughtTokens});
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

    let outcome: Awaited<ReturnType<typeof postEventStream>>;
    try {
        outcome = await postEventStream(endpoint, endpointUrl(endpoint, "chat/completions"), requestBody(endpoint, params), options, onMessage);
    } catch (error) {
        // What came is kept: said before the failure that ends the stream.
        settle();
        throw error;
    }
    if (outcome === "aborted" || options.signal.aborted) return result();
    for (const piece of splitter.end()) emit(piece.kind, piece.text);
    settle();
    if (outcome !== "done" && finishReason === undefined) throw new RemoteError("cutOff", `The answer from ${endpoint.origin} ended without its end mark; the server may have stopped. What came is kept.`);
    if (malformed > 0 && thought === "" && answer === "") throw new RemoteError("malformed", `The server at ${endpoint.origin} sent ${malformed} line(s) Enclave could not read and no answer: is it an OpenAI-compatible server?`);
    return result();
}

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
        response = await fetch(endpointUrl(endpoint, "models"), {headers: authorization(endpoint), redirect: "error", signal: AbortSignal.any([signal, timeout])});
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
