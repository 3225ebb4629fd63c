// User settings of the throwaway VS Code profile the integration tests run in; run.ts writes them to
// <user-data-dir>/User/settings.json before VS Code starts (code-server and desktop alike).
// Tests that need files first (e.g. a generated model named by a setting) create them here:
// this runs in the parent Node process, before VS Code, with the repository root as the argument.

/** Quiet, offline, no welcome pages or side panels that would clutter screenshots. */
const BASE: Record<string, unknown> = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "security.workspace.trust.enabled": false,
    // With telemetry off, VS Code's built-in extensions also stop asking the experiment service
    // (default.exp-tas.com), which the network guard in the extension host would record.
    "telemetry.telemetryLevel": "off",
    "workbench.enableExperiments": false,
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "git.enabled": false,
    "chat.disableAIFeatures": true,
    // Unsaved edits stay unsaved until a test saves them (code-server was seen saving on its own).
    "files.autoSave": "off"
};

/**
 * The extension under test runs the scripted model (fixed thought "Hmm, ok.", answer "Hello!"),
 * generated here once and cached like every test model; tests that need a FIM model set a
 * Qwen2.5-Coder-shaped one as the completion model.
 */
export async function testUserSettings(_root: string): Promise<Record<string, unknown>> {
    const {coderScriptedModel, scriptedModel} = await import("../models/scripted");
    const {scriptedReviewModel} = await import("../cli/reviewModel");
    const {applyAnswer} = await import("./applyFixture");
    const {editAnswer, endlessEditLine} = await import("./editFixture");
    const {commitAnswer, commitThought} = await import("./commitFixture");
    return {
        ...BASE,
        "enclave.chat.model": await scriptedModel(),
        // Not an Enclave setting: where tests find a model whose answer never ends (to stop it).
        "enclaveTest.endlessModel": await scriptedModel({answerLoop: true}),
        // A model whose answer changes one function of suite/apply.test.ts's 200-line file, naming the file before the fence.
        "enclaveTest.applyModel": await scriptedModel({answer: applyAnswer}),
        // Models that rewrite suite/edit.test.ts's selection: one that thinks ("Hmm, ok."), one whose
        // thought starts without "<think>" (it only closes it), and one whose rewrite never ends.
        "enclaveTest.editModel": await scriptedModel({answer: editAnswer}),
        "enclaveTest.editCloseOnlyModel": await scriptedModel({answer: editAnswer, emitThinkOpen: false}),
        "enclaveTest.editEndlessModel": await scriptedModel({answer: "```ts\n", answerLoop: true, filler: endlessEditLine}),
        // Commit-message models (suite/commit.test.ts): one that thinks, one whose template opens the thought itself (it emits only </think>).
        "enclaveTest.commitModel": await scriptedModel({thought: commitThought, answer: commitAnswer}),
        "enclaveTest.commitModelNoThinkOpen": await scriptedModel({thought: commitThought, answer: commitAnswer, emitThinkOpen: false}),
        // A model whose review of test/cli/reviewModel.ts's exampleFile finds one real bug (with a fix).
        "enclaveTest.reviewModel": await scriptedReviewModel(),
        // A completion model shaped like Qwen2.5-Coder (FIM, repository tokens, ChatML), whose infill is "return a - b;".
        "enclaveTest.coderModel": await coderScriptedModel(),
        // A coder-shaped completion model whose infill is long, so that a request is still running when the user types.
        "enclaveTest.slowCompletionModel": await coderScriptedModel({infill: Array.from({length: 200}, (_, i) => ` part${i}`).join("")})
    };
}
