// Sorts what the launcher receives. The workbench's own log (gallery lookups that fail offline,
// chat and sign-in chatter) would bury the test output, so: lines the test entry marked with
// OUTPUT_MARK go to stdout; everything else goes to log files, and to stderr with
// ENCLAVE_VSCODE_VERBOSE=1. After a failure, summary() gives the last error lines.
import {createWriteStream, mkdirSync} from "node:fs";
import {join} from "node:path";

/** Prefix the test entry (test/integration/index.ts) puts on its console output when it finds it in
 * ENCLAVE_TEST_OUTPUT_MARK. Invisible separators, so it cannot occur by chance. */
export const OUTPUT_MARK = "\u2063enclave\u2063";

export class OutputRelay {
    /** @param {string} dir  @param {boolean} verbose */
    constructor(dir, verbose) {
        mkdirSync(dir, {recursive: true});
        this.dir = dir;
        this.verbose = verbose;
        this.workbench = createWriteStream(join(dir, "workbench.log"));
        this.server = createWriteStream(join(dir, "code-server.log"));
        /** @type {string[]} */
        this.errors = [];
    }

    /** From window.codeAutomationLog(level, message). @param {unknown} level @param {unknown} message */
    automation(level, message) {
        const text = String(message);
        if (text.includes(OUTPUT_MARK)) {
            console.log(text.split(OUTPUT_MARK).join(""));
            return;
        }
        this.workbench.write(`[${String(level)}] ${text}\n`);
        if (this.verbose) console.error(`[workbench ${String(level)}] ${text}`);
        // Failed host lookups are VS Code's own offline noise (gallery, sign-in), not a clue.
        if (level === "error" && !/ENOTFOUND|EAI_AGAIN/.test(text)) {
            this.errors.push(text.split("\n").slice(0, 4).join("\n"));
            if (this.errors.length > 10) this.errors.shift();
        }
    }

    /** One line of code-server's stdout or stderr. @param {string} line */
    codeServer(line) {
        this.server.write(`${line}\n`);
        if (this.verbose) console.error(`[code-server] ${line}`);
    }

    summary() {
        const errors = this.errors.length > 0 ? `last workbench errors:\n${this.errors.join("\n")}\n` : "";
        return `${errors}full logs: ${this.dir}`;
    }

    async close() {
        await Promise.all([this.workbench, this.server].map((stream) => new Promise((resolve) => stream.end(resolve))));
    }
}
