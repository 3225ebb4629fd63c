/**
 * The answer part of a model's text, for every feature that puts an answer somewhere (an inline
 * rewrite, a commit message): thought text never passes. R1's thought ends at `</think>`, and a
 * template that opens the thought itself emits only the closing tag, so what comes before the last
 * `</think>` is thought; a `<think>` still open hides what follows it; and while streaming, a start
 * that may yet become `<think>` is held back.
 */
const thinkOpen = "<think>";
const thinkClose = "</think>";

export function withoutThought(text: string): string {
    const close = text.lastIndexOf(thinkClose);
    if (close >= 0) return text.slice(close + thinkClose.length);
    const open = text.indexOf(thinkOpen);
    if (open >= 0) return text.slice(0, open);
    const lead = text.trimStart();
    if (lead !== "" && thinkOpen.startsWith(lead)) return "";
    return text;
}
