/**
 * Removes one leading tag (e.g. "<think>") from a text stream. We open the thought for the model,
 * as newer R1 templates do; a model trained on the older template may still write its own
 * "<think>", which would otherwise show up as text at the top of the reasoning trace. Text is held
 * back only while it could still be the start of the tag.
 */
export class LeadingTagStripper {
    private pending = "";
    private decided = false;

    constructor(private readonly tag: string) {}

    /** Returns the text that can be shown now. */
    push(text: string): string {
        if (this.decided) return text;
        this.pending += text;
        const trimmed = this.pending.trimStart();
        if (trimmed.startsWith(this.tag)) {
            this.decided = true;
            const rest = trimmed.slice(this.tag.length).replace(/^\r?\n/, "");
            this.pending = "";
            return rest;
        }
        if (trimmed.length > 0 && !this.tag.startsWith(trimmed)) return this.flush();
        return "";
    }

    /** Releases whatever is held back (the stream ended). */
    flush(): string {
        this.decided = true;
        const text = this.pending;
        this.pending = "";
        return text;
    }
}
