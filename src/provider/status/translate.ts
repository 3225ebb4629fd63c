/**
 * `vscode.l10n.t`'s shape: a message with {0}, {1}… placeholders and its arguments. The status
 * views take one so that they stay free of `vscode` (unit tests pass `formatMessage`).
 */
export type Translate = (message: string, ...args: Array<string | number>) => string;

/** English, as `vscode.l10n.t` formats it with no translation loaded. */
export const formatMessage: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (whole, index: string) => String(args[Number(index)] ?? whole));
