/**
 * Links in model output never navigate the webview. A click (or middle click, or Enter on a focused
 * link) is stopped here and, for an http(s) address, handed to the host, which opens it with
 * vscode.env.openExternal.
 */
import {isSafeExternalHref} from "../../src/webview/protocol";

export function interceptLinks(root: HTMLElement, open: (href: string) => void): void {
    const handle = (event: MouseEvent): void => {
        if (!(event.target instanceof Element)) return;
        const anchor = event.target.closest("a");
        if (!anchor) return;
        event.preventDefault();
        const href = anchor.getAttribute("href");
        if (event.type === "click" && href !== null && isSafeExternalHref(href)) open(href);
    };
    root.addEventListener("click", handle);
    root.addEventListener("auxclick", handle);
}
