// "Edit with Enclave" in a real VS Code, answered by scripted models (settings.ts) through the real
// model process: a selection's rewrite streams in as an inline diff (the original lines marked
// removed, the new ones added below, as the feature's test API reports its decorations), Keep is
// one undo step, Undo gives back the exact bytes, a follow-up revises the same rewrite, Stop keeps
// nothing, an edit elsewhere during the rewrite cancels it, and thought text never reaches the file.
import assert from "node:assert/strict";
import * as vscode from "vscode";
import type {EnclaveApi} from "../../../src/extension";
import type {EditOutcome} from "../../../src/provider/edit/inlineEditFeature";
import {editedFileText, editedLines, editFile, editFileLines, editFileText, editTarget} from "../editFixture";
import {enclaveApi, resetSaved, waitFor} from "../enclave";
import {modelPrompts} from "../promptLog";
import {background, channelDistance, contrast, lineShowing, mark} from "../lineMarks";
import {editorLineColours, screenshot, skipWithoutScreenshots, waitForScreenText, type EditorLineColours} from "../screenshot";

const folder = (): vscode.WorkspaceFolder => vscode.workspace.workspaceFolders?.[0] ?? assert.fail("a workspace folder is open");
const fileUri = (): vscode.Uri => vscode.Uri.joinPath(folder().uri, editFile);
const bytes = async (): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(fileUri()));
const thoughtText = "Hmm";

/** The chat model becomes the test model named by `enclaveTest.<key>`. */
async function useModel(enclave: EnclaveApi, key: string): Promise<void> {
    const model = vscode.workspace.getConfiguration("enclaveTest").get<string>(key);
    assert.ok(model, `settings.ts names enclaveTest.${key}`);
    await vscode.workspace.getConfiguration("enclave").update("chat.model", model, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => enclave.engine.configuredModel?.modelPath === model, `the ${key} setting`);
}

/** The rewrite file in an editor, area's body selected. */
async function openWithSelection(): Promise<vscode.TextEditor> {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fileUri()), {preview: false});
    editor.selection = new vscode.Selection(editTarget.start, 0, editTarget.end, editor.document.lineAt(editTarget.end).text.length);
    return editor;
}

const edit = (instruction: string): Thenable<EditOutcome> => vscode.commands.executeCommand<EditOutcome>("enclave.inlineEdit", {instruction});

/** The document as the inline diff shows it: the original lines, then the proposed ones below them. */
const diffText = (proposed: readonly string[]): string =>
    [...editFileLines.slice(0, editTarget.end + 1), ...proposed, ...editFileLines.slice(editTarget.end + 1)].join("\r\n");

/** The file to rewrite, written afresh. */
const writeEditFile = (): Thenable<void> => vscode.workspace.fs.writeFile(fileUri(), new TextEncoder().encode(editFileText));

/** No editors, no rewrite file, the chat model setting as it was. */
async function cleanUp(): Promise<void> {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder().uri, "edit"), {recursive: true});
    await vscode.workspace.getConfiguration("enclave").update("chat.model", undefined, vscode.ConfigurationTarget.Workspace);
}

