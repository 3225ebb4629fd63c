import assert from "node:assert/strict";
import {chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {EngineError} from "../../../src/engine/errors";
import {preparePrivateDir, readOrCreateSecret, runtimePaths} from "../../../src/engine/server/runtimeDir";

async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
    await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
        assert.equal(error.code, "InsecureRuntime");
        assert.match(error.message, pattern);
        assert.match(error.message, /Remove it and Enclave creates a private one/, "the sentence says what to do");
        return true;
    });
}

const modeOf = async (file: string) => (await lstat(file)).mode & 0o777;
const isRoot = process.getuid?.() === 0;

describe("runtime folder", function () {
    if (process.platform === "win32") return;
    let base: string;

    beforeEach(async () => {
        base = await mkdtemp(path.join(os.tmpdir(), "enclave-runtime-test-"));
    });
    afterEach(async () => {
        await rm(base, {recursive: true, force: true});
    });

    it("names the socket, lock and log after the protocol version, beside one secret", () => {
        const v15 = runtimePaths(base, "15");
        const v16 = runtimePaths(base, "16");
        assert.equal(v15.socketPath, path.join(base, "engine-v15.sock"));
        assert.notEqual(v15.socketPath, v16.socketPath);
        assert.notEqual(v15.lockPath, v16.lockPath);
        assert.notEqual(v15.logPath, v16.logPath);
        assert.equal(v15.secretPath, v16.secretPath);
    });

    describe("preparePrivateDir", () => {
        it("creates the folder, and its missing parents, with mode 0700", async () => {
            const dir = path.join(base, "a", "enclave");
            await preparePrivateDir(dir);
            assert.equal(await modeOf(dir), 0o700);
            await preparePrivateDir(dir);
            assert.equal(await modeOf(dir), 0o700, "an existing private folder is used as it is");
        });

        it("refuses an existing folder that other users can open", async () => {
            const dir = path.join(base, "open");
            await mkdir(dir);
            await chmod(dir, 0o755);
            await refused(preparePrivateDir(dir), /can be opened by other users \(mode 755\); it must be 700/);
            assert.equal(await modeOf(dir), 0o755, "it is not quietly changed");
        });

        it("refuses a symbolic link, even to a private folder", async () => {
            const target = path.join(base, "target");
            await mkdir(target, {mode: 0o700});
            const link = path.join(base, "link");
            await symlink(target, link);
            await refused(preparePrivateDir(link), /is not a folder \(it is a symbolic link\)/);
        });

        it("refuses a file where the folder should be", async () => {
            const file = path.join(base, "file");
            await writeFile(file, "");
            await refused(preparePrivateDir(file), /file is not a folder\./);
        });

        it("refuses a folder of another user", async function () {
            if (!isRoot) this.skip(); // needs root to give a folder to another user (chown)
            const dir = path.join(base, "theirs");
            await mkdir(dir, {mode: 0o700});
            await chown(dir, 65534, 65534);
            await refused(preparePrivateDir(dir), /belongs to another user \(uid 65534\)/);
        });
    });

    describe("readOrCreateSecret", () => {
        it("creates a 0600 file of 32 random bytes in hex, and reads the same secret back", async () => {
            const file = path.join(base, "secret");
            const secret = await readOrCreateSecret(file);
            assert.match(secret, /^[0-9a-f]{64}$/);
            assert.equal(await modeOf(file), 0o600);
            assert.equal(await readOrCreateSecret(file), secret);
            assert.notEqual(await readOrCreateSecret(path.join(base, "other")), secret, "each folder its own secret");
        });

        it("concurrent callers agree on the one secret in the file and leave no temporary files", async () => {
            // Several rounds: a create that is not atomic and exclusive loses this race only some of the time.
            for (let round = 0; round < 8; round++) {
                const file = path.join(base, `secret-${round}`);
                const secrets = await Promise.all(Array.from({length: 40}, () => readOrCreateSecret(file)));
                assert.equal(new Set(secrets).size, 1, `round ${round}: ${new Set(secrets).size} different secrets`);
                assert.equal(secrets[0], await readFile(file, "utf8"), "the one in the file");
            }
            assert.equal((await readdir(base)).length, 8, `left behind: ${(await readdir(base)).join(", ")}`);
        });

        it("refuses a secret other users can read", async () => {
            const file = path.join(base, "secret");
            await readOrCreateSecret(file);
            await chmod(file, 0o644);
            await refused(readOrCreateSecret(file), /can be read by other users \(mode 644\); it must be 600/);
        });

        it("refuses a file that does not hold an Enclave secret", async () => {
            const file = path.join(base, "secret");
            await writeFile(file, "password123\n", {mode: 0o600});
            await refused(readOrCreateSecret(file), /does not hold an Enclave secret/);
        });

        it("refuses a symbolic link in the secret's place", async () => {
            const real = path.join(base, "real");
            await readOrCreateSecret(real);
            const file = path.join(base, "secret");
            await symlink(real, file);
            await refused(readOrCreateSecret(file), /is not a regular file/);
        });

        it("refuses a secret of another user", async function () {
            if (!isRoot) this.skip(); // needs root to give a file to another user (chown)
            const file = path.join(base, "secret");
            await readOrCreateSecret(file);
            await chown(file, 65534, 65534);
            await refused(readOrCreateSecret(file), /belongs to another user \(uid 65534\)/);
        });
    });
});
