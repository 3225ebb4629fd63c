// Inline completions in a real VS Code, from the scripted models through the worker, each in the
// prompt format it was trained on: the R1-shaped chat model alone gets the R1 prompt (its answer
// after the prefilled code fence, "console.log(42);"), and a Qwen2.5-Coder-shaped completion model
// gets repository-level FIM (its infill after <|fim_middle|>, "return a - b;"). Suggestions are shown
// as ghost text, accepted with VS Code's own command, aborted by typing, and served without the
// model when the user types through them.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {CompleteParams} from "../../../src/engine/protocol";
import type {EnclaveApi} from "../../../src/extension";
import {acceptUntil, openCalc, showSuggestion, workspaceFolder} from "../completionSteps";
import {enclaveApi, sleep, waitFor} from "../enclave";
import {screenshot} from "../screenshot";

/** Records the `complete` requests the extension sends to the engine (suggestions and warm-ups alike). */
function recordRequests(enclave: EnclaveApi): {requests: CompleteParams[]; stop: () => void} {
    const engine = enclave.engine;
    const complete = engine.complete.bind(engine);
    const requests: CompleteParams[] = [];
    // An own property over the class's method; deleting it restores the method.
    engine.complete = (params, options) => {
        requests.push(params);
        return complete(params, options);
    };
    return {requests, stop: () => void Reflect.deleteProperty(engine, "complete")};
}

/** Uses `modelPath` as `enclave.completion.model` while `run` runs. */
async function withCompletionModel(enclave: EnclaveApi, modelPath: string, settings: Record<string, number>, run: () => Promise<void>): Promise<void> {
    const config = vscode.workspace.getConfiguration("enclave.completion");
    const target = vscode.ConfigurationTarget.Workspace;
    await config.update("model", modelPath, target);
    for (const [key, value] of Object.entries(settings)) await config.update(key, value, target);
    try {
        await waitFor(() => enclave.engine.configuredCompletionModel?.modelPath === modelPath, "the separate completion model setting");
        await run();
    } finally {
        await config.update("model", undefined, target);
        for (const key of Object.keys(settings)) await config.update(key, undefined, target);
        await waitFor(() => enclave.engine.configuredCompletionModel === undefined, "the completion model setting cleared");
    }
}

