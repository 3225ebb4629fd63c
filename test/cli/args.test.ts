import assert from "node:assert/strict";
import {parseCommand, type CliArgs} from "../../src/cli/args";
import {CliError} from "../../src/cli/exitCodes";

const commits = new Set(["HEAD", "main", "HEAD~2"]);
const isCommit = (ref: string) => commits.has(ref);
const review = (argv: string[], env: NodeJS.ProcessEnv = {}): CliArgs => {
    const command = parseCommand(argv, isCommit, env);
    assert.equal(command.kind, "review");
    return (command as {args: CliArgs}).args;
};
const usageError = (argv: string[]) =>
    assert.throws(() => parseCommand(argv, isCommit), (error) => error instanceof CliError && error.exitCode === 2);

describe("enclave-review arguments", () => {
    it("takes the word after --diff as REF only when it names a commit", () => {
        assert.deepEqual(review(["--diff", "main", "--model", "m.gguf"]).diff, {ref: "main", staged: false});
        const withPath = review(["--diff", "src/a.ts", "--model", "m.gguf"]);
        assert.deepEqual(withPath.diff, {staged: false});
        assert.deepEqual(withPath.files, ["src/a.ts"]);
        assert.deepEqual(review(["--diff=HEAD~2", "--model", "m.gguf", "a.ts"]).diff, {ref: "HEAD~2", staged: false});
        assert.deepEqual(review(["--model", "m.gguf", "--diff"]).diff, {staged: false});
    });

    it("has defaults for format and fail-on, and reads the model from ENCLAVE_MODEL", () => {
        const args = review(["a.ts"], {ENCLAVE_MODEL: "/models/r1.gguf"});
        assert.equal(args.model, "/models/r1.gguf");
        assert.equal(args.format, "text");
        assert.equal(args.failOn, "error");
        assert.equal(args.diff, undefined);
    });

    it("parses numbers and flags", () => {
        const args = review(["--staged", "--model", "m.gguf", "--thought-budget=-1", "--context-size", "8192", "--threads", "2", "--quiet", "--format", "sarif", "--fail-on", "none"]);
        assert.deepEqual([args.diff, args.thoughtBudget, args.contextSize, args.threads, args.quiet, args.format, args.failOn], [{staged: true}, -1, 8192, 2, true, "sarif", "none"]);
    });

    it("recognises help and version", () => {
        assert.equal(parseCommand(["-h"], isCommit).kind, "help");
        assert.equal(parseCommand(["--version"], isCommit).kind, "version");
    });

    it("rejects what it cannot use, as usage errors", () => {
        usageError(["a.ts"]);
        usageError(["--model", "m.gguf"]);
        usageError(["--diff", "--diff", "--model", "m.gguf"]);
        usageError(["--diff=", "--model", "m.gguf"]);
        usageError(["--staged", "--diff=main", "--model", "m.gguf"]);
        usageError(["--threads", "1.5", "--model", "m.gguf", "a.ts"]);
        usageError(["--thought-budget", "-2", "--model", "m.gguf", "a.ts"]);
        usageError(["--model", "m.gguf", "a.ts", "--nope"]);
    });
});
