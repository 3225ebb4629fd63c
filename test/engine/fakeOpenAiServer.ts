/**
 * A loopback stand-in for an OpenAI-compatible server (llama-server, vLLM, Ollama, mlx_lm.server):
 * each request gets the next scripted reply — streamed SSE chunks with delays, an error status, a
 * stall, a reset mid-stream, or no answer at all — and every request is recorded, with whether the
 * client closed the connection before the reply ended (what cancel must do).
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";

export type Reply =
    /** `events`: the data of each SSE event (a string is sent as is, an object as JSON); then `[DONE]` unless `noDone`. */
    | {kind: "stream"; events: Array<string | object>; delayMs?: number; noDone?: boolean; rawLines?: string[]}
    | {kind: "status"; status: number; body?: string; headers?: Record<string, string>}
    | {kind: "json"; body: unknown}
    /** Sends the first `after` events, then nothing more (the connection stays open). */
    | {kind: "stall"; events: object[]; after: number}
    /** Sends the first `after` events, then destroys the connection. */
    | {kind: "reset"; events: object[]; after: number}
    /** Reads the request and never answers. */
    | {kind: "never"};

export interface RecordedRequest {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: unknown;
    /** The client closed the connection before the reply was complete. */
    clientClosed: boolean;
}

/** A streamed chunk as OpenAI-compatible servers send it. */
export const delta = (fields: {content?: string; reasoning_content?: string; reasoning?: string}, finish: string | null = null): object => ({
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    choices: [{index: 0, delta: fields, finish_reason: finish}]
});

export class FakeOpenAiServer {
    readonly requests: RecordedRequest[] = [];
    private readonly replies: Reply[] = [];
    private readonly open = new Set<ServerResponse>();

    private constructor(
        private readonly server: Server,
        readonly url: string
    ) {}

    static async start(): Promise<FakeOpenAiServer> {
        const handlers: Array<(request: IncomingMessage, response: ServerResponse) => void> = [];
        const server = createServer((request, response) => handlers[0]?.(request, response));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const fake = new FakeOpenAiServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
        handlers.push((request, response) => void fake.handle(request, response));
        return fake;
    }

    /** The replies for the next requests, in order. */
    script(...replies: Reply[]): void {
        this.replies.push(...replies);
    }

    async stop(): Promise<void> {
        for (const response of this.open) response.destroy();
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const text = Buffer.concat(chunks).toString("utf8");
        const record: RecordedRequest = {method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: text ? (JSON.parse(text) as unknown) : undefined, clientClosed: false};
        this.requests.push(record);
        this.open.add(response);
        response.on("close", () => {
            if (!response.writableEnded) record.clientClosed = true;
            this.open.delete(response);
        });
        const reply = this.replies.shift() ?? {kind: "status", status: 500, body: "no scripted reply"};
        const sse = () => response.writeHead(200, {"content-type": "text/event-stream", "cache-control": "no-cache"});
        const send = (data: string | object) => response.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
        switch (reply.kind) {
            case "status":
                response.writeHead(reply.status, {"content-type": "application/json", ...reply.headers}).end(reply.body ?? "");
                return;
            case "json":
                response.writeHead(200, {"content-type": "application/json"}).end(JSON.stringify(reply.body));
                return;
            case "never":
                return;
            case "stall":
            case "reset":
                sse();
                for (const event of reply.events.slice(0, reply.after)) send(event);
                if (reply.kind === "reset") setTimeout(() => response.destroy(), 20);
                return;
            case "stream":
                sse();
                for (const line of reply.rawLines ?? []) response.write(`${line}\n\n`);
                for (const event of reply.events) {
                    if (record.clientClosed) return;
                    send(event);
                    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
                }
                if (!reply.noDone) send("[DONE]");
                response.end();
        }
    }
}
