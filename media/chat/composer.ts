/**
 * The input area: attach toggles (selection, current file, open editors, workspace code found for
 * the question), the message box, and
 * Send / Stop / Regenerate. Enter sends, Shift+Enter adds a line, Escape stops a running answer.
 * The draft and the toggles are kept in the webview state so hiding the view loses nothing.
 */
import {attachmentKinds, type AttachmentKind} from "../../src/webview/protocol";
import {el, iconButton} from "../shared/dom";

export interface ComposerState {
    draft: string;
    attach: AttachmentKind[];
}

export function isComposerState(value: unknown): value is ComposerState {
    if (typeof value !== "object" || value === null) return false;
    const {draft, attach} = value as Partial<ComposerState>;
    return typeof draft === "string" && Array.isArray(attach) && attach.every((kind) => attachmentKinds.includes(kind));
}

export interface ComposerEvents {
    send(text: string, attach: AttachmentKind[]): void;
    stop(): void;
    regenerate(): void;
    stateChanged(state: ComposerState): void;
}

const toggles: readonly {kind: AttachmentKind; icon: string; text: string; label: string}[] = [
    {kind: "selection", icon: "selection", text: "Selection", label: "Attach the current selection"},
    {kind: "file", icon: "file", text: "File", label: "Attach the current file"},
    {kind: "editors", icon: "files", text: "Editors", label: "Attach the open editors"},
    {kind: "workspace", icon: "search", text: "Workspace", label: "Attach workspace code relevant to the question (or type @workspace)"}
];

export class Composer {
    readonly element: HTMLElement;
    private readonly input: HTMLTextAreaElement;
    private readonly sendButton = iconButton("send", "Send (Enter)", {class: "primary"});
    private readonly stopButton = iconButton("debug-stop", "Stop generating (Escape)", {text: "Stop", class: "danger"});
    private readonly regenerateButton = iconButton("refresh", "Regenerate the last answer", {text: "Regenerate"});
    private readonly toggleButtons = new Map<AttachmentKind, HTMLButtonElement>();
    private busy = false;

    constructor(private readonly events: ComposerEvents, state: ComposerState | undefined) {
        const attachGroup = el("div", {class: "attach-toggles", attrs: {role: "group", "aria-label": "Context to attach"}});
        for (const {kind, icon, text, label} of toggles) {
            const button = iconButton(icon, label, {text, class: "toggle"});
            button.setAttribute("aria-pressed", String(state?.attach.includes(kind) ?? false));
            button.addEventListener("click", () => {
                button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
                this.saveState();
            });
            this.toggleButtons.set(kind, button);
            attachGroup.append(button);
        }
        this.input = el("textarea", {
            class: "message-input",
            attrs: {rows: "3", "aria-label": "Message to Enclave", placeholder: "Ask about your code (Enter to send, Shift+Enter for a new line)"}
        });
        this.input.value = state?.draft ?? "";
        this.input.addEventListener("keydown", (event) => this.onKeyDown(event));
        this.input.addEventListener("input", () => {
            this.updateButtons();
            this.saveState();
        });
        this.sendButton.addEventListener("click", () => this.send());
        this.stopButton.addEventListener("click", () => this.events.stop());
        this.regenerateButton.addEventListener("click", () => this.events.regenerate());
        const actions = el("div", {class: "composer-actions"}, this.regenerateButton, el("span", {class: "spacer"}), this.stopButton, this.sendButton);
        this.element = el("div", {class: "composer"}, attachGroup, el("div", {class: "input-row"}, this.input), actions);
        this.setBusy(false, false);
    }

    /** While an answer streams: Stop instead of Send, no Regenerate. */
    setBusy(busy: boolean, canRegenerate: boolean): void {
        this.busy = busy;
        this.stopButton.hidden = !busy;
        this.sendButton.hidden = busy;
        this.regenerateButton.disabled = busy || !canRegenerate;
        this.updateButtons();
    }

    focus(): void {
        this.input.focus();
    }

    private onKeyDown(event: KeyboardEvent): void {
        // isComposing: Enter that confirms an IME composition must not send.
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.send();
        } else if (event.key === "Escape" && this.busy) {
            event.preventDefault();
            this.events.stop();
        }
    }

    private send(): void {
        const text = this.input.value;
        if (this.busy || text.trim() === "") return;
        this.events.send(text, this.attached());
        this.input.value = "";
        this.updateButtons();
        this.saveState();
    }

    private attached(): AttachmentKind[] {
        return [...this.toggleButtons].filter(([, button]) => button.getAttribute("aria-pressed") === "true").map(([kind]) => kind);
    }

    private updateButtons(): void {
        this.sendButton.disabled = this.busy || this.input.value.trim() === "";
    }

    private saveState(): void {
        this.events.stateChanged({draft: this.input.value, attach: this.attached()});
    }
}
