import type {Turn} from "./types";

const titleLength = 60;

/** What the panel shows of the user's message: a canned prompt's short form, else the text sent. */
export const turnShownText = (turn: Turn): string => turn.displayText ?? turn.userText;

/** A chat's (or a Reasoning section's) title: the first line of `text`, cut at 60 characters. */
export function titleOf(text: string): string {
    const line = text.trim().split("\n")[0] ?? "";
    return line.length > titleLength ? `${line.slice(0, titleLength - 1)}…` : line || "New chat";
}

export const turnTitle = (turn: Turn): string => titleOf(turnShownText(turn));
