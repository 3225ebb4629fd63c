import type * as vscode from "vscode";
import type {TraceBook} from "../../webview/traceBook";
import {parseTraceToHost, type HostToTrace} from "../../webview/protocol";
import {copyToClipboard} from "../clipboard";
import type {Log} from "../log";
import {WebviewViewHost} from "./webviewViewHost";

/** The Reasoning panel: the model's thoughts, live, one section per chat turn, review, edit or commit message (TraceBook owns them). */
export class TraceViewProvider extends WebviewViewHost<HostToTrace> {
    static readonly viewId = "enclave.trace";

    constructor(
        extensionUri: vscode.Uri,
        private readonly book: TraceBook,
        private readonly log: Log
    ) {
        super(TraceViewProvider.viewId, extensionUri, "trace", "Enclave Reasoning");
    }

    protected onReady(): void {
        this.book.viewReady();
    }

    protected onMessage(raw: unknown): void {
        const parsed = parseTraceToHost(raw);
        if (!parsed.ok) {
            this.log.write("warn", `Ignored an invalid message from the trace view: ${parsed.error}`);
            return;
        }
        const message = parsed.value;
        if (message.type === "copyThought") void this.copyThought(message.turnId);
    }

    /** The host's own copy of the thought: what the view shows is only what it was sent. */
    private async copyThought(turnId: string): Promise<void> {
        const thought = this.book.thoughtOf(turnId);
        const ok = thought !== undefined && (await copyToClipboard(thought, "thought", this.log));
        this.post({type: "thoughtCopied", turnId, ok});
    }
}
