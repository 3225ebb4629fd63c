/**
 * What "Explain with Enclave" asks and how the chat shows it: the model gets the full instruction,
 * the user sees "Explain `greet` (sample.ts:2-4)" — the code's name when its first line declares
 * one — and the chat is titled after the code, not after the canned prompt.
 */
import type {Attachment} from "./types";

export const explainPrompt = "Explain this code: what it does, how it works, and anything surprising or risky in it.";

/** Declarations across common languages: `function greet`, `const greet =`, `class Greeter`, `def greet`, `fn greet`, `greet(a) {`. */
const declarations = [
    /\b(?:function\*?|class|interface|enum|type|struct|trait|impl|def|fn|func|fun|sub|module|namespace)\s+([A-Za-z_$][\w$]*)/,
    /\b(?:const|let|var|val)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=/,
    /^\s*(?:(?:public|private|protected|static|async|override|readonly|export|default)\s+)*([A-Za-z_$][\w$]*)\s*\([^)]*\)\s*(?::[^{]*)?\{/
];

/** The name the selection's first non-blank line declares, if it declares one. */
export function declaredName(code: string): string | undefined {
    const first = code.split("\n").find((line) => line.trim() !== "") ?? "";
    for (const pattern of declarations) {
        const name = pattern.exec(first)?.[1];
        if (name !== undefined && !["if", "for", "while", "switch", "catch", "return"].includes(name)) return name;
    }
    return undefined;
}

/** "Explain `greet` (sample.ts:2-4)", or "Explain sample.ts:2-4" when the code declares no name. */
export function explainLabel(selection: Attachment): string {
    const name = declaredName(selection.content);
    return name ? `Explain \`${name}\` (${selection.label})` : `Explain ${selection.label}`;
}
