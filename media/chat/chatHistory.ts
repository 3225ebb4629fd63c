/**
 * The list of past chats, opened from the header. Each entry opens its chat; a separate button
 * asks, in the row, whether to delete it — Delete or Cancel — so one slip of the mouse loses nothing.
 * Titles are host strings, set as text.
 */
import type {ChatSummary} from "../../src/webview/protocol";
import {el, iconButton} from "../shared/dom";

export interface ChatHistoryEvents {
    open(chatId: string): void;
    delete(chatId: string): void;
}

export class ChatHistory {
    readonly toggle = iconButton("history", "Past chats", {class: "history-toggle"});
    readonly element: HTMLElement;
    private readonly list = el("ul", {class: "history-list"});
    private readonly empty = el("p", {class: "history-empty", text: "No past chats yet."});

    constructor(private readonly events: ChatHistoryEvents) {
        this.element = el("nav", {class: "history", attrs: {"aria-label": "Past chats", id: "history"}}, this.list, this.empty);
        this.toggle.setAttribute("aria-controls", "history");
        this.toggle.addEventListener("click", () => this.setOpen(this.toggle.getAttribute("aria-expanded") !== "true"));
        this.element.addEventListener("keydown", (event) => {
            if (event.key === "Escape") {
                this.setOpen(false);
                this.toggle.focus();
            }
        });
        this.setOpen(false);
    }

    setOpen(open: boolean): void {
        this.element.hidden = !open;
        this.toggle.setAttribute("aria-expanded", String(open));
        if (open) this.element.querySelector<HTMLElement>("button")?.focus();
    }

    update(chats: readonly ChatSummary[], currentId: string | undefined): void {
        const sorted = [...chats].sort((a, b) => b.updatedAt - a.updatedAt);
        this.list.replaceChildren(...sorted.map((chat) => this.item(chat, chat.id === currentId)));
        this.empty.hidden = sorted.length > 0;
    }

    private item(chat: ChatSummary, current: boolean): HTMLElement {
        const title = chat.title.trim() || "Untitled chat";
        const open = el("button", {class: "history-open", attrs: {type: "button", title}}, el("span", {class: "history-title", text: title}), el("span", {class: "history-date", text: formatDate(chat.updatedAt)}));
        if (current) open.setAttribute("aria-current", "true");
        open.addEventListener("click", () => {
            this.setOpen(false);
            this.events.open(chat.id);
        });
        const remove = iconButton("trash", `Delete chat “${title}”`, {class: "history-delete"});
        const item = el("li", {class: current ? "history-item current" : "history-item"}, open, remove);
        remove.addEventListener("click", () => this.confirm(item, chat.id, title));
        return item;
    }

    /** Turns the row into "Delete “title”? [Delete] [Cancel]"; Cancel or Escape puts it back. */
    private confirm(item: HTMLElement, chatId: string, title: string): void {
        const children = [...item.childNodes];
        const question = el("span", {class: "history-confirm-text", text: `Delete “${title}”?`});
        const yes = el("button", {class: "history-confirm-delete", text: "Delete", attrs: {type: "button", "aria-label": `Delete chat “${title}” for good`}});
        const no = el("button", {class: "history-confirm-cancel", text: "Cancel", attrs: {type: "button"}});
        const restore = (): void => {
            item.replaceChildren(...children);
            item.querySelector<HTMLElement>(".history-delete")?.focus();
        };
        yes.addEventListener("click", () => this.events.delete(chatId));
        no.addEventListener("click", restore);
        no.addEventListener("keydown", (event) => {
            if (event.key === "Escape") {
                event.stopPropagation();
                restore();
            }
        });
        item.replaceChildren(question, yes, no);
        no.focus();
    }
}

function formatDate(epochMs: number): string {
    const date = new Date(epochMs);
    if (Number.isNaN(date.getTime())) return "";
    const sameDay = date.toDateString() === new Date().toDateString();
    return sameDay ? date.toLocaleTimeString(undefined, {hour: "2-digit", minute: "2-digit"}) : date.toLocaleDateString();
}
