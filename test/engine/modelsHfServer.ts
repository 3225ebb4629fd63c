// A loopback HTTP server that speaks the Hugging Face paths node-llama-cpp's downloader uses:
//   GET  /v2/<user>/<repo>/manifests/<tag>          → {"ggufFile": {"rfilename": …}}
//   GET/HEAD /<user>/<repo>/resolve/<branch>/<path>  → the file, with Range requests (206), and
//            X-Linked-Size / X-Linked-ETag (size and SHA-256, as Hugging Face publishes them for LFS files)
// It records every request (method, path, range, bytes served, whether it is still open) so tests
// can check from the server's side what the client did: that a cancel left nothing open, that a
// resume asked for ranges. Responses can be throttled so a download is still running when a test
// cancels it. 127.0.0.1 only; it closes itself after `lifetimeMs` if a test forgets to.
import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";

export interface ServedRequest {
    readonly method: string;
    readonly path: string;
    readonly range?: string;
    readonly startedAt: number;
    status: number;
    bytesServed: number;
    open: boolean;
}

export interface HfServerOptions {
    /** `<user>/<repo>/<path>` → content. */
    readonly files: ReadonlyMap<string, Buffer>;
    /** `<user>/<repo>:<tag>` → rfilename. */
    readonly manifests?: ReadonlyMap<string, string>;
    /** Per response; unthrottled when absent. */
    readonly bytesPerSecond?: number;
    /** Throttled responses stop sending (and keep the connection open) after this many bytes: a stalled network. */
    readonly stallAfterBytes?: number;
    readonly lifetimeMs?: number;
    /**
     * What X-Linked-Size / X-Linked-ETag publish per `<user>/<repo>/<path>`, instead of the served
     * content's own size and SHA-256 (a server whose file is not the one it describes); null: neither header.
     */
    readonly linked?: ReadonlyMap<string, { readonly size?: number; readonly sha256?: string } | null>;
}

export interface HfServer {
    readonly url: string;
    readonly requests: readonly ServedRequest[];
    openRequests(): number;
    /** Changes the throttle for responses started from now on (undefined: unthrottled). */
    setBytesPerSecond(bytesPerSecond: number | undefined): void;
    bytesServed(): number;
    /** Waits (bounded) until no request is open; returns how many still are. */
    settle(timeoutMs: number): Promise<number>;
    close(): Promise<void>;
}

const tick = 10; // ms between throttled writes

