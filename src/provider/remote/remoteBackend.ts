import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import {endpointLabel, parseEndpoint, type RemoteEndpoint} from "../../engine/remote/endpoint";
import {remoteModels} from "../../engine/remote/openAiChat";
import {consentKey, consentQuestion, type RemoteRole} from "../../engine/remote/privacy";
import type {RemoteError} from "../../engine/remote/remoteErrors";
import type {ModelSummary} from "../../webview/protocol";
import type {Log} from "../log";
import {affectsSettings, readSetting, writeSetting} from "../settings";
import type {StatusView} from "../status/engineStatusView";
import {remoteStatusView, switchToLocalCommand} from "../status/remoteStatusView";

const consentsKey = "enclave.remote.consents";
const secretKey = (origin: string): string => `enclave.remote.apiKey ${origin}`;

/**
 * The server the user configured for some roles (`enclave.remote.*`): which roles go there, its
 * API key (in VS Code's SecretStorage, per server), the confirmation before code first goes to
 * another machine, the status bar item that always says where the roles run, and "Switch to Local".
 */
export class RemoteBackend extends Disposable {
    private readonly item = this.register(vscode.window.createStatusBarItem("enclave.remote", vscode.StatusBarAlignment.Right, 98));
    private view: StatusView | undefined;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly log: Log
    ) {
        super();
        this.item.name = vscode.l10n.t("Enclave Remote Server");
        this.register(vscode.commands.registerCommand(switchToLocalCommand, () => this.switchToLocal()));
        this.register(vscode.commands.registerCommand("enclave.remote.setApiKey", () => this.setApiKey()));
        this.register(vscode.commands.registerCommand("enclave.remote.chooseModel", () => this.chooseModel()));
        this.register(vscode.workspace.onDidChangeConfiguration((event) => (affectsSettings(event, ["remote"]) ? this.render() : undefined)));
        this.render();
    }

    /** The status bar item now (read by the integration tests); undefined while hidden. */
    get shown(): StatusView | undefined {
        return this.view;
    }

    /** The roles the settings send to the server. */
    roles(): RemoteRole[] {
        return readSetting("remote.roles").filter((role) => role === "chat");
    }

    /**
     * The server `role` goes to, with its API key; undefined: the role runs locally. Asks before
     * code first goes to another machine: "Use Local Model" switches the role back (undefined),
     * no answer throws (nothing is sent).
     */
    async endpointFor(role: RemoteRole): Promise<RemoteEndpoint | undefined> {
        if (!this.roles().includes(role)) return undefined;
        const configured = this.configured();
        if (!configured.ok) throw new Error(`enclave.remote.url: ${configured.message} Fix it, or run "Enclave: Switch to Local".`);
        const apiKey = await this.context.secrets.get(secretKey(configured.endpoint.origin));
        const endpoint = apiKey ? {...configured.endpoint, apiKey} : configured.endpoint;
        const granted = this.context.globalState.get<string[]>(consentsKey, []);
        const question = consentQuestion(endpoint, role, granted);
        if (question === undefined) return endpoint;
        const send = vscode.l10n.t("Send to {0}", new URL(endpoint.origin).host);
        const local = vscode.l10n.t("Use Local Model");
        const choice = await vscode.window.showWarningMessage(question, {modal: true, detail: vscode.l10n.t("Nothing is sent until you choose. You are asked again if the server's address changes.")}, send, local);
        if (choice === send) {
            await this.context.globalState.update(consentsKey, [...granted, consentKey(endpoint, role)]);
            this.log.write("info", `Confirmed: ${role} goes to ${endpoint.origin}.`);
            return endpoint;
        }
        if (choice === local) {
            await this.switchToLocal();
            return undefined;
        }
        throw new Error(vscode.l10n.t("Nothing was sent to {0}: you did not confirm it.", endpoint.origin));
    }

    /** The model the chat panel's footer names while `role` goes to the server; undefined: it runs locally. */
    modelSummary(role: RemoteRole): ModelSummary | undefined {
        if (!this.roles().includes(role)) return undefined;
        const configured = this.configured();
        if (!configured.ok) return {name: vscode.l10n.t("remote server not usable"), state: "error"};
        return {name: endpointLabel(configured.endpoint), state: "ready", contextSize: readSetting("remote.contextSize")};
    }

    /** A request to the server failed: the message, with "Switch to Local" (not for a cancel). */
    failed(error: RemoteError): void {
        this.log.write("warn", `Remote server: ${error.code}: ${error.message}`);
        const action = vscode.l10n.t("Switch to Local");
        void vscode.window.showErrorMessage(`Enclave: ${error.message}`, action).then((choice) => (choice === action ? this.switchToLocal() : undefined));
    }

    async switchToLocal(): Promise<void> {
        if (this.roles().length === 0) return;
        const where = await writeSetting("remote.roles", []);
        void vscode.window.showInformationMessage(vscode.l10n.t("Enclave: chat runs on this machine again (enclave.remote.roles cleared in {0}).", where));
    }

    private configured(): ReturnType<typeof parseEndpoint> {
        const url = readSetting("remote.url");
        if (url.trim() === "") return {ok: false, message: vscode.l10n.t("No server is set.")};
        return parseEndpoint(url, readSetting("remote.model"));
    }

    /** The configured server's address, for commands that need no model yet; undefined (and a warning) when there is none. */
    private server(): RemoteEndpoint | undefined {
        const configured = parseEndpoint(readSetting("remote.url"), readSetting("remote.model") || "-");
        if (configured.ok) return configured.endpoint;
        void vscode.window.showWarningMessage(vscode.l10n.t("Enclave: set the server first (enclave.remote.url): {0}", configured.message));
        return undefined;
    }

    private async setApiKey(): Promise<void> {
        const server = this.server();
        if (!server) return;
        const {origin} = server;
        const key = await vscode.window.showInputBox({title: vscode.l10n.t("API key for {0}", origin), prompt: vscode.l10n.t("Kept in VS Code's secret storage for this server only. Empty: remove it."), password: true, ignoreFocusOut: true});
        if (key === undefined) return;
        if (key.trim() === "") await this.context.secrets.delete(secretKey(origin));
        else await this.context.secrets.store(secretKey(origin), key.trim());
        void vscode.window.showInformationMessage(key.trim() === "" ? vscode.l10n.t("Enclave: the API key for {0} is removed.", origin) : vscode.l10n.t("Enclave: the API key for {0} is kept in secret storage.", origin));
    }

    private async chooseModel(): Promise<void> {
        const server = this.server();
        if (!server) return;
        const apiKey = await this.context.secrets.get(secretKey(server.origin));
        try {
            const models = await vscode.window.withProgress({location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Asking {0} for its models", server.origin)}, () =>
                remoteModels(apiKey ? {...server, apiKey} : server, new AbortController().signal)
            );
            const picked = await vscode.window.showQuickPick(
                models.map((id) => ({label: id})),
                {title: vscode.l10n.t("Models on {0}", server.origin), placeHolder: models.length === 0 ? vscode.l10n.t("The server lists no models") : undefined}
            );
            if (picked) await writeSetting("remote.model", picked.label);
        } catch (error) {
            void vscode.window.showErrorMessage(`Enclave: ${error instanceof Error ? error.message : String(error)}`);
        }
    }

    private render(): void {
        const configured = this.configured();
        this.view = remoteStatusView(this.roles(), configured.ok ? configured.endpoint : undefined, configured.ok ? undefined : configured.message, vscode.l10n.t);
        if (!this.view) {
            this.item.hide();
            return;
        }
        this.item.text = this.view.text;
        this.item.tooltip = new vscode.MarkdownString(this.view.tooltip);
        this.item.command = this.view.command;
        this.item.backgroundColor = this.view.severity === "warning" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
        this.item.show();
    }
}
