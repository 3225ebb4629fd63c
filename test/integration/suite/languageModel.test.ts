// Enclave's model in VS Code's language-model API (`vscode.lm`, as other extensions and VS Code's own
// Chat view reach it) and the @enclave participant, answered by the scripted model (thought
// "Hmm, ok.", answer "Hello!") through the real worker.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import {enclaveApi, sleep, waitFor} from "../enclave";
import {modelPrompts} from "../promptLog";

async function enclaveModel(): Promise<vscode.LanguageModelChat> {
    await enclaveApi();
    let models: vscode.LanguageModelChat[] = [];
    const started = Date.now();
    // The provider registers on activation; VS Code resolves its models asynchronously.
    for (;;) {
        models = await vscode.lm.selectChatModels({vendor: "enclave"});
        if (models.length > 0 || Date.now() - started > 30_000) break;
        await sleep(200);
    }
    assert.equal(models.length, 1, "Enclave offers its chat model");
    return models[0] as vscode.LanguageModelChat;
}

async function answerOf(response: vscode.LanguageModelChatResponse): Promise<string> {
    let text = "";
    for await (const part of response.text) text += part;
    return text;
}

describe("language-model API and @enclave", () => {
    it("offers the configured model to vscode.lm, named and sized, without tool calling", async () => {
        const model = await enclaveModel();
        assert.equal(model.vendor, "enclave");
        assert.equal(model.id, "enclave-chat");
        assert.ok(model.name.length > 0);
        assert.ok(model.maxInputTokens > 0, `maxInputTokens ${model.maxInputTokens}`);
    });

    it("answers sendRequest with the model's answer, the thought left out", async () => {
        const model = await enclaveModel();
        const response = await model.sendRequest([vscode.LanguageModelChatMessage.User("Say hello through the language-model API.")], {}, new vscode.CancellationTokenSource().token);
        assert.equal(await answerOf(response), "Hello!");
        assert.ok(modelPrompts().some((prompt) => prompt.includes("Say hello through the language-model API.")), "the question reached the model");
    });

    it("counts tokens with the loaded model's tokenizer", async () => {
        const model = await enclaveModel();
        const enclave = await enclaveApi();
        const text = "Count these tokens, please.";
        assert.equal(await model.countTokens(text), await enclave.engine.countTokens(text));
    });

    it("stops the answer when the request is cancelled", async () => {
        const enclave = await enclaveApi();
        const endless = vscode.workspace.getConfiguration("enclaveTest").get<string>("endlessModel");
        assert.ok(endless);
        const config = vscode.workspace.getConfiguration("enclave");
        await config.update("chat.model", endless, vscode.ConfigurationTarget.Workspace);
        try {
            await waitFor(() => enclave.engine.configuredModel?.modelPath === endless, "the endless model setting");
            const model = await enclaveModel();
            const cancel = new vscode.CancellationTokenSource();
            const response = await model.sendRequest([vscode.LanguageModelChatMessage.User("Talk forever.")], {}, cancel.token);
            let text = "";
            for await (const part of response.text) {
                text += part;
                if (text.length > 30) cancel.cancel();
            }
            // The stream ended (an endless answer would not) soon after the cancel, with what came before it.
            assert.match(text, /^Hello!( la)+/);
            assert.ok(text.length < 2000, `the answer stopped (${text.length} characters)`);
        } finally {
            await config.update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
        }
    });

    // code-server's Chat view needs a signed-in Copilot to open (and the test profile turns AI features
    // off), so the participant's handler is called as VS Code calls it, with a recording response stream.
    it("@enclave answers with Enclave's prompts: the referenced code in DeepSeek's file template", async () => {
        const enclave = await enclaveApi();
        const [uri] = await vscode.workspace.findFiles("sample.ts");
        assert.ok(uri);
        const markdown: string[] = [];
        const progress: string[] = [];
        const stream = {
            markdown: (value: string | vscode.MarkdownString) => markdown.push(typeof value === "string" ? value : value.value),
            progress: (value: string) => progress.push(value),
            reference: () => undefined
        } as unknown as vscode.ChatResponseStream;
        const request = {
            prompt: "What does greet do?",
            command: undefined,
            references: [{id: "vscode.implicit.selection", value: new vscode.Location(uri, new vscode.Range(1, 0, 3, 1))}],
            toolReferences: []
        } as unknown as vscode.ChatRequest;
        const result = await enclave.participant.handle(request, {history: []}, stream, new vscode.CancellationTokenSource().token);
        assert.equal(result.errorDetails, undefined);
        assert.equal(markdown.join(""), "Hello!");
        assert.ok(progress.includes("Thinking…"), `progress: ${progress.join(" | ")}`);
        const prompt = modelPrompts().findLast((logged) => logged.includes("What does greet do?"));
        assert.ok(prompt, "the question reached the model");
        assert.match(prompt, /\[file name\]: sample\.ts \(lines 2-4\)\n\[file content begin\]\nexport function greet/);
    });
});
