/**
 * The shape of a saved chat, built from the webview protocol's own schemas (`viewSchemas`): the
 * fields the chat view renders (stop reason, stats, error, notice, texts) are checked by the very
 * definitions the view checks them with, so a chat that loads is a chat the view can show. A saved
 * turn adds what only the host keeps: the thought, the attachments' content and file.
 */
import * as z from "zod";
import {viewSchemas} from "../webview/protocol";

const {text: Text, label: Label, id: Id, line: Line, attachmentKind, transcriptTurn, maxAttachments} = viewSchemas;

export const chatIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

const SavedAttachment = z.object({
    kind: attachmentKind,
    label: Label,
    fileName: Label,
    languageId: z.string().max(200).optional(),
    startLine: Line.optional(),
    endLine: Line.optional(),
    content: Text,
    uri: Label.optional()
});

export const SavedTurn = transcriptTurn.pick({userText: true, answer: true, stopReason: true, stats: true, error: true, notice: true}).extend({
    id: Id,
    displayText: Label.optional(),
    thought: Text,
    attachments: z.array(SavedAttachment).max(maxAttachments),
    workspace: z.object({searched: z.boolean()}).optional()
});

/** The chat around its turns; the turns are checked one by one, so one bad turn costs only itself. */
export const SavedChatEnvelope = z.object({
    id: z.string().regex(chatIdPattern, "not a chat id"),
    title: Label,
    createdAt: z.number(),
    updatedAt: z.number(),
    turns: z.array(z.unknown()).max(10_000)
});

export function prettyError(error: z.ZodError): string {
    return z.prettifyError(error).replace(/\s*\n\s*/g, " ");
}
