import * as vscode from "vscode";
import type {SessionStatus} from "../../completion/completionSession";
import {Disposable} from "../../engine/lifecycle";

/** Completions at a glance: computing, the last latency, a problem, or off. Click toggles them. */
export class CompletionStatusBar extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.completion", vscode.StatusBarAlignment.Right, 99));

    constructor() {
        super();
        this.item.name = "Enclave Completions";
        this.item.command = "enclave.toggleCompletions";
        this.showEnabled(true);
        this.item.show();
    }

    get text(): string {
        return this.item.text;
    }

    showEnabled(enabled: boolean): void {
        this.item.backgroundColor = undefined;
        this.item.text = enabled ? "$(sparkle)" : "$(circle-slash) completions";
        this.item.tooltip = enabled ? "Enclave completions are on. Click to turn them off." : "Enclave completions are off. Click to turn them on.";
    }

    showStatus(status: SessionStatus): void {
        if (status.busy) {
            this.item.text = "$(loading~spin)";
            this.item.tooltip = "Enclave is computing a completion…";
            return;
        }
        if (status.error) {
            this.item.text = "$(warning)";
            this.item.tooltip = `Enclave completions: ${status.error} (see Enclave: Show Log)`;
            this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
            return;
        }
        this.item.backgroundColor = undefined;
        this.item.text = status.lastLatencyMs != null ? `$(sparkle) ${Math.round(status.lastLatencyMs)} ms` : "$(sparkle)";
        this.item.tooltip = "Enclave completions are on. Click to turn them off.";
    }
}
