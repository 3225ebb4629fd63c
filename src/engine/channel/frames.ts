/**
 * Length-prefixed JSON frames for a byte stream (the model process's Unix socket or named pipe):
 * four bytes of big-endian length, then that many bytes of UTF-8 JSON. A frame longer than the
 * limit is refused before any of it is buffered, so a client cannot make the process hold an
 * unbounded message in memory.
 */
export const defaultMaxFrameBytes = 64 * 1024 * 1024;

export class FrameTooLarge extends Error {
    override readonly name = "FrameTooLarge";
    constructor(readonly bytes: number, readonly limit: number) {
        super(`A message of ${bytes} bytes is over the limit of ${limit} bytes.`);
    }
}

export function encodeFrame(message: unknown, maxBytes = defaultMaxFrameBytes): Buffer {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    if (body.length > maxBytes) throw new FrameTooLarge(body.length, maxBytes);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length, 0);
    return Buffer.concat([header, body]);
}

/** The frames a chunk completed, and the error that makes the rest of the stream unreadable. */
export interface Decoded {
    readonly messages: unknown[];
    /** FrameTooLarge or a JSON SyntaxError: the stream is then unusable and must be closed. */
    readonly error?: Error;
}

/** Collects chunks and hands out whole frames' parsed JSON, in order. */
export class FrameDecoder {
    private chunks: Buffer[] = [];
    private buffered = 0;
    private failure: Error | undefined;

    constructor(private readonly maxBytes = defaultMaxFrameBytes) {}

    /**
     * The frames before a bad one are returned with its error, so what arrived intact is handled
     * the same however the bytes were chunked. After an error every push returns it again.
     */
    push(chunk: Buffer): Decoded {
        if (this.failure) return {messages: [], error: this.failure};
        this.chunks.push(chunk);
        this.buffered += chunk.length;
        const messages: unknown[] = [];
        try {
            for (;;) {
                if (this.buffered < 4) break;
                const head = this.peek(4);
                const length = head.readUInt32BE(0);
                if (length > this.maxBytes) throw new FrameTooLarge(length, this.maxBytes);
                if (this.buffered < 4 + length) break;
                const frame = this.take(4 + length);
                messages.push(JSON.parse(frame.subarray(4).toString("utf8")));
            }
        } catch (error) {
            this.failure = error instanceof Error ? error : new Error(String(error));
            this.chunks = [];
            this.buffered = 0;
            return {messages, error: this.failure};
        }
        return {messages};
    }

    private peek(bytes: number): Buffer {
        if ((this.chunks[0]?.length ?? 0) < bytes) this.chunks = [Buffer.concat(this.chunks)];
        return (this.chunks[0] as Buffer).subarray(0, bytes);
    }

    private take(bytes: number): Buffer {
        const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
        const frame = all.subarray(0, bytes);
        const rest = all.subarray(bytes);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        return frame;
    }
}
