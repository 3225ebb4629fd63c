// "Write Commit Message with Enclave" in a real VS Code with VS Code's own Git extension: a
// temporary repository (in a folder whose name has spaces and Unicode) with a staged change, the
// command as its Source Control title button runs it, and the scripted model's message lands in
// that repository's input box — without the thought text, and never over typed text unasked.
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import * as vscode from "vscode";
import type {LoggedPrompt} from "../../../src/engine/worker/promptLog";
import type {EnclaveApi} from "../../../src/extension";
import type {GitApi, GitRepository} from "../../../src/provider/scm/gitExtension";
import {commitMessage, commitThought} from "../commitFixture";
import {enclaveApi, waitFor} from "../enclave";
import {notificationText, screenshot, skipWithoutScreenshots} from "../screenshot";

interface GitExtension {
    readonly enabled: boolean;
    getAPI(version: 1): GitApi;
}

/** The last commit-message prompt the model process rendered (run.ts sets ENCLAVE_TEST_PROMPT_LOG). */
function lastCommitPrompt(): string | undefined {
    const file = process.env.ENCLAVE_TEST_PROMPT_LOG;
    assert.ok(file, "run.ts names the model process's prompt log");
    if (!existsSync(file)) return undefined;
    const prompts = readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as LoggedPrompt);
    return prompts.map((logged) => logged.prompt).filter((prompt) => prompt.includes("Write a git commit message")).at(-1);
}

