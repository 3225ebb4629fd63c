/**
 * `@workspace` typed in a message asks for workspace code, like the composer's Workspace toggle.
 * The user keeps seeing what they typed; the model sees the question without the mention (it would
 * only be noise to it, and the retrieval would rank files that happen to say "workspace").
 */

// At the start or after white space, and followed by the end, white space or punctuation:
// "@workspace," counts, "me@workspace.io" and "@workspaces" do not.
const mention = /(^|\s)@workspace(?=$|[\s.,;:!?)])/gi;

export function mentionsWorkspace(text: string): boolean {
    mention.lastIndex = 0;
    return mention.test(text);
}

/** `text` without its `@workspace` mentions; `text` itself when nothing else is left. */
export function withoutWorkspaceMention(text: string): string {
    const stripped = text.replace(mention, "$1").replace(/[ \t]{2,}/g, " ").trim();
    return stripped === "" ? text : stripped;
}
