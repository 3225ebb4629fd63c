/**
 * Where the shared model process is found: a per-user folder that only its owner can open (mode
 * 0700), holding the socket (0600), the secret every connection must present (0600), the start
 * lock and the process's log. A folder or file that another user could read or replace is refused
 * rather than used: whoever can open the socket or read the secret can use the models and read
 * the prompts.
 */
import {randomBytes} from "node:crypto";
import {constants} from "node:fs";
import {link, lstat, mkdir, open, readFile, unlink} from "node:fs/promises";
import {createHash} from "node:crypto";
import {tmpdir, userInfo} from "node:os";
import {join} from "node:path";
import {EngineError} from "../errors";

export interface RuntimePaths {
    readonly dir: string;
    /** A Unix socket in `dir`; on Windows a named pipe (pipes live in their own namespace). */
    readonly socketPath: string;
    readonly secretPath: string;
    readonly lockPath: string;
    readonly logPath: string;
}

const isWindows = process.platform === "win32";

/**
 * `$ENCLAVE_RUNTIME_DIR` when set (tests, or a user who wants it elsewhere), else
 * `$XDG_RUNTIME_DIR/enclave` (already private and per user), else a per-user folder in the temp folder.
 */
export function defaultRuntimeDir(): string {
    const chosen = process.env.ENCLAVE_RUNTIME_DIR;
    if (chosen != null && chosen !== "") return chosen;
    if (isWindows) return join(process.env.LOCALAPPDATA ?? tmpdir(), "Enclave", "run");
    const xdg = process.env.XDG_RUNTIME_DIR;
    if (xdg != null && xdg !== "") return join(xdg, "enclave");
    return join(tmpdir(), `enclave-${userInfo().uid}`);
}

/**
 * The paths for one protocol version: a process speaking another version has another socket, so a
 * window never reaches a model process of another version (the old one finishes and exits idle).
 */
export function runtimePaths(dir: string, protocolVersion: string): RuntimePaths {
    const socketPath = isWindows
        ? `\\\\.\\pipe\\enclave-${createHash("sha256").update(`${userInfo().username}\0${dir}`).digest("hex").slice(0, 16)}-v${protocolVersion}`
        : join(dir, `engine-v${protocolVersion}.sock`);
    return {
        dir,
        socketPath,
        secretPath: join(dir, "secret"),
        lockPath: join(dir, `engine-v${protocolVersion}.lock`),
        logPath: join(dir, `engine-v${protocolVersion}.log`)
    };
}

/** Creates `dir` (mode 0700) or checks that the existing one is a real folder of ours that nobody else can open. */
export async function preparePrivateDir(dir: string): Promise<void> {
    await mkdir(dir, {recursive: true, mode: 0o700}).catch((error: NodeJS.ErrnoException) => {
        // A file is in the folder's place: the check below says so in words.
        if (error.code !== "EEXIST") throw error;
    });
    const stats = await lstat(dir);
    if (!stats.isDirectory()) throw insecure(`${dir} is not a folder${stats.isSymbolicLink() ? " (it is a symbolic link)" : ""}`);
    if (isWindows) return;
    if (stats.uid !== userInfo().uid) throw insecure(`${dir} belongs to another user (uid ${stats.uid})`);
    if ((stats.mode & 0o077) !== 0) throw insecure(`${dir} can be opened by other users (mode ${(stats.mode & 0o777).toString(8)}); it must be 700`);
}

/**
 * The secret of `path`, created (32 random bytes, hex, mode 0600) if there is none yet. Made under
 * a temporary name and linked into place, so that two processes creating it at once agree on one
 * secret and nobody ever reads a half-written file.
 */
export async function readOrCreateSecret(path: string): Promise<string> {
    try {
        return await readSecret(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
    const file = await open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
        await file.writeFile(randomBytes(32).toString("hex"));
    } finally {
        await file.close();
    }
    try {
        await link(temporary, path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
        await unlink(temporary).catch(() => undefined);
    }
    return readSecret(path);
}

async function readSecret(path: string): Promise<string> {
    const stats = await lstat(path);
    if (!stats.isFile()) throw insecure(`${path} is not a regular file`);
    if (!isWindows) {
        if (stats.uid !== userInfo().uid) throw insecure(`${path} belongs to another user (uid ${stats.uid})`);
        if ((stats.mode & 0o077) !== 0) throw insecure(`${path} can be read by other users (mode ${(stats.mode & 0o777).toString(8)}); it must be 600`);
    }
    const secret = (await readFile(path, "utf8")).trim();
    if (!/^[0-9a-f]{64}$/.test(secret)) throw insecure(`${path} does not hold an Enclave secret`);
    return secret;
}

function insecure(what: string): EngineError {
    return new EngineError("InsecureRuntime", `Enclave will not use its model process folder: ${what}. Remove it and Enclave creates a private one.`);
}
