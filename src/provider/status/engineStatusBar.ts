import * as vscode from "vscode";
import type {EngineClient} from "../../engine/client";
import {Disposable} from "../../engine/lifecycle";
import {affectsSettings, readModelPath} from "../settings";
import {engineStatusView, type StatusView} from "./engineStatusView";

/**
 * The model's status bar item: engineStatusView.ts decides what it says in each engine state; this
 * class puts that on screen and renders again when the state, the sharing or the model settings change.
 */
export class EngineStatusBar extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.engine", vscode.StatusBarAlignment.Right, 100));
    private view: StatusView | undefined;

    constructor(private readonly engine: EngineClient) {
        super();
        this.item.name = vscode.l10n.t("Enclave Model");
        this.render();
        this.register(engine.onDidChangeState(() => this.render()));
        this.register(engine.onDidChangeSharing(() => this.render()));
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (affectsSettings(event, ["chat.model", "completion.model"])) this.render();
            })
        );
        this.item.show();
    }

    /** What the item shows now (read by the integration tests). */
    get text(): string {
        return this.item.text;
    }

    /** The item's tooltip (markdown) and click command now (read by the integration tests). */
    get shown(): StatusView | undefined {
        return this.view;
    }

    private render(): void {
        const view = engineStatusView(
            this.engine.state,
            {chatModel: readModelPath("chat"), completionModel: readModelPath("completion"), sharedWindows: this.engine.sharedWindows},
            (message, ...args) => vscode.l10n.t(message, ...args)
        );
        this.view = view;
        this.item.text = view.text;
        this.item.tooltip = new vscode.MarkdownString(view.tooltip);
        this.item.command = view.command;
        this.item.backgroundColor = view.severity === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
    }
}
