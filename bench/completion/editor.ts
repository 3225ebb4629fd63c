/**
 * A stand-in for the VS Code text model the provider reads from: the text, the cursor and a version
 * that grows with every edit (as `document.version` does). Cursor moves keep the version, as in
 * VS Code, where only content changes bump it.
 */
import type {DocumentSnapshot} from "../../src/completion/types";
import type {WorkspaceRoot} from "../../src/completion/workspacePath";

export class SimulatedEditor {
    private text: string;
    private offset = 0;
    private version = 1;

    constructor(
        readonly uri: string,
        readonly languageId: string,
        initialText: string,
        /** The workspace folder, as the provider gives it (prompts name files relative to it). */
        readonly workspace?: WorkspaceRoot
    ) {
        this.text = initialText;
    }

    snapshot(): DocumentSnapshot {
        return {uri: this.uri, languageId: this.languageId, text: this.text, offset: this.offset, version: this.version, ...(this.workspace ? {workspace: this.workspace} : {})};
    }

    get cursor(): number {
        return this.offset;
    }

    get lineCount(): number {
        let count = 1;
        for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) count++;
        return count;
    }

    /** The 0-based line of `offset`. */
    lineAt(offset: number): number {
        let line = 0;
        for (let i = this.text.indexOf("\n"); i !== -1 && i < offset; i = this.text.indexOf("\n", i + 1)) line++;
        return line;
    }

    /** Types `text` at the cursor (one keystroke: a character, or a line break with its auto-indent). */
    type(text: string): void {
        this.text = this.text.slice(0, this.offset) + text + this.text.slice(this.offset);
        this.offset += text.length;
        this.version++;
    }

    /** Deletes the character before the cursor (both halves of a surrogate pair, as an editor does). */
    backspace(): void {
        if (this.offset === 0) return;
        const low = this.text.charCodeAt(this.offset - 1);
        const width = low >= 0xdc00 && low <= 0xdfff && this.offset >= 2 ? 2 : 1;
        this.text = this.text.slice(0, this.offset - width) + this.text.slice(this.offset);
        this.offset -= width;
        this.version++;
    }

    moveTo(offset: number): void {
        this.offset = Math.max(0, Math.min(this.text.length, offset));
    }

    /**
     * The offset of a place named by text, so the script survives fixture changes: the first line
     * starting with `anchor`, then the first line at or after it equal to `line`; the cursor goes to
     * that line's end, or right after `after` within it.
     */
    find(place: {anchor: string; line: string; after?: string}): number {
        const lines = this.text.split("\n");
        const anchorIndex = lines.findIndex((text) => text.startsWith(place.anchor));
        if (anchorIndex === -1) throw new Error(`fixture has no line starting with ${JSON.stringify(place.anchor)}`);
        const lineIndex = lines.findIndex((text, i) => i >= anchorIndex && text === place.line);
        if (lineIndex === -1) throw new Error(`fixture has no line ${JSON.stringify(place.line)} after ${JSON.stringify(place.anchor)}`);
        const lineStart = lines.slice(0, lineIndex).reduce((sum, text) => sum + text.length + 1, 0);
        const lineText = lines[lineIndex] as string;
        if (place.after == null) return lineStart + lineText.length;
        const at = lineText.indexOf(place.after);
        if (at === -1) throw new Error(`line ${JSON.stringify(lineText)} has no ${JSON.stringify(place.after)}`);
        return lineStart + at + place.after.length;
    }
}
