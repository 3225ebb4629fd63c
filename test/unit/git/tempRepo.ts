// Temporary git repositories for the git module's tests, in a folder whose name has a space and
// non-ASCII letters (a path that a shell or quotePath would mangle).
import {execFileSync} from "node:child_process";
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";

export interface TempRepo {
    root: string;
    git(...args: string[]): string;
    write(file: string, content: string | Uint8Array): void;
    remove(): void;
}

export function tempRepo(): TempRepo {
    const parent = mkdtempSync(join(tmpdir(), "enclave-git-"));
    const root = join(parent, "my répo ü");
    mkdirSync(root);
    const git = (...args: string[]) =>
        execFileSync("git", ["-c", "user.email=test@example.invalid", "-c", "user.name=Test", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], {cwd: root, encoding: "utf8"});
    git("init", "-q");
    return {
        root,
        git,
        write: (file, content) => {
            mkdirSync(dirname(join(root, file)), {recursive: true});
            writeFileSync(join(root, file), content);
        },
        remove: () => rmSync(parent, {recursive: true, force: true})
    };
}
