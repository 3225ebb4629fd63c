import * as vscode from "vscode";
import type {ChatController} from "../../chat/chatController";
import {Disposable} from "../../engine/lifecycle";
import {parseTraceToHost, type HostToTrace} from "../../webview/protocol";
import type {Log} from "../log";
import {WebviewChannel} from "./webviewPanel";

/** The reasoning-trace panel: the model's thoughts, live, per turn. It only listens. */
export class TraceViewProvider extends Disposable implements vscode.WebviewViewProvider {
    static readonly viewId = "enclave.trace";
    private channel: WebviewChannel<HostToTrace> | undefined;

    constructor(
        private readonly extensionUri: vscode.Uri,
        private readonly controller: () => ChatController,
        private readonly log: Log
    ) {
        super();
        this.register(vscode.window.registerWebviewViewProvider(TraceViewProvider.viewId, this));
    }

    resolveWebviewView(view: vscode.WebviewView): void {
        this.channel?.dispose();
        this.channel = new WebviewChannel<HostToTrace>(
            view,
            this.extensionUri,
            "trace",
            "Enclave Reasoning",
            (raw) => {
                const parsed = parseTraceToHost(raw);
                if (!parsed.ok) this.log.write("warn", `Ignored an invalid message from the trace view: ${parsed.error}`);
            },
            () => this.controller().traceViewReady()
        );
    }

    post(message: HostToTrace): void {
        this.channel?.post(message);
    }

    get isReady(): boolean {
        return this.channel?.isReady ?? false;
    }

    override dispose(): void {
        this.channel?.dispose();
        super.dispose();
    }
}