describe("Edit with Enclave", () => {
    let enclave: EnclaveApi;

    before(async () => {
        enclave = await enclaveApi();
        await writeEditFile();
    });

    after(cleanUp);

    // Each test starts from the file as written, saved, and no rewrite waiting.
    beforeEach(async () => {
        if (enclave.edit.state()) await vscode.commands.executeCommand("enclave.inlineEdit.undo");
        await resetSaved(fileUri(), editFileText);
    });

    it("streams the selection's rewrite in as an inline diff; Keep leaves the rewrite as one undo step", async () => {
        await useModel(enclave, "editModel");
        const editor = await openWithSelection();
        assert.equal(await edit("Check that the area is not negative."), "review");

        const state = enclave.edit.state();
        assert.ok(state, "a rewrite waits for Keep or Undo");
        assert.equal(state.phase, "review");
        assert.equal(state.uri, fileUri().toString());
        assert.deepEqual(state.removed, editTarget, "the selected lines are the ones marked removed");
        assert.deepEqual(state.added, {start: editTarget.end + 1, end: editTarget.end + editedLines.length}, "the new lines sit right below them");
        assert.deepEqual(state.decorations.removed.map((range) => [range.start.line, range.end.line]), [[editTarget.start, editTarget.end]], "the removed decoration is on the original lines");
        assert.deepEqual(state.decorations.added.map((range) => [range.start.line, range.end.line]), [[editTarget.end + 1, editTarget.end + editedLines.length]], "the added decoration is on the new lines");
        assert.deepEqual(state.lenses, ["$(check) Keep", "$(discard) Undo", "$(comment) Follow-up…"]);
        assert.equal(editor.document.getText(), diffText(editedLines), "prose and fence dropped, the file's indentation and CRLF, the rest untouched");
        assert.ok(!editor.document.getText().includes(thoughtText), "no thought text in the file");
        assert.ok(state.editTimes.length > 0, "the lines were applied as they streamed");
        await screenshot("inline-edit-diff");

        assert.equal(await vscode.commands.executeCommand<EditOutcome>("enclave.inlineEdit.keep"), "kept");
        assert.equal(editor.document.getText(), editedFileText, "the rewrite in place of the selection, nothing else changed");
        assert.equal(enclave.edit.state(), undefined, "no diff, no buttons after Keep");
        await editor.document.save();
        await vscode.window.showTextDocument(editor.document, {preview: false});
        await vscode.commands.executeCommand("undo");
        assert.equal(editor.document.getText(), editFileText, "one undo gives back the original");
        await vscode.commands.executeCommand("redo");
        assert.equal(editor.document.getText(), editedFileText, "and one redo the rewrite");
    });

    it("shows the inline diff's buttons above the rewrite on screen", async function () {
        skipWithoutScreenshots(this, "the CodeLens buttons on screen");
        await useModel(enclave, "editModel");
        await openWithSelection();
        assert.equal(await edit("Check that the area is not negative."), "review");
        await waitForScreenText("inline-edit-buttons", (text) => text.includes("Keep") && text.includes("Undo") && text.includes("Follow-up"), "the Keep / Undo / Follow-up buttons");
        assert.equal(await vscode.commands.executeCommand<EditOutcome>("enclave.inlineEdit.undo"), "undone");
    });

    it("Undo gives back the exact original bytes (a model that only closes its thought)", async () => {
        await useModel(enclave, "editCloseOnlyModel");
        const editor = await openWithSelection();
        assert.equal(await edit("Check the sign."), "review");
        assert.equal(editor.document.getText(), diffText(editedLines));
        assert.ok(!editor.document.getText().includes(thoughtText), "no thought text in the file");
        assert.equal(await vscode.commands.executeCommand<EditOutcome>("enclave.inlineEdit.undo"), "undone");
        assert.equal(editor.document.getText(), editFileText);
        assert.equal(enclave.edit.state(), undefined);
        // Saved explicitly: code-server's delayed auto-save must not decide which bytes are on disk.
        await editor.document.save();
        assert.equal(await bytes(), editFileText, "the exact original bytes on disk, CRLF included");
    });

    it("revises the same rewrite on a follow-up, sending the previous rewrite back to the model", async () => {
        await useModel(enclave, "editModel");
        const editor = await openWithSelection();
        assert.equal(await edit("Check the sign."), "review");
        assert.equal(await vscode.commands.executeCommand<EditOutcome>("enclave.inlineEdit.followUp", {instruction: "Make it shorter."}), "review");
        const state = enclave.edit.state();
        assert.ok(state);
        assert.deepEqual(state.instructions, ["Check the sign.", "Make it shorter."]);
        assert.deepEqual(state.removed, editTarget, "the follow-up revises the same lines");
        assert.equal(editor.document.getText(), diffText(editedLines), "the revision replaced the rewrite, not added to it");
        const prompts = modelPrompts();
        const last = prompts.at(-1) ?? "";
        assert.ok(last.includes("Revise your rewrite: Make it shorter."), "the follow-up's instruction reached the model");
        assert.ok(last.includes(`\`\`\`typescript\n${editedLines.join("\n")}\n\`\`\``), "with the rewrite it revises, as the model's earlier answer");
        assert.ok(last.indexOf("Check the sign.") < last.indexOf("Make it shorter."), "after the first instruction");
        assert.equal(await vscode.commands.executeCommand<EditOutcome>("enclave.inlineEdit.undo"), "undone");
        assert.equal(editor.document.getText(), editFileText, "Undo after a follow-up still gives back the original");
        assert.ok(enclave.edit.recentInstructions.slice(0, 2).join("|") === "Make it shorter.|Check the sign.", "recent instructions, newest first");
    });

    it("Stop keeps nothing applied", async () => {
        await useModel(enclave, "editEndlessModel");
        const editor = await openWithSelection();
        const editing = edit("Add steps.");
        await waitFor(() => (enclave.edit.state()?.added?.end ?? 0) - editTarget.end >= 3, "three streamed lines in the editor", 60_000);
        const streaming = enclave.edit.state();
        assert.equal(streaming?.phase, "streaming");
        assert.deepEqual(streaming.lenses, ["$(loading~spin) Enclave is rewriting…  Stop (Esc)"]);
        assert.ok((streaming.decorations.added[0]?.end.line ?? 0) > editTarget.end, "streamed lines are marked added while they arrive");
        assert.ok(!editor.document.getText().includes(thoughtText), "no thought text in the file while streaming");
        await vscode.commands.executeCommand("enclave.inlineEdit.stop");
        assert.equal(await editing, "stopped");
        assert.equal(editor.document.getText(), editFileText, "the original text, nothing of the rewrite");
        assert.equal(enclave.edit.state(), undefined);
    });

    it("cancels cleanly, with a message, when the document is edited elsewhere during the rewrite", async () => {
        await useModel(enclave, "editEndlessModel");
        const editor = await openWithSelection();
        const editing = edit("Add steps.");
        await waitFor(() => (enclave.edit.state()?.added?.end ?? 0) - editTarget.end >= 2, "streamed lines in the editor", 60_000);
        const typed = new vscode.WorkspaceEdit();
        typed.insert(fileUri(), new vscode.Position(0, 0), "// edited elsewhere\r\n");
        // An edit made against a version the stream has just moved past is refused ("changed in the
        // meantime"), as a user's would be retried by VS Code: try again until one lands.
        let applied = false;
        for (let attempt = 0; attempt < 50 && !applied; attempt++) applied = await vscode.workspace.applyEdit(typed);
        assert.ok(applied, "the other edit was applied");
        assert.equal(await editing, "interrupted");
        assert.equal(editor.document.getText(), `// edited elsewhere\r\n${editFileText}`, "the other edit kept, the rewrite gone, the original back");
        assert.equal(enclave.edit.state(), undefined);
        assert.match(enclave.edit.lastNotice ?? "", /edit\/shapes\.ts was edited during the rewrite, so the rewrite was cancelled and the original text is back/);
    });
});

