/**
 * Turns the streamed answer of a rewrite into the code lines to show, chunk by chunk. The engine
 * already sends the thought apart from the answer; this is the second wall that keeps thought text
 * out of the file: an answer that opens with `<think>` shows nothing until `</think>`, and anything
 * before a `</think>` (a model that writes only the closing tag) is thought too. A code fence is
 * reduced to its content (prose before it, which shows only until the fence opens, and after it
 * are dropped); the finished answer is reduced with the same markdown parser as Apply to File
 * (fragmentSource.ts). Lines are shown once complete, re-indented to the target's indentation in
 * the file's unit (fragmentText.ts). Plain TypeScript.
 */
import {withoutThought} from "../chat/answerText";
import {codeBlockAt} from "./fragmentSource";
import {fragmentLines, isBlank, reindent} from "./fragmentText";

export interface RewriteIndent {
    /** Columns of the target's least indented line: the rewrite's least indented line goes there. */
    readonly width: number;
    /** The file's indentation unit ("\t" or spaces). */
    readonly unit: string;
}

export interface StreamSnapshot {
    /** The code lines so far, re-indented. */
    readonly lines: readonly string[];
    /** The closing fence has arrived: the rest of the answer is not code. */
    readonly complete: boolean;
}

const fenceOpener = /^\s*(`{3,}|~{3,})/;

export class RewriteStream {
    private answer = "";
    private shown: StreamSnapshot = {lines: [], complete: false};

    constructor(private readonly indent: RewriteIndent) {}

    /** Adds a chunk; returns the new snapshot when the lines to show changed, else undefined. */
    push(text: string): StreamSnapshot | undefined {
        this.answer += text;
        const snapshot = this.snapshot();
        if (sameLines(snapshot.lines, this.shown.lines) && snapshot.complete === this.shown.complete) return undefined;
        this.shown = snapshot;
        return snapshot;
    }

    /** The whole answer, reduced: the first code block's content when it has one, else its text. */
    finish(): readonly string[] {
        const text = withoutThought(this.answer);
        const block = fenceOpener.test(text) || /\n\s*(`{3,}|~{3,})/.test(text) ? codeBlockAt(text, 0) : undefined;
        const lines = fragmentLines(block ? block.code : text);
        return reindent(lines, this.indent.width, this.indent.unit);
    }

    private snapshot(): StreamSnapshot {
        const text = withoutThought(this.answer);
        const complete = text.lastIndexOf("\n");
        const lines = complete < 0 ? [] : text.slice(0, complete).split(/\r?\n/);
        const {code, closed} = fencedCode(lines);
        // Blank lines at the start are dropped; at the end they wait for the code that follows them.
        const first = code.findIndex((line) => !isBlank(line));
        const last = code.findLastIndex((line) => !isBlank(line));
        const kept = first < 0 ? [] : code.slice(first, last + 1);
        return {lines: reindent(kept, this.indent.width, this.indent.unit), complete: closed};
    }
}

/** The lines of the first fenced block (up to its closing fence), or all lines while no fence has opened. */
function fencedCode(lines: readonly string[]): {code: readonly string[]; closed: boolean} {
    const opener = lines.findIndex((line) => fenceOpener.test(line));
    if (opener < 0) return {code: lines, closed: false};
    const marker = fenceOpener.exec(lines[opener] ?? "")?.[1] ?? "```";
    const closing = new RegExp(`^\\s*${marker[0] === "`" ? "`" : "~"}{${marker.length},}\\s*$`);
    const rest = lines.slice(opener + 1);
    const end = rest.findIndex((line) => closing.test(line));
    return end < 0 ? {code: rest, closed: false} : {code: rest.slice(0, end), closed: true};
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && a.every((line, index) => line === b[index]);
}
