import * as vscode from "vscode";
import type {SessionStatus} from "../../completion/completionSession";
import {Disposable} from "../../engine/lifecycle";
import {completionStatusView} from "./completionStatusView";
import type {StatusView} from "./engineStatusView";

/** The completions' status bar item: completionStatusView.ts decides what it says. */
export class CompletionStatusBar extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.completion", vscode.StatusBarAlignment.Right, 99));
    private enabled = true;
    private status: SessionStatus = {busy: false};
    private view: StatusView | undefined;

    constructor() {
        super();
        this.item.name = vscode.l10n.t("Enclave Completions");
        this.render();
        this.item.show();
    }

    get text(): string {
        return this.item.text;
    }

    /** The tooltip (markdown) and click command now (read by the integration tests). */
    get shown(): StatusView | undefined {
        return this.view;
    }

    showEnabled(enabled: boolean): void {
        this.enabled = enabled;
        this.render();
    }

    showStatus(status: SessionStatus): void {
        this.status = status;
        this.render();
    }

    private render(): void {
        const view = completionStatusView(this.enabled, this.status, (message, ...args) => vscode.l10n.t(message, ...args));
        this.view = view;
        this.item.text = view.text;
        this.item.tooltip = new vscode.MarkdownString(view.tooltip);
        this.item.command = view.command;
        this.item.backgroundColor = view.severity === "warning" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    }
}