/** Themes the inline diff must be visible in, and the editor background each paints. */
const themes = [
    {name: "Default Light Modern", kind: vscode.ColorThemeKind.Light, editorBackground: "#ffffff"},
    {name: "Default Dark Modern", kind: vscode.ColorThemeKind.Dark, editorBackground: "#1f1f1f"},
    {name: "Default High Contrast", kind: vscode.ColorThemeKind.HighContrast, editorBackground: "#000000"}
] as const;

// Lines of the diff whose text is unique in the file; an undecorated line of the same editor.
const removedTexts = editFileLines.slice(editTarget.start, editTarget.end + 1).map((line) => line.trim());
const addedTexts = editedLines.map((line) => line.trim()).filter((text) => text !== "}");
const plainText = "perimeter(width: number, height: number): number {";

/**
 * What is wrong with the inline diff in one screenshot of the editor in `theme` (empty: nothing):
 * the theme is applied (a plain line has its editor background), every removed and every added line
 * carries a mark a plain line has not — a background that visibly differs from the editor's, and in
 * high contrast a mark (fill or outline) of at least 3:1 contrast — and removed and added differ.
 */
function diffProblems(lines: readonly EditorLineColours[], theme: (typeof themes)[number]): string[] {
    const plain = lineShowing(lines, plainText);
    if (typeof plain === "string") return [plain];
    if (background(plain) !== theme.editorBackground) return [`the plain line's background is ${background(plain)}, not ${theme.name}'s ${theme.editorBackground} (not applied yet?)`];
    const problems: string[] = [];
    const marks = {removed: new Set<string>(), added: new Set<string>()};
    for (const [kind, texts] of [["removed", removedTexts], ["added", addedTexts]] as const)
        for (const text of texts) {
            const line = lineShowing(lines, text);
            if (typeof line === "string") {
                problems.push(line);
                continue;
            }
            const colour = mark(line, plain);
            if (colour === undefined) {
                problems.push(`the ${kind} line "${text}" has no mark a plain line lacks (colours ${JSON.stringify(line.colours)})`);
                continue;
            }
            marks[kind].add(colour);
            if (theme.kind === vscode.ColorThemeKind.HighContrast) {
                if (contrast(colour, theme.editorBackground) < 3) problems.push(`the ${kind} line's mark ${colour} has contrast ${contrast(colour, theme.editorBackground).toFixed(2)} < 3 on ${theme.editorBackground}`);
            } else if (background(line) !== colour || channelDistance(colour, theme.editorBackground) < 10)
                problems.push(`the ${kind} line "${text}" has background ${background(line)}, not a visible decoration background (mark ${colour}, editor ${theme.editorBackground})`);
        }
    for (const colour of marks.removed) if (marks.added.has(colour)) problems.push(`removed and added lines are both marked ${colour}`);
    return problems;
}

