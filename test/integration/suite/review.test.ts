// Code review in a real VS Code with the scripted model: a file review runs both passes through
// the worker and publishes its (validated) findings as diagnostics with a report beside the code;
// "Apply suggested fix" is one undoable edit; the report is rendered with links to the findings; findings
// follow their code and are kept for the next session (reopened/review.test.ts); cancel stops the model at once.
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import * as vscode from "vscode";
import type {ReviewResult} from "../../../src/review/reviewer";
import {exampleFile, scriptedFinding} from "../../cli/reviewModel";
import {enclaveApi, waitFor} from "../enclave";
import {goneFinding, keptFinding} from "../reviewFixture";
import {screenshot, skipWithoutScreenshots, waitForScreenText} from "../screenshot";

async function openFile(name: string, text: string): Promise<vscode.TextEditor> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, name);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), {preview: false});
}

const enclaveDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Enclave review");

describe("code review", () => {
    it("Review File runs both passes and publishes what it found as diagnostics, with a report and a fix", async () => {
        const enclave = await enclaveApi();
        // The scripted review model finds the bug in exampleFile: `add` subtracts on line 2. (A .ts
        // name: opening a .js file starts TypeScript's type acquisition, which runs npm online.)
        const reviewModel = vscode.workspace.getConfiguration("enclaveTest").get<string>("reviewModel");
        assert.ok(reviewModel, "the test settings name the review model");
        const config = vscode.workspace.getConfiguration("enclave");
        await config.update("chat.model", reviewModel, vscode.ConfigurationTarget.Workspace);
        try {
            await waitFor(() => enclave.engine.configuredModel?.modelPath === reviewModel, "the review model setting to reach the engine");
            const editor = await openFile("review-me.ts", exampleFile);
            const uri = editor.document.uri;
            const result = await vscode.commands.executeCommand<ReviewResult | undefined>("enclave.reviewFile");
            assert.ok(result, "the review finished");
            assert.equal(result.stats.units, 1);
            assert.ok(result.stats.structuredTokens > 0, "the structured pass ran");
            assert.deepEqual(result.findings, [{file: "review-me.ts", ...scriptedFinding, cited: ["    return a - b;"]}]);
            // The finding is a diagnostic on line 2 (index 1), whole line, as an error.
            const diagnostics = enclaveDiagnostics(uri);
            assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
            const [diagnostic] = diagnostics;
            assert.ok(diagnostic);
            assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.line], [1, 0, 1]);
            assert.ok(diagnostic.range.end.character >= "    return a - b;".length, "the diagnostic covers the whole line");
            assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
            assert.equal(diagnostic.message, `${scriptedFinding.title}: ${scriptedFinding.explanation}`);
            // The report: shown rendered in VS Code's markdown preview beside the code, with a link to the
            // finding's line relative to the report's file (the preview opens such links at the line).
            const report = enclave.review.reports.lastReport;
            assert.ok(report, "a report was shown");
            assert.equal(report.shownAs, "preview");
            assert.ok(report.markdown.replace(/\\/g, "").includes("Enclave review: review-me.ts") && report.markdown.includes(scriptedFinding.title), report.markdown);
            const link = /\[line 2\]\(<([^>]+)>\)/.exec(report.markdown)?.[1];
            assert.ok(link !== undefined && link.endsWith("#L2"), `a link to line 2: ${report.markdown}`);
            assert.equal(vscode.Uri.joinPath(report.uri, "..", link.slice(0, -"#L2".length)).fsPath, uri.fsPath, "relative to the report, to the reviewed file");
            assert.equal(readFileSync(report.uri.fsPath, "utf8"), report.markdown, "the report's file holds the report");
            const previewTab = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes("markdown.preview") && tab.label.includes("review-me.ts review"));
            await waitFor(() => previewTab() !== undefined, () => `the rendered report beside the code (tabs: ${vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label)).join(" | ")})`, 10_000);
            assert.ok(!vscode.workspace.textDocuments.some((document) => document.isUntitled && document.languageId === "markdown"), "no Untitled markdown buffer");
            // Its suggested fix is offered on that line, and applying it puts the replacement there.
            const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", uri, new vscode.Range(1, 0, 1, 5));
            const fix = actions.find((action) => action.title === `Apply suggested fix: ${scriptedFinding.title}`);
            assert.ok(fix?.command, `the fix is offered (${actions.map((action) => action.title).join(", ")})`);
            await vscode.commands.executeCommand(fix.command.command, ...((fix.command.arguments ?? []) as unknown[]));
            assert.equal(editor.document.lineAt(1).text, scriptedFinding.replacement);
            assert.equal(editor.document.getText(), exampleFile.replace("a - b", "a + b"));
            assert.equal(enclaveDiagnostics(uri).length, 0, "the applied finding is gone");
        } finally {
            await config.update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
        }
    });

    it("shows the report rendered, without markdown escapes, beside the code; its link opens the finding's line", async function () {
        skipWithoutScreenshots(this, "checking the rendered report on screen");
        const enclave = await enclaveApi();
        const report = enclave.review.reports.lastReport;
        assert.ok(report, "the review above showed a report");
        const text = await waitForScreenText(
            "review-report",
            (shown) => shown.includes("Enclave review: review-me.ts") && shown.includes(scriptedFinding.title),
            "the rendered report with its title and finding",
            15_000
        );
        assert.ok(!text.includes("review\\-me"), "no markdown escapes on screen");
        // Its link, clicked in the preview, opens the reviewed file at the finding's line.
        const reviewed = vscode.window.visibleTextEditors.find((editor) => editor.document.uri.path.endsWith("/review-me.ts"));
        assert.ok(reviewed, "the reviewed file is beside its report");
        reviewed.selection = new vscode.Selection(0, 0, 0, 0);
        await screenshot("review-report-link", 30_000, "click-link:line 2");
        await waitFor(() => {
            const editor = vscode.window.activeTextEditor;
            return editor?.document.uri.path.endsWith("/review-me.ts") === true && editor.selection.active.line === 1;
        }, () => `review-me.ts open at line 2 (active: ${vscode.window.activeTextEditor?.document.uri.toString()} line ${vscode.window.activeTextEditor?.selection.active.line})`, 10_000);
    });

    it("Apply suggested fix changes the file in one edit, and undo restores it", async () => {
        const enclave = await enclaveApi();
        const original = "export function div(a: number, b: number) {\n    return a / b;\n}\n";
        const editor = await openFile("fix-me.ts", original);
        const uri = editor.document.uri;
        enclave.review.diagnostics.set(
            uri,
            [{file: "fix-me.ts", startLine: 2, endLine: 2, severity: "warning", title: "Division by zero", explanation: "b may be 0.", replacement: "    return b === 0 ? NaN : a / b;", cited: ["    return a / b;"]}],
            original
        );
        assert.equal(enclaveDiagnostics(uri).length, 1);
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", uri, new vscode.Range(1, 0, 1, 5));
        const fix = actions.find((action) => action.title.startsWith("Apply suggested fix"));
        assert.ok(fix?.command, "the fix is offered as a code action");
        assert.ok(actions.some((action) => action.title.startsWith("Dismiss")));
        await vscode.commands.executeCommand(fix.command.command, ...((fix.command.arguments ?? []) as unknown[]));
        assert.equal(editor.document.lineAt(1).text, "    return b === 0 ? NaN : a / b;");
        assert.equal(enclaveDiagnostics(uri).length, 0, "the applied finding is gone");
        await vscode.window.showTextDocument(editor.document);
        await vscode.commands.executeCommand("undo");
        assert.equal(editor.document.getText(), original, "one undo restores the file");
    });

    it("a fix whose code changed meanwhile is not offered", async () => {
        const enclave = await enclaveApi();
        const editor = await openFile("moved.ts", "const a = 1;\nconst b = 2;\n");
        enclave.review.diagnostics.set(
            editor.document.uri,
            [{file: "moved.ts", startLine: 2, endLine: 2, severity: "info", title: "Name", explanation: "x", replacement: "const bee = 2;", cited: ["const b = 2;"]}],
            editor.document.getText()
        );
        await editor.edit((builder) => builder.replace(new vscode.Range(1, 0, 1, 12), "const b = 3;"));
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", editor.document.uri, new vscode.Range(1, 0, 1, 5));
        assert.ok(!actions.some((action) => action.title.startsWith("Apply suggested fix")));
    });

    it("findings move with their code as it is edited, go when it changes, and are kept for the next session", async () => {
        const enclave = await enclaveApi();
        const {diagnostics} = enclave.review;
        // Moves: two lines put above the function carry its finding down with it.
        const kept = await openFile(keptFinding.file, keptFinding.text);
        diagnostics.set(kept.document.uri, [keptFinding.finding], kept.document.getText());
        await kept.edit((builder) => builder.insert(new vscode.Position(0, 0), keptFinding.inserted));
        await waitFor(() => enclaveDiagnostics(kept.document.uri)[0]?.range.start.line === 3, () => `the finding to move to line 4 (${JSON.stringify(enclaveDiagnostics(kept.document.uri))})`, 5_000);
        assert.equal(diagnostics.findings(kept.document.uri)[0]?.replacement, keptFinding.finding.replacement, "its fix still applies there");
        assert.ok(await kept.document.save());

        // Goes: the cited line edited away, the finding is dropped (not left on whatever is there now).
        const edited = await openFile("edited-finding.ts", "let total = 0;\nlet count = -1;\n");
        diagnostics.set(edited.document.uri, [{file: "edited-finding.ts", startLine: 2, endLine: 2, severity: "warning", title: "Negative count", explanation: "count starts at -1.", cited: ["let count = -1;"]}], edited.document.getText());
        assert.equal(enclaveDiagnostics(edited.document.uri).length, 1);
        await edited.edit((builder) => builder.replace(new vscode.Range(1, 0, 1, 15), "let count = 0;"));
        await waitFor(() => enclaveDiagnostics(edited.document.uri).length === 0, "the finding whose line was edited away to go", 5_000);

        // Kept for the next session, then the file changes on disk while no editor has it open:
        // the next session checks the finding against the file and drops it.
        const folder = vscode.workspace.workspaceFolders?.[0];
        assert.ok(folder);
        const gone = vscode.Uri.joinPath(folder.uri, goneFinding.file);
        await vscode.workspace.fs.writeFile(gone, new TextEncoder().encode(goneFinding.text));
        diagnostics.set(gone, [goneFinding.finding], goneFinding.text);
        assert.equal(enclaveDiagnostics(gone).length, 1);
        await diagnostics.whenSaved();
        await vscode.workspace.fs.writeFile(gone, new TextEncoder().encode(goneFinding.changedTo));
    });

    it("a fix offered before a recheck applies its own finding, after an earlier one was dropped", async () => {
        const enclave = await enclaveApi();
        // Plain text: a .ts file of these lines would add TypeScript's own problems to the Problems panel.
        const original = "let a = 1;\nlet b = 2;\n";
        const editor = await openFile("two-findings.txt", original);
        const uri = editor.document.uri;
        enclave.review.diagnostics.set(
            uri,
            [
                {file: "two-findings.txt", startLine: 1, endLine: 1, severity: "info", title: "First", explanation: "a.", cited: ["let a = 1;"]},
                {file: "two-findings.txt", startLine: 2, endLine: 2, severity: "warning", title: "Second", explanation: "b.", replacement: "let b = 3;", cited: ["let b = 2;"]}
            ],
            original
        );
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", uri, new vscode.Range(1, 0, 1, 5));
        const fix = actions.find((action) => action.title === "Apply suggested fix: Second");
        assert.ok(fix?.command, `the fix is offered (${actions.map((action) => action.title).join(", ")})`);
        await editor.edit((builder) => builder.replace(new vscode.Range(0, 0, 0, 10), "let a = 10;"));
        await waitFor(() => enclaveDiagnostics(uri).length === 1, "the first finding, its line edited away, to go");
        assert.equal(await vscode.commands.executeCommand<boolean>(fix.command.command, ...((fix.command.arguments ?? []) as unknown[])), true);
        assert.equal(editor.document.getText(), "let a = 10;\nlet b = 3;\n", "the second finding's fix, on its own line");
        assert.equal(enclaveDiagnostics(uri).length, 0);
    });

    it("cancel stops the model at once", async () => {
        const enclave = await enclaveApi();
        const endless = vscode.workspace.getConfiguration("enclaveTest").get<string>("endlessModel");
        assert.ok(endless);
        const config = vscode.workspace.getConfiguration("enclave");
        await config.update("chat.model", endless, vscode.ConfigurationTarget.Workspace);
        await config.update("chat.thinkingBudget", "unlimited", vscode.ConfigurationTarget.Workspace);
        try {
            await openFile("endless.ts", "let x = 1;\n");
            await enclave.engine.ensureModel();
            // The review streams its reasoning into the trace panel: once a thought arrives there,
            // the model is generating, and that is what cancel must stop.
            const trace = enclave.chat.traceView;
            const post = trace.post.bind(trace);
            let thoughtChunks = 0;
            trace.post = (message) => {
                if (message.type === "thoughtChunk") thoughtChunks++;
                post(message);
            };
            let running: Thenable<ReviewResult | undefined>;
            try {
                running = vscode.commands.executeCommand<ReviewResult | undefined>("enclave.reviewFile");
                await waitFor(() => thoughtChunks > 0, "the review model to be generating (a thought in the trace panel)", 20_000);
            } finally {
                Reflect.deleteProperty(trace, "post");
            }
            const cancelled = Date.now();
            await vscode.commands.executeCommand("enclave.cancelReview");
            assert.equal(await running, undefined, "a cancelled review has no result");
            const stopMs = Date.now() - cancelled;
            assert.ok(stopMs < 3_000, `stopped ${stopMs} ms after cancel`);
            const started = Date.now();
            const answer = await enclave.engine.chat({messages: [{role: "user", content: "Still there?"}], maxTokens: 8, thoughtBudget: 0});
            assert.match(answer.answer, /^Hello!/);
            assert.ok(Date.now() - started < 10_000, "the engine is free again");
        } finally {
            await config.update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
            await config.update("chat.thinkingBudget", undefined, vscode.ConfigurationTarget.Workspace);
        }
    });
});
