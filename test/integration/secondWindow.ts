// Mocha entry of the second VS Code window (test/vscode/secondWindow.mjs opens it on request of
// suite/windows.test.ts): runs the suites in second-window/ in that window's own extension host.
import {runSuites} from "./index";

export function run(): Promise<void> {
    // Not filtered by ENCLAVE_TEST_GREP: the first window's test that opened this one depends on all of it.
    return runSuites("second-window", "second-window", undefined);
}
