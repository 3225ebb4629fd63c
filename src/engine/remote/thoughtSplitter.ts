/**
 * R1's thought inside the answer text, as servers that pass the model's text through send it
 * (`<think>…</think>` in `content`, or only `</think>` when the template opened the thought):
 * split while streaming into thought and answer pieces. A piece that may be the start of a tag
 * is held back until the next chunk says what it is.
 */
const open = "<think>";
const close = "</think>";

export interface SplitPiece {
    kind: "thought" | "answer";
    text: string;
}

export class ThoughtSplitter {
    private state: "start" | "thought" | "answer" = "start";
    private held = "";
    /** Whether a thought was closed (`</think>` came): without it, an assumed thought was the answer. */
    closed = false;
    private answerStarted = false;

    /** `assumeThought`: the server's template opens the thought itself (only `</think>` will come). */
    constructor(private readonly assumeThought = false) {}

    push(chunk: string): SplitPiece[] {
        let text = this.held + chunk;
        this.held = "";
        const pieces: SplitPiece[] = [];
        for (;;) {
            if (this.state === "start") {
                const lead = text.trimStart();
                if (lead.startsWith(open)) {
                    text = lead.slice(open.length);
                    this.state = "thought";
                    continue;
                }
                if (lead === "" || open.startsWith(lead)) {
                    this.held = text;
                    return pieces;
                }
                this.state = this.assumeThought || text.includes(close) ? "thought" : "answer";
                continue;
            }
            if (this.state === "thought") {
                const at = text.indexOf(close);
                if (at >= 0) {
                    if (at > 0) pieces.push({kind: "thought", text: text.slice(0, at)});
                    text = text.slice(at + close.length);
                    this.state = "answer";
                    this.closed = true;
                    continue;
                }
                const keep = partialTagLength(text, close);
                if (text.length - keep > 0) pieces.push({kind: "thought", text: text.slice(0, text.length - keep)});
                this.held = text.slice(text.length - keep);
                return pieces;
            }
            // The line breaks between `</think>` and the answer are the template's, not the answer's.
            if (this.closed && !this.answerStarted) text = text.replace(/^\n+/, "");
            if (text !== "") {
                this.answerStarted = true;
                pieces.push({kind: "answer", text});
            }
            return pieces;
        }
    }

    /** The end of the stream: whatever was held back is what it looked like. */
    end(): SplitPiece[] {
        const rest = this.held;
        this.held = "";
        if (rest === "") return [];
        return [{kind: this.state === "thought" ? "thought" : "answer", text: rest}];
    }
}

/** How many characters at the end of `text` could begin `tag`. */
function partialTagLength(text: string, tag: string): number {
    for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) if (tag.startsWith(text.slice(text.length - length))) return length;
    return 0;
}