describe("commit messages", function () {
    let enclave: EnclaveApi;
    let parent: string;
    let repository: GitRepository;
    let gitExtensionApi: GitApi;
    /** What the SourceControl title button passes (the command reads its rootUri). */
    let clicked: {rootUri: vscode.Uri};
    const config = () => vscode.workspace.getConfiguration("enclave");

    const git = (root: string, ...args: string[]) => execFileSync("git", ["-c", "user.email=test@example.invalid", "-c", "user.name=Test", "-c", "commit.gpgsign=false", ...args], {cwd: root, encoding: "utf8"});

    async function useModel(setting: "commitModel" | "commitModelNoThinkOpen"): Promise<void> {
        const model = vscode.workspace.getConfiguration("enclaveTest").get<string>(setting);
        assert.ok(model, `the test settings name ${setting}`);
        await config().update("chat.model", model, vscode.ConfigurationTarget.Workspace);
        await waitFor(() => enclave.engine.configuredModel?.modelPath === model, `the ${setting} setting to reach the engine`);
    }

    /** Runs the command as the button does, recording the thought text the trace panel gets. */
    async function writeMessage(): Promise<{message: string | undefined; thoughts: string}> {
        const trace = enclave.chat.traceView;
        const post = trace.post.bind(trace);
        let thoughts = "";
        trace.post = (message) => {
            if (message.type === "thoughtChunk") thoughts += message.text;
            post(message);
        };
        try {
            const message = await vscode.commands.executeCommand<string | undefined>("enclave.writeCommitMessage", clicked);
            return {message, thoughts};
        } finally {
            Reflect.deleteProperty(trace, "post");
        }
    }

    /** The workbench echoes each value back to the extension host: the box settles on the last one set. */
    const boxSays = (expected: string) => waitFor(() => repository.inputBox.value === expected, () => `the input box to say ${JSON.stringify(expected)} (it says ${JSON.stringify(repository.inputBox.value)})`, 5_000);

    before(async function () {
        enclave = await enclaveApi();
        parent = mkdtempSync(join(tmpdir(), "enclave-commit-"));
        const root = join(parent, "my répo ü");
        mkdirSync(root);
        git(root, "init", "-q");
        writeFileSync(join(root, "greet.ts"), "export const greet = () => \"hello\";\n");
        git(root, "add", "-A");
        git(root, "commit", "-q", "-m", "feat: greet");
        git(root, "commit", "-q", "--allow-empty", "-m", "fix(greet): lower case");
        git(root, "commit", "-q", "--allow-empty", "-m", "docs: say why");
        // The staged change, and an unstaged one that must not count.
        writeFileSync(join(root, "greet.ts"), "export const greet = () => \"good morning\";\n");
        git(root, "add", "greet.ts");
        writeFileSync(join(root, "notes.txt"), "not staged\n");

        // The test profile turns VS Code's Git extension off; this suite needs it.
        await vscode.workspace.getConfiguration("git").update("enabled", true, vscode.ConfigurationTarget.Global);
        const extension = vscode.extensions.getExtension<GitExtension>("vscode.git");
        assert.ok(extension, "VS Code's Git extension is there");
        const exports = extension.isActive ? extension.exports : await extension.activate();
        await waitFor(() => exports.enabled, "the Git extension to be enabled", 30_000);
        const api = exports.getAPI(1);
        gitExtensionApi = api;
        const opened = await api.openRepository(vscode.Uri.file(root));
        assert.ok(opened, `the Git extension opened ${root}`);
        repository = opened;
        clicked = {rootUri: repository.rootUri};
    });

    after(async () => {
        await config().update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
        await vscode.workspace.getConfiguration("git").update("enabled", undefined, vscode.ConfigurationTarget.Global);
        if (parent) rmSync(parent, {recursive: true, force: true});
    });

    beforeEach(() => {
        repository.inputBox.value = "";
        enclave.commitMessages.confirmReplace = () => assert.fail("asked to replace an empty box");
    });

    it("is a sparkle button in a git repository's Source Control title, enabled once a chat model is set", () => {
        const manifest = vscode.extensions.getExtension("enclave.enclave")?.packageJSON as {
            contributes: {commands: {command: string; icon?: string; enablement?: string}[]; menus: Record<string, {command: string; when?: string; group?: string}[] | undefined>};
        };
        const command = manifest.contributes.commands.find((entry) => entry.command === "enclave.writeCommitMessage");
        assert.deepEqual([command?.icon, command?.enablement], ["$(sparkle)", "config.enclave.chat.model"]);
        const button = manifest.contributes.menus["scm/title"]?.find((entry) => entry.command === "enclave.writeCommitMessage");
        assert.deepEqual([button?.when, button?.group], ["scmProvider == git", "navigation@1"]);
    });

    it("writes the scripted model's message into the repository's input box, without the thought text", async () => {
        await useModel("commitModel");
        const {message, thoughts} = await writeMessage();
        assert.equal(message, commitMessage);
        await boxSays(commitMessage);
        assert.ok(!repository.inputBox.value.includes(commitThought) && !/think>/.test(repository.inputBox.value), "no thought text in the box");
        assert.equal(thoughts, commitThought, "the reasoning went to the trace panel");
        // The model saw the staged change only, in the log's (conventional) style.
        const prompt = lastCommitPrompt() ?? assert.fail("no commit-message prompt reached the model");
        assert.match(prompt, /the staged changes/);
        assert.ok(prompt.includes('+export const greet = () => "good morning";'), prompt);
        assert.ok(!prompt.includes("notes.txt"), "the unstaged file is not part of the commit");
        assert.match(prompt, /Conventional Commits/);
        assert.match(prompt, /- fix\(greet\): lower case/);
        await vscode.commands.executeCommand("workbench.view.scm");
        await screenshot("commit-message");
    });

    it("a model that emits only </think> (its template opened the thought) gives the same message", async () => {
        await useModel("commitModelNoThinkOpen");
        const {message} = await writeMessage();
        assert.equal(message, commitMessage);
        await boxSays(commitMessage);
    });

    it("asks before replacing text the user typed, and leaves it when they decline", async () => {
        await useModel("commitModel");
        const typed = "my own words";
        const asked: string[] = [];
        repository.inputBox.value = typed;
        enclave.commitMessages.confirmReplace = async (existing) => {
            asked.push(existing);
            return false;
        };
        assert.equal((await writeMessage()).message, undefined);
        assert.deepEqual(asked, [typed]);
        await boxSays(typed);

        enclave.commitMessages.confirmReplace = async (existing) => {
            asked.push(existing);
            return true;
        };
        assert.equal((await writeMessage()).message, commitMessage);
        assert.deepEqual(asked, [typed, typed]);
        await boxSays(commitMessage);
    });

    it("says a repository with nothing to describe has no changes once its progress has closed, never beside it", async function () {
        skipWithoutScreenshots(this, "checking the notifications on screen");
        await useModel("commitModel");
        const root = join(parent, "clean repo");
        mkdirSync(root);
        git(root, "init", "-q");
        writeFileSync(join(root, "readme.txt"), "nothing to see\n");
        git(root, "add", "-A");
        git(root, "commit", "-q", "-m", "docs: readme");
        const clean = await gitExtensionApi.openRepository(vscode.Uri.file(root)) ?? assert.fail(`the Git extension opened ${root}`);
        assert.equal(await vscode.commands.executeCommand<string | undefined>("enclave.writeCommitMessage", {rootUri: clean.rootUri}), undefined);
        const text = await notificationText("commit-no-changes", "no changes to describe in clean repo");
        // VS Code keeps a progress notification up for 800 ms at least; the message waits for it to close.
        assert.ok(!text.includes("writing the commit message"), `no progress left beside the message:\n${text.slice(0, 2000)}`);
    });
});
