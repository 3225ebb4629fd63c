// `npm run dev` stops everything it started when it is stopped the way a process manager or an IDE
// task stops it — SIGTERM to npm, or a signal to the script itself — so the next `npm run dev` finds
// its port free. Runs the real script (build, esbuild --watch, code-server) on a free port with a
// temporary profile; the descendants are read from the process table while it runs.
import assert from "node:assert/strict";
import {spawn, spawnSync, type ChildProcess} from "node:child_process";
import {accessSync, constants} from "node:fs";
import {mkdtemp, rm} from "node:fs/promises";
import {createServer} from "node:net";
import {tmpdir} from "node:os";
import {delimiter, join} from "node:path";
import {fileURLToPath} from "node:url";
import {isAlive} from "../support/modelProcesses";

const root = fileURLToPath(new URL("../../", import.meta.url));

async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    assert.ok(address !== null && typeof address === "object");
    return address.port;
}

async function portIsFree(port: number): Promise<boolean> {
    const server = createServer();
    return new Promise((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
}

/** Every process below `pid`, from the process table. */
function descendantsOf(pid: number): number[] {
    const table = spawnSync("ps", ["-eo", "pid=,ppid="], {encoding: "utf8"})
        .stdout.split("\n")
        .map((line) => line.trim().split(/\s+/).map(Number))
        .filter((pair): pair is [number, number] => pair.length === 2 && pair.every(Number.isFinite));
    const found: number[] = [];
    const queue = [pid];
    while (queue.length > 0) {
        const parent = queue.shift();
        for (const [child, ppid] of table) {
            if (ppid === parent && !found.includes(child)) {
                found.push(child);
                queue.push(child);
            }
        }
    }
    return found;
}

async function waitFor(what: () => string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) assert.fail(`timed out waiting: ${what()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/** PATH without a desktop `code`, so that the script takes the code-server route here too. */
function pathWithoutCode(): string {
    return (process.env.PATH ?? "")
        .split(delimiter)
        .filter((dir) => {
            try {
                accessSync(join(dir, "code"), constants.X_OK);
                return false;
            } catch {
                return true;
            }
        })
        .join(delimiter);
}

describe("npm run dev stops every child", function () {
    this.timeout(180_000);
    let state: string;
    let started: ChildProcess | undefined;
    let tree: number[] = [];

    beforeEach(async () => {
        state = await mkdtemp(join(tmpdir(), "enclave-dev-"));
        tree = [];
    });
    afterEach(async () => {
        // Whatever a failed test left: end it, so that no code-server outlives the run.
        for (const pid of [...tree, started?.pid ?? 0]) if (pid > 0 && isAlive(pid)) process.kill(pid, "SIGKILL");
        await rm(state, {recursive: true, force: true});
    });

    /** Starts `command` (npm run dev, or the script itself) and waits until code-server listens and the watcher runs. */
    async function startDev(command: string, args: string[]): Promise<{port: number; child: ChildProcess; output: () => string}> {
        const port = await freePort();
        // Without the network guard: the development host is the harness's, not the extension's.
        const env = {...process.env, PORT: String(port), ENCLAVE_DEV_STATE: state, PATH: pathWithoutCode(), NODE_OPTIONS: ""};
        const child = spawn(command, args, {cwd: root, env, stdio: ["ignore", "pipe", "pipe"]});
        started = child;
        let output = "";
        child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        await waitFor(() => `the development host to start on port ${port}:\n${output}`, async () => output.includes("Open:") && !(await portIsFree(port)), 150_000);
        return {port, child, output: () => output};
    }

    async function assertAllStopped(port: number, output: () => string): Promise<void> {
        assert.ok(tree.length >= 3, `the script, its watcher and code-server were running (${tree.join(", ")})`);
        await waitFor(() => `port ${port} to be free:\n${output()}`, () => portIsFree(port));
        await waitFor(() => `every child to end (still running: ${tree.filter(isAlive).join(", ")})`, () => tree.every((pid) => !isAlive(pid)));
    }

    it("SIGTERM to npm (as a process manager sends it) ends the script, its watcher and code-server, and frees the port", async () => {
        const {port, child, output} = await startDev("npm", ["run", "dev"]);
        tree = descendantsOf(child.pid ?? 0);
        child.kill("SIGTERM");
        await assertAllStopped(port, output);
    });

    it("SIGHUP to the script (its terminal closed) ends its watcher and code-server", async () => {
        const {port, child, output} = await startDev(process.execPath, ["scripts/dev.mjs"]);
        tree = [child.pid ?? 0, ...descendantsOf(child.pid ?? 0)];
        child.kill("SIGHUP");
        await assertAllStopped(port, output);
    });
});
