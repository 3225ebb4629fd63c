/**
 * Small DOM builders. Everything that is not sanitised markdown goes in as text (textContent),
 * never as HTML, so host strings — chat titles, file labels, error messages — cannot inject markup.
 */
type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props: {class?: string; text?: string; attrs?: Record<string, string>} = {},
    ...children: Child[]
): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    if (props.class) element.className = props.class;
    if (props.text !== undefined) element.textContent = props.text;
    for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
    for (const child of children) if (child) element.append(child);
    return element;
}

/** A codicon glyph; decorative, so hidden from screen readers (the button carries the label). */
export function icon(name: string, spin = false): HTMLElement {
    return el("span", {class: `codicon codicon-${name}${spin ? " codicon-modifier-spin" : ""}`, attrs: {"aria-hidden": "true"}});
}

/**
 * A button with a codicon, an accessible name, and optionally a visible label. Icon-only buttons
 * get a tooltip with the same name.
 */
export function iconButton(name: string, label: string, options: {text?: string; class?: string} = {}): HTMLButtonElement {
    const button = el("button", {class: `icon-button${options.class ? ` ${options.class}` : ""}`, attrs: {type: "button", "aria-label": label, title: label}});
    button.append(icon(name));
    if (options.text) button.append(el("span", {class: "button-text", text: options.text}));
    return button;
}

/** Brief feedback on the button itself, announced through its label. */
export function flash(button: HTMLButtonElement, text: string): void {
    const label = button.querySelector(".button-text");
    if (!label) return;
    const before = label.textContent;
    label.textContent = text;
    setTimeout(() => {
        label.textContent = before;
    }, 1200);
}

/** Whether a scroll container is at (or within a few pixels of) its end; used to keep following new text. */
export function isScrolledToEnd(element: Element, slack = 24): boolean {
    return element.scrollHeight - element.scrollTop - element.clientHeight <= slack;
}
