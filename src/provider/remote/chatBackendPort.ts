import type {ChatEnginePort} from "../../chat/chatController";
import {endpointLabel, type RemoteEndpoint} from "../../engine/remote/endpoint";
import {remoteChat} from "../../engine/remote/openAiChat";
import {RemoteError} from "../../engine/remote/remoteErrors";
import {readRequestTimeoutMs, readSetting} from "../settings";
import type {RemoteBackend} from "./remoteBackend";

/**
 * The chat's model, wherever the settings put it: Enclave's engine, or the configured server. The
 * choice is made when a turn asks for the model (`model()`, which is also when the user confirms
 * a new server), and that turn's answer comes from there.
 */
export class ChatBackendPort implements ChatEnginePort {
    private endpoint: RemoteEndpoint | undefined;

    constructor(
        private readonly local: ChatEnginePort,
        private readonly remote: RemoteBackend
    ) {}

    async model(signal: AbortSignal): Promise<{name: string; contextSize: number}> {
        this.endpoint = await this.remote.endpointFor("chat");
        if (!this.endpoint) return this.local.model(signal);
        return {name: endpointLabel(this.endpoint), contextSize: readSetting("remote.contextSize")};
    }

    async chat(...[params, options]: Parameters<ChatEnginePort["chat"]>): ReturnType<ChatEnginePort["chat"]> {
        const endpoint = this.endpoint;
        if (!endpoint) return this.local.chat(params, options);
        try {
            return await remoteChat(endpoint, params, {...options, firstByteTimeoutMs: readRequestTimeoutMs()});
        } catch (error) {
            if (error instanceof RemoteError) this.remote.failed(error);
            throw error;
        }
    }

    /**
     * The server's tokenizer is not here, and loading the local model only to count would defeat
     * the point on a small laptop: ASCII at 3 characters per token, a little more than code takes
     * with Qwen's vocabulary (3–4), and every other character (CJK, emoji) a token of its own, so
     * the prompt still fits.
     */
    countTokens(text: string): Promise<number> {
        if (!this.endpoint) return this.local.countTokens(text);
        const ascii = text.replace(/[^\x00-\x7f]/g, "").length;
        return Promise.resolve(Math.ceil(ascii / 3) + (text.length - ascii));
    }
}
