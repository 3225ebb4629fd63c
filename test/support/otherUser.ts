// A second, unprivileged OS user for tests of file permissions: root reads every file and directory
// whatever its mode, so the "other user" side of such a test runs as this user in a child process.
import {execFileSync, spawn} from "node:child_process";

export const otherUserName = "enclave-other";

export interface OsUser {
    uid: number;
    gid: number;
}

/** The other user, created when missing (no home, no login shell): CI starts on a fresh machine. */
export function ensureOtherUser(): OsUser {
    try {
        execFileSync("id", ["-u", otherUserName], {stdio: "ignore"});
    } catch {
        execFileSync("useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", otherUserName], {stdio: "ignore"});
    }
    const id = (flag: string) => Number(execFileSync("id", [flag, otherUserName], {encoding: "utf8"}).trim());
    return {uid: id("-u"), gid: id("-g")};
}

/** Runs node with `args` as `user` and parses what it prints as JSON; a run that prints none rejects with its output. */
export function runJsonAs<T>(user: OsUser, args: readonly string[], options: {cwd: string; env: Record<string, string>}): Promise<T> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, args, {uid: user.uid, gid: user.gid, cwd: options.cwd, env: {PATH: process.env.PATH ?? "", ...options.env}, stdio: ["ignore", "pipe", "pipe"]});
        let out = "";
        let err = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
        child.once("error", reject);
        child.once("exit", (code) => {
            try {
                resolve(JSON.parse(out) as T);
            } catch {
                reject(new Error(`node ${args.join(" ")} as ${otherUserName} exited ${code}: ${out} ${err}`));
            }
        });
    });
}
