/**
 * Entry point of the shared model process (dist/worker.mjs), the only place node-llama-cpp runs
 * besides the download process. Started detached by the first window (or CLI run) that needs a
 * model: `worker.mjs --runtime-dir <dir> --idle-exit-ms <ms>`. It serves every window of this user
 * over the private socket (engineServer.ts) until nobody has used it for the idle time, and never
 * lets one bad request or model take the process down.
 */
import {parseArgs} from "node:util";
import {describeError} from "../errors";
import {protocolVersion, type LogLevel} from "../protocol";
import {runtimePaths} from "../server/runtimeDir";
import {EngineServer} from "./engineServer";
import {runtimeBackend} from "./handlers";
import {ModelRuntime} from "./runtime";

const {values} = parseArgs({options: {"runtime-dir": {type: "string"}, "idle-exit-ms": {type: "string"}}});
const dir = values["runtime-dir"];
if (dir == null || dir === "") {
    process.stderr.write("worker.mjs: --runtime-dir is required\n");
    process.exit(2);
}
const idleExitMs = Number(values["idle-exit-ms"] ?? 300_000);

/** This process's own log: stderr, which the starter points at the runtime folder's log file. */
const ownLog = (level: LogLevel, message: string) => process.stderr.write(`${new Date().toISOString()} ${level}: ${message}\n`);
// The runtime logs only once requests run, by then through the server to every client.
const log = (level: LogLevel, message: string) => server.broadcastLog(level, message);
// Tests shorten how long an unused embedding model stays loaded (default: two minutes).
const embeddingIdleMs = Number(process.env.ENCLAVE_EMBEDDING_IDLE_MS);
const runtime = new ModelRuntime(log, Number.isFinite(embeddingIdleMs) && embeddingIdleMs > 0 ? {embeddingIdleMs} : {});
const server = new EngineServer({paths: runtimePaths(dir, protocolVersion), backend: runtimeBackend(runtime), idleExitMs: Number.isFinite(idleExitMs) && idleExitMs > 0 ? idleExitMs : 300_000, log: ownLog});

// A bug in one request must not end the process (and every other window's requests with it).
process.on("uncaughtException", (error) => log("error", `Uncaught error in the model process: ${describeError(error)}`));
process.on("unhandledRejection", (reason) => log("error", `Unhandled rejection in the model process: ${describeError(reason)}`));
process.on("SIGTERM", () => void server.exit("shutdown"));
process.on("SIGINT", () => void server.exit("shutdown"));

try {
    if (!(await server.start())) {
        ownLog("info", "Another model process already serves this user; exiting.");
        process.exit(0);
    }
} catch (error) {
    ownLog("error", `The model process could not start: ${describeError(error)}`);
    process.exit(1);
}