describe("Edit with Enclave: the inline diff in light, dark and high-contrast themes", () => {
    const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration("workbench");
    let userTheme: string | undefined;
    let written = false;

    before(async function () {
        skipWithoutScreenshots(this, "the inline diff's colours on screen");
        const enclave = await enclaveApi();
        const configured = settings().inspect<string>("colorTheme");
        assert.equal(configured?.workspaceValue, undefined, "no workspace theme overrides the user's");
        userTheme = configured?.globalValue;
        await writeEditFile();
        written = true;
        await resetSaved(fileUri(), editFileText);
        await useModel(enclave, "editModel");
        const editor = await openWithSelection();
        assert.equal(await edit("Check that the area is not negative."), "review");
        // The cursor away from the diff and the plain line: no selection or current-line colours on them.
        editor.selection = new vscode.Selection(0, 0, 0, 0);
    });

    after(async () => {
        if (!written) return;
        await settings().update("colorTheme", userTheme, vscode.ConfigurationTarget.Global);
        await vscode.commands.executeCommand("enclave.inlineEdit.undo");
        await cleanUp();
    });

    for (const theme of themes)
        it(`marks the removed and the added lines visibly in ${theme.name}`, async () => {
            await settings().update("colorTheme", theme.name, vscode.ConfigurationTarget.Global);
            await waitFor(() => vscode.window.activeColorTheme.kind === theme.kind, `the workbench to apply ${theme.name}`);
            const shot = `inline-edit-diff-${theme.name.toLowerCase().replaceAll(" ", "-")}`;
            // The workbench repaints after it reports the theme: screenshot until the picture shows it.
            const deadline = Date.now() + 15_000;
            let problems = diffProblems(await editorLineColours(shot), theme);
            while (problems.length > 0 && Date.now() < deadline) problems = diffProblems(await editorLineColours(shot), theme);
            assert.deepEqual(problems, [], `the inline diff in ${theme.name} (${shot}.png)`);
        });
});