export async function startHfServer(options: HfServerOptions): Promise<HfServer> {
    const requests: ServedRequest[] = [];
    let bytesPerSecond = options.bytesPerSecond;
    const sockets = new Set<net.Socket>();
    const timers = new Set<NodeJS.Timeout>();

    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const entry: ServedRequest = {
            method: req.method ?? "GET",
            path: decodeURIComponent(url.pathname),
            range: req.headers.range,
            startedAt: performance.now(),
            status: 200,
            bytesServed: 0,
            open: true
        };
        requests.push(entry);
        res.on("close", () => {
            entry.open = false;
        });

        const manifest = /^\/v2\/([^/]+)\/([^/]+)\/manifests\/([^/]+)$/.exec(entry.path);
        if (manifest != null) {
            const fileName = options.manifests?.get(`${manifest[1]}/${manifest[2]}:${manifest[3]}`);
            entry.status = fileName == null ? 404 : 200;
            res.writeHead(entry.status, { "content-type": "application/json" });
            res.end(fileName == null ? "{}" : JSON.stringify({ ggufFile: { rfilename: fileName } }));
            return;
        }
        const resolve = /^\/([^/]+)\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(entry.path);
        const file = resolve == null ? undefined : options.files.get(`${resolve[1]}/${resolve[2]}/${resolve[3]}`);
        if (file == null) {
            entry.status = 404;
            res.writeHead(404).end();
            return;
        }

        let start = 0;
        let end = file.length - 1;
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
        const headers: http.OutgoingHttpHeaders = { "accept-ranges": "bytes", "content-type": "application/octet-stream", ...linkedHeaders(`${resolve![1]}/${resolve![2]}/${resolve![3]}`, file) };
        if (range != null) {
            start = Number(range[1]);
            end = range[2] === "" ? end : Math.min(Number(range[2]), end);
            if (start > end) {
                entry.status = 416;
                res.writeHead(416, { "content-range": `bytes */${file.length}` }).end();
                return;
            }
            entry.status = 206;
            headers["content-range"] = `bytes ${start}-${end}/${file.length}`;
        }
        headers["content-length"] = String(end - start + 1);
        res.writeHead(entry.status, headers);
        if (req.method === "HEAD") {
            res.end();
            return;
        }
        const body = file.subarray(start, end + 1);
        if (bytesPerSecond == null) {
            entry.bytesServed = body.length;
            res.end(body);
            return;
        }
        sendThrottled(res, body, bytesPerSecond, entry);
    });

    const digests = new WeakMap<Buffer, string>();
    function linkedHeaders(key: string, file: Buffer): http.OutgoingHttpHeaders {
        const stated = options.linked?.get(key);
        if (stated === null) return {};
        const size = stated?.size ?? file.length;
        let sha256 = stated?.sha256 ?? digests.get(file);
        if (sha256 == null) {
            sha256 = createHash("sha256").update(file).digest("hex");
            digests.set(file, sha256);
        }
        return { "x-linked-size": String(size), "x-linked-etag": `"${sha256}"` };
    }

    // Writes one slice per tick, and waits for 'drain' when the client reads slower: a client that
    // stops reading stops the transfer, as a real server's would.
    function sendThrottled(res: http.ServerResponse, body: Buffer, bytesPerSecond: number, entry: ServedRequest): void {
        const slice = Math.max(1024, Math.round((bytesPerSecond * tick) / 1000));
        let position = 0;
        let waiting = false;
        const timer = setInterval(() => {
            if (res.destroyed || position >= body.length) {
                clearInterval(timer);
                timers.delete(timer);
                return;
            }
            if (waiting || (options.stallAfterBytes != null && position >= options.stallAfterBytes)) return;
            const next = Math.min(position + slice, body.length);
            const flushed = res.write(body.subarray(position, next));
            entry.bytesServed += next - position;
            position = next;
            if (position >= body.length) res.end();
            else if (!flushed) {
                waiting = true;
                res.once("drain", () => {
                    waiting = false;
                });
            }
        }, tick);
        timers.add(timer);
        res.on("close", () => {
            clearInterval(timer);
            timers.delete(timer);
        });
    }

    server.on("connection", (socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;

    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
        closed ??= new Promise<void>((resolve) => {
            for (const timer of timers) clearInterval(timer);
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
        });
        return closed;
    };
    setTimeout(() => void close(), options.lifetimeMs ?? 120_000).unref();

    return {
        url: `http://127.0.0.1:${port}/`,
        requests,
        openRequests: () => requests.filter((request) => request.open).length,
        setBytesPerSecond: (rate) => {
            bytesPerSecond = rate;
        },
        bytesServed: () => requests.reduce((sum, request) => sum + request.bytesServed, 0),
        async settle(timeoutMs) {
            const deadline = performance.now() + timeoutMs;
            while (requests.some((request) => request.open) && performance.now() < deadline)
                await new Promise((resolve) => setTimeout(resolve, 20));
            return requests.filter((request) => request.open).length;
        },
        close
    };
}

/** Accepts connections and never answers: a host that is there but silent (a captive portal, a dead proxy). */
export async function startSilentServer(lifetimeMs = 60_000): Promise<{ url: string, connections(): number, close(): Promise<void> }> {
    const sockets = new Set<net.Socket>();
    let connections = 0;
    const server = net.createServer((socket) => {
        connections++;
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => {
        closed ??= new Promise<void>((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
        });
        return closed;
    };
    setTimeout(() => void close(), lifetimeMs).unref();
    return { url: `http://127.0.0.1:${port}/`, connections: () => connections, close };
}

/** A loopback port nothing listens on: connections are refused at once. */
export async function closedPortUrl(): Promise<string> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}/`;
}
