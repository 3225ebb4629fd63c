/**
 * An answer that grows while it streams. Chunks are appended to a string at once (so no text is
 * ever lost) and the markdown is re-rendered at most once per frame from the whole string: a
 * partial table or unclosed code fence renders correctly as soon as its end arrives.
 */
import {FrameScheduler} from "../shared/frameScheduler";
import {renderMarkdown} from "../shared/markdown";
import {decorateCodeBlocks} from "./codeBlocks";

export class StreamedMarkdown {
    private text = "";
    private renderedText: string | undefined;
    private readonly scheduler = new FrameScheduler(() => this.render());

    /** `decorate` runs on every rendering after the code blocks are (e.g. to link citations). */
    constructor(
        readonly element: HTMLElement,
        private readonly decorate?: (fragment: DocumentFragment) => void
    ) {}

    get value(): string {
        return this.text;
    }

    append(chunk: string): void {
        if (chunk === "") return;
        this.text += chunk;
        this.scheduler.schedule();
    }

    /** Replaces the text and renders it now (history, final text). */
    set(text: string): void {
        this.text = text;
        this.scheduler.cancel();
        this.render();
    }

    /** Renders again now, e.g. because what `decorate` does changed. */
    refresh(): void {
        this.renderedText = undefined;
        this.scheduler.cancel();
        this.render();
    }

    /** Renders any pending text now, e.g. when the turn ends. */
    flush(): void {
        this.scheduler.flush();
    }

    private render(): void {
        if (this.renderedText === this.text) return;
        const focus = this.focusedCodeAction();
        const fragment = renderMarkdown(this.text);
        decorateCodeBlocks(fragment);
        this.decorate?.(fragment);
        this.element.replaceChildren(fragment);
        this.renderedText = this.text;
        if (focus) this.restoreFocus(focus);
    }

    // Re-rendering replaces the code-block buttons; a keyboard user tabbing through them while the
    // answer streams keeps their place.
    private focusedCodeAction(): {block: number; action: string} | undefined {
        const active = document.activeElement;
        if (!(active instanceof HTMLElement) || !this.element.contains(active) || !active.dataset.action) return undefined;
        const blocks = [...this.element.querySelectorAll(".code-block")];
        const block = blocks.findIndex((candidate) => candidate.contains(active));
        return block < 0 ? undefined : {block, action: active.dataset.action};
    }

    private restoreFocus({block, action}: {block: number; action: string}): void {
        const target = this.element.querySelectorAll(".code-block")[block]?.querySelector<HTMLElement>(`[data-action="${action}"]`);
        target?.focus();
    }
}
