import type * as vscode from "vscode";
import type {ChatController} from "../../chat/chatController";
import {parseTraceToHost, type HostToTrace} from "../../webview/protocol";
import type {Log} from "../log";
import {WebviewViewHost} from "./webviewViewHost";

/** The reasoning-trace panel: the model's thoughts, live, per turn. It only listens. */
export class TraceViewProvider extends WebviewViewHost<HostToTrace> {
    static readonly viewId = "enclave.trace";

    constructor(
        extensionUri: vscode.Uri,
        private readonly controller: () => ChatController,
        private readonly log: Log
    ) {
        super(TraceViewProvider.viewId, extensionUri, "trace", "Enclave Reasoning");
    }

    protected onReady(): void {
        this.controller().traceViewReady();
    }

    protected onMessage(raw: unknown): void {
        const parsed = parseTraceToHost(raw);
        if (!parsed.ok) this.log.write("warn", `Ignored an invalid message from the trace view: ${parsed.error}`);
    }
}
