// Two real VS Code windows — two browser pages on one code-server, each with its own extension host —
// share one model process: a chat in this window and an inline completion in the other both answer,
// from the same process and the same loaded model. The second window is opened by the launcher on
// request (test/vscode/secondWindow.mjs) and runs second-window/shared.test.ts.
import assert from "node:assert/strict";
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {enclaveApi, sleep, waitFor} from "../enclave";

describe("two VS Code windows", () => {
    it("share one model process: a chat here and a completion in the other window both answer", async function () {
        const dir = process.env.ENCLAVE_SCREENSHOT_DIR;
        if (!dir) {
            console.log("      skipped: a second window needs the code-server launcher (not desktop VS Code)");
            this.skip();
        }
        this.timeout(300_000);
        const enclave = await enclaveApi();
        const first = await enclave.engine.chat({messages: [{role: "user", content: "Say hello."}]});
        assert.equal(first.answer, "Hello!");
        const pid = enclave.engine.workerPid;
        assert.ok(pid, "this window's model process runs");

        const folder = join(dirname(process.env.ENCLAVE_TEST_WORKSPACE ?? "."), "second-window-workspace");
        mkdirSync(folder, {recursive: true});
        const done = join(dir, "second-window.done");
        const report = join(process.env.ENCLAVE_TEST_ARTIFACTS ?? ".", "second-window.json");
        rmSync(done, {force: true});
        rmSync(report, {force: true});
        writeFileSync(join(dir, "second-window.open"), JSON.stringify({folder, extensionTestsPath: join(__dirname, "..", "second-window.cjs")}));

        // This window keeps chatting while the other one starts, connects and completes.
        let chats = 0;
        let sawTwo = "";
        const deadline = Date.now() + 240_000;
        while (!existsSync(done)) {
            if (Date.now() > deadline) assert.fail("the second window did not finish within 240 s");
            const answer = await enclave.engine.chat({messages: [{role: "user", content: "Say hello."}]});
            assert.equal(answer.answer, "Hello!", "a chat while the other window works");
            chats++;
            if (enclave.engine.sharedWindows === 2 && sawTwo === "") sawTwo = enclave.statusBarText();
            await sleep(100);
        }
        assert.equal(readFileSync(done, "utf8"), "0", "the second window's test passed (its log is in the launcher output)");
        const seen = JSON.parse(readFileSync(report, "utf8")) as {workerPid: number; sharedWindows: number; statusBar: string; models: Array<{modelPath: string; users: number}>; line: string};
        assert.equal(seen.workerPid, pid, "the second window used this window's model process");
        assert.equal(seen.line, "    console.log(42);", "the completion in the other window");
        assert.equal(seen.models.length, 1, `one model loaded for both windows: ${JSON.stringify(seen.models)}`);
        assert.equal(seen.models[0]?.users, 2, "used by both windows");
        assert.ok(chats > 0, "this window chatted meanwhile");
        assert.match(sawTwo, /2 windows/, "this window's status bar said the process is shared by two windows");
        assert.equal(enclave.engine.workerPid, pid, "still the same model process");
        // The other window closed: this one is alone on the process again.
        await waitFor(() => enclave.engine.sharedWindows === 1, () => `one window left on the model process (${enclave.engine.sharedWindows})`);
    });
});