describe("inline completions", () => {
    // A suggestion cut short by the time cap on a busy machine would be a different text: these
    // tests assert the whole scripted answer, so the cap is generous here.
    before(async () => {
        await vscode.workspace.getConfiguration("enclave.completion").update("timeCapMs", 30_000, vscode.ConfigurationTarget.Global);
    });
    after(async () => {
        await vscode.workspace.getConfiguration("enclave.completion").update("timeCapMs", undefined, vscode.ConfigurationTarget.Global);
    });

    it("with the R1 distill alone: the R1 prompt, the model's answer shown as ghost text, and VS Code's accept inserts it", async () => {
        const enclave = await enclaveApi();
        const recorder = recordRequests(enclave);
        try {
            const editor = await openCalc("calc.ts");
            await showSuggestion(enclave);
            // The suggestion's own request (warm-ups only read the prompt ahead); taken before the accept, which asks again.
            const sent = recorder.requests.filter((params) => params.prefillOnly !== true).at(-1);
            await screenshot("inline-ghost-text");
            await acceptUntil("    console.log(42);");
            assert.equal(editor.document.getText(), "function add(a: number, b: number) {\n    console.log(42);\n}\n");
            // The accept changed the document, so VS Code may be asking again: the latency shows once that call is done.
            await waitFor(() => /^\$\(sparkle\) Enclave completions · \d+ ms$/.test(enclave.completion.statusBar.text), () => `the last latency in the status bar (${enclave.completion.statusBar.text})`);
            assert.equal((await enclave.engine.info("chat"))?.completionFormat, "r1");
            assert.ok(sent, "a request was sent");
            assert.ok(sent.prefix.startsWith("<｜begin▁of▁sentence｜><｜User｜>Complete the typescript code in `calc.ts`"), sent.prefix.slice(0, 120));
            assert.ok(sent.prefix.endsWith("<｜Assistant｜><think>\n\n</think>\n\n```typescript\nfunction add(a: number, b: number) {\n    "));
            assert.deepEqual({suffix: sent.suffix, repository: sent.repository}, {suffix: undefined, repository: undefined}, "no FIM for a reasoning chat model");
        } finally {
            recorder.stop();
        }
    });

    it("serves the rest of a suggestion the user types through, without calling the model", async () => {
        const enclave = await enclaveApi();
        await openCalc("calc2.ts");
        await showSuggestion(enclave);
        const before = enclave.completion.session.stats;
        for (const character of "cons") {
            await vscode.commands.executeCommand("type", {text: character});
            await sleep(150);
        }
        await waitFor(() => enclave.completion.session.stats.typedThroughHits > before.typedThroughHits, "a typed-through suggestion");
        assert.equal(enclave.completion.session.stats.modelCalls, before.modelCalls, "no model call while typing through");
        await acceptUntil("    console.log(42);");
    });

    it("with a Qwen2.5-Coder model as the completion model: repository-level FIM, its infill as ghost text", async () => {
        const enclave = await enclaveApi();
        const coder = vscode.workspace.getConfiguration("enclaveTest").get<string>("coderModel");
        assert.ok(coder);
        await withCompletionModel(enclave, coder, {}, async () => {
            // Another file of the workspace, opened before: the context feeder puts it in the ring.
            const util = vscode.Uri.joinPath(workspaceFolder().uri, "lib", "util.ts");
            // (The ring skips chunks of fewer than three lines.)
            await vscode.workspace.fs.writeFile(util, new TextEncoder().encode("export function twice(x: number): number {\n    return 2 * x;\n}\n"));
            await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(util), {preview: false});
            const recorder = recordRequests(enclave);
            try {
                const editor = await openCalc("calc4.ts");
                await showSuggestion(enclave);
                const sent = recorder.requests.filter((params) => params.prefillOnly !== true).at(-1);
                await acceptUntil("    return a - b;");
                assert.equal(editor.document.getText(), "function add(a: number, b: number) {\n    return a - b;\n}\n");
                assert.equal((await enclave.engine.info("completion"))?.completionFormat, "repoFim");
                assert.ok(sent, "a request was sent");
                assert.equal(sent.prefix, "function add(a: number, b: number) {\n    ");
                assert.equal(sent.suffix, "\n}\n");
                assert.equal(sent.middle, undefined, "an empty line: the answer starts right after <|fim_middle|>");
                assert.equal(sent.repository?.name, workspaceFolder().name, "the repository is the workspace folder");
                assert.equal(sent.repository?.path, "calc4.ts", "the current file, workspace-relative");
                const other = sent.repository?.files.find((file) => file.path === "lib/util.ts");
                assert.ok(other, `the other file, workspace-relative, in ${JSON.stringify(sent.repository?.files.map((file) => file.path))}`);
                assert.ok(other.text.includes("export function twice"));
                assert.ok(sent.repository?.files.every((file) => !file.path.startsWith("/") && !file.path.includes(":")), "every path from the same root");
            } finally {
                recorder.stop();
            }
        });
    });

    it("a keystroke aborts the request in flight (the cancellation reaches the model)", async () => {
        const enclave = await enclaveApi();
        const slow = vscode.workspace.getConfiguration("enclaveTest").get<string>("slowCompletionModel");
        assert.ok(slow);
        await withCompletionModel(enclave, slow, {maxTokens: 512, timeCapMs: 60_000}, async () => {
            await openCalc("calc3.ts");
            const before = enclave.completion.session.stats;
            // The trigger command resolves only once the provider has answered: don't wait for it.
            const triggered = vscode.commands.executeCommand("editor.action.inlineSuggest.trigger");
            await waitFor(
                () => enclave.completion.statusBar.text.includes("loading"),
                () => `the model call to start (status ${enclave.completion.statusBar.text}, stats ${JSON.stringify(enclave.completion.session.stats)})`,
                60_000
            );
            const typed = Date.now();
            await vscode.commands.executeCommand("type", {text: "r"});
            await waitFor(() => !enclave.completion.statusBar.text.includes("loading"), "the model call to stop");
            const stoppedMs = Date.now() - typed;
            await triggered;
            const after = enclave.completion.session.stats;
            assert.ok(after.aborted > before.aborted, "the request was aborted");
            assert.ok(stoppedMs < 5_000, `the model stopped ${stoppedMs} ms after the keystroke`);
            assert.equal(enclave.engine.completionRole, "completion");
        });
    });
});
