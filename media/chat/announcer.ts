/**
 * What a screen reader hears of the chat without moving focus: a polite live region that says when
 * Enclave starts thinking and answering, and, when an answer is complete, its first sentence and
 * "answer complete". Tokens are never announced one by one.
 */
import {el} from "../shared/dom";

const maxSentence = 200;

export class Announcer {
    readonly element = el("div", {class: "visually-hidden", attrs: {role: "status", "aria-live": "polite", "aria-atomic": "true"}});
    private said = "";

    /** Says `text` once; the same state again stays silent. */
    say(text: string): void {
        if (text === this.said) return;
        this.said = text;
        this.element.textContent = text;
    }

    answerComplete(answer: string): void {
        const sentence = firstSentence(answer);
        this.say(sentence === "" ? "Answer complete." : `${sentence} Answer complete.`);
    }
}

/** The answer's first sentence as plain words: markdown marks and code fences left out. */
export function firstSentence(markdown: string): string {
    const prose = markdown
        .replace(/```[\s\S]*?(```|$)/g, " ")
        .replace(/[#>*_`|[\]]/g, "")
        .replace(/\s+/g, " ")
        .trim();
    const match = /^.*?[.!?](?=\s|$)/.exec(prose);
    const sentence = match ? match[0] : prose;
    return sentence.length > maxSentence ? `${sentence.slice(0, maxSentence - 1)}…` : sentence;
}
