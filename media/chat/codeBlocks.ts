/**
 * The toolbar on each rendered code block: Copy, Insert at Cursor, Apply to File. Buttons are added
 * by this code after sanitising (never by model text) and handled by one delegated listener, so
 * re-rendering a streaming answer does not pile up listeners. The code posted is read from the
 * block as shown, so it is exactly what the user saw.
 */
import {el, iconButton} from "../shared/dom";

export type CodeAction = "copy" | "insert" | "apply";

const actions: readonly {action: CodeAction; icon: string; label: string; text: string}[] = [
    {action: "copy", icon: "copy", label: "Copy code", text: "Copy"},
    {action: "insert", icon: "insert", label: "Insert code at cursor", text: "Insert"},
    {action: "apply", icon: "git-compare", label: "Apply code to file (shows a diff first)", text: "Apply"}
];

/** Wraps every `pre` in `root` in a block with a language label and the action buttons. */
export function decorateCodeBlocks(root: DocumentFragment | Element): void {
    for (const pre of root.querySelectorAll("pre")) {
        const code = pre.querySelector("code");
        // The fence's info word, bounded like the protocol's `language` field so applyCode stays valid.
        const language = ([...(code?.classList ?? [])].find((name) => name.startsWith("language-"))?.slice("language-".length) ?? "").slice(0, 100);
        code?.classList.add("hljs");
        const toolbar = el("div", {class: "code-toolbar"}, el("span", {class: "code-language", text: language}));
        for (const {action, icon, label, text} of actions) {
            const button = iconButton(icon, label, {text, class: "code-action"});
            button.dataset.action = action;
            toolbar.append(button);
        }
        // Focusable and named, so keyboard users can scroll long lines (Chromium would make a scrolling
        // pre focusable anyway, named after its whole text).
        pre.tabIndex = 0;
        pre.setAttribute("aria-label", language ? `Code (${language})` : "Code");
        const block = el("div", {class: "code-block"});
        block.dataset.language = language;
        pre.replaceWith(block);
        block.append(toolbar, pre);
    }
}

/** The block's code as shown, without the final newline that fenced blocks always end with. */
function blockCode(block: Element): string {
    const text = block.querySelector("pre")?.textContent ?? "";
    return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** A clicked block: its code as shown, its language, and where it is (its turn, its place in the answer). */
export interface CodeBlockClick {
    readonly code: string;
    readonly language: string;
    readonly turnId: string;
    readonly block: number;
}

/** `button` is the one clicked: copy feedback waits for the host (see `flash`). */
export function onCodeAction(root: HTMLElement, handle: (action: CodeAction, click: CodeBlockClick, button: HTMLButtonElement) => void): void {
    root.addEventListener("click", (event) => {
        if (!(event.target instanceof Element)) return;
        const button = event.target.closest<HTMLButtonElement>("button.code-action");
        const block = button?.closest<HTMLElement>(".code-block");
        const turn = block?.closest<HTMLElement>("[data-turn-id]");
        const action = button?.dataset.action;
        if (!button || !block || !turn?.dataset.turnId || !isCodeAction(action)) return;
        // Counted like the host's markdown parser counts the answer's code blocks (only answers have them).
        const index = [...turn.querySelectorAll(".code-block")].indexOf(block);
        handle(action, {code: blockCode(block), language: block.dataset.language ?? "", turnId: turn.dataset.turnId, block: index}, button);
    });
}

function isCodeAction(value: string | undefined): value is CodeAction {
    return value === "copy" || value === "insert" || value === "apply";
}
