/**
 * The model's answer made into a commit message: thought text, code fences, quotes, labels and
 * prefaces removed; a subject longer than the limit wrapped into the body. Safe on a partial answer,
 * so the text streaming into the input box is already clean (an unclosed `<think>` hides what follows).
 */
import {withoutThought} from "../chat/answerText";
import {maxSubjectLength} from "./prompt";

export function cleanCommitMessage(answer: string): string {
    let text = answer.replace(/\r\n?/g, "\n");
    text = withoutThought(text);
    text = unquoteWhole(stripFences(text).trim());
    text = text.replace(/^(here(?:'s| is) (?:a|the) (?:suggested |proposed )?commit message:?|commit message:)\s*\n/i, "");
    const lines = text.split("\n");
    const subjectIndex = lines.findIndex((line) => line.trim() !== "");
    if (subjectIndex < 0) return "";
    let subject = unquote(stripLabel(lines[subjectIndex]!.trim(), "subject")).replace(/^#+\s*/, "").replace(/^\*\*(.*)\*\*$/, "$1");
    const bodyLines = lines.slice(subjectIndex + 1).map((line) => stripLabel(line, "body"));
    if (!/\.\.\.$/.test(subject)) subject = subject.replace(/\.$/, "");
    const wrapped = wrapSubject(subject);
    const body = [...(wrapped.rest !== "" ? [wrapped.rest] : []), ...bodyLines].join("\n").replace(/^\n+/, "").trimEnd();
    return body === "" ? wrapped.subject : `${wrapped.subject}\n\n${wrapBody(body)}`;
}

/** The inside of the first code fence when the answer has one (an unclosed one while streaming). */
function stripFences(text: string): string {
    const fence = /^[ \t]*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)(?:^[ \t]*\1[ \t]*$|(?![\s\S]))/m.exec(text);
    if (!fence) return text.replace(/^[ \t]*(`{3,}|~{3,})[^\n]*$/m, "");
    return fence[2] ?? "";
}

function stripLabel(line: string, label: "subject" | "body"): string {
    return line.replace(new RegExp(`^\\s*(?:\\*\\*)?${label}(?:\\*\\*)?\\s*:(?:\\*\\*)?\\s*`, "i"), "");
}

/** A subject in quotes, without them (a quote inside means they belong to the text, as in `a` and `b`). */
function unquote(text: string): string {
    const quote = text.charAt(0);
    return text.length > 1 && /["'`]/.test(quote) && text.endsWith(quote) && !text.slice(1, -1).includes(quote) ? text.slice(1, -1) : text;
}

/** A whole message in quotes (or, while streaming, one whose opening quote is not closed yet), without them. */
function unquoteWhole(text: string): string {
    const quote = text.charAt(0);
    if (!/["'`]/.test(quote)) return text;
    const inner = text.slice(1);
    const closed = inner.endsWith(quote) && !inner.slice(0, -1).includes(quote);
    if (closed) return inner.slice(0, -1).trim();
    return inner.includes(quote) ? text : inner;
}

/**
 * A subject over the limit is cut at the last space that keeps it within the limit; the rest
 * starts the body, so nothing the model wrote is lost. A single word longer than the limit is cut.
 */
export function wrapSubject(subject: string): {subject: string; rest: string} {
    if ([...subject].length <= maxSubjectLength) return {subject, rest: ""};
    const space = subject.lastIndexOf(" ", maxSubjectLength);
    const cut = space > maxSubjectLength / 2 ? space : maxSubjectLength;
    return {subject: subject.slice(0, cut).trimEnd(), rest: subject.slice(cut).trim()};
}

/** Body lines longer than the limit wrapped at spaces; list items keep their hanging indent. */
function wrapBody(body: string): string {
    return body
        .split("\n")
        .flatMap((line) => {
            if (line.length <= maxSubjectLength) return [line];
            const indent = /^(\s*(?:[-*]|\d+\.)\s+|\s*)/.exec(line)?.[0] ?? "";
            const hanging = " ".repeat(indent.length);
            const out: string[] = [];
            let current = "";
            for (const word of line.slice(indent.length).split(/\s+/)) {
                const prefix = out.length === 0 ? indent : hanging;
                if (current !== "" && prefix.length + current.length + 1 + word.length > maxSubjectLength) {
                    out.push(prefix + current);
                    current = word;
                } else current = current === "" ? word : `${current} ${word}`;
            }
            if (current !== "") out.push((out.length === 0 ? indent : hanging) + current);
            return out;
        })
        .join("\n");
}
