// The 200-line file suite/apply.test.ts applies a chat answer to, and the scripted model's answer
// (settings.ts) that changes one of its functions and names the file on the line before the fence.

/** Workspace-relative; the test writes it, with CRLF line endings, and deletes it afterwards. */
export const applyFile = "apply/steps.ts";

/** 41 functions of 4 lines, a blank line between: 204 lines. */
export const applyFileText = Array.from({length: 41}, (_, i) => `export function step${i}(value: number): number {\r\n    const next = value + ${i};\r\n    return next * 2;\r\n}\r\n`).join("\r\n");

export const applyFragment = "export function step17(value: number): number {\n    return (value + 17) * 3;\n}";

export const applyAnswer = `Triple it instead. In \`${applyFile}\`:\n\n\`\`\`ts\n${applyFragment}\n\`\`\`\n`;

/** The file after the fragment went where it belongs: only step17's body changed, CRLF kept. */
export const appliedFileText = applyFileText.replace("export function step17(value: number): number {\r\n    const next = value + 17;\r\n    return next * 2;\r\n}", applyFragment.replace(/\n/g, "\r\n"));
