/**
 * The host↔webview protocol for the chat and reasoning-trace views, defined once and imported by
 * both ends: the extension host (providers) and the browser bundles under media/. No `vscode`
 * import, so it bundles for the browser and is tested in plain Node.
 *
 * Every message that crosses the boundary is validated on arrival. The webview treats the host as
 * trusted but still checks shapes (a version skew must not render garbage); the host must treat the
 * webview as untrusted, since it renders model output: `openLink` only carries http(s) addresses and
 * every size is bounded.
 */
// A namespace import lets esbuild drop the parts of zod the webview bundles do not use (85 KB, not 450 KB).
import * as z from "zod";
import type {StopReason as EngineStopReason} from "../engine/protocol";

/** Bounds keep a confused peer from making the other side hold or render absurd amounts of text. */
const MAX_TEXT = 4_000_000;
const Text = z.string().max(MAX_TEXT);
const Label = z.string().max(10_000);
const Id = z.string().min(1).max(200);
const Count = z.number().int().nonnegative();
const Millis = z.number().nonnegative();

export const attachmentKinds = ["selection", "file", "editors", "workspace"] as const;
export type AttachmentKind = (typeof attachmentKinds)[number];
const AttachmentKind = z.enum(attachmentKinds);

/** Mirrors the engine's stop reasons; the type check below breaks the build if they drift apart. */
export const stopReasons = ["eos", "maxTokens", "abort", "stopString", "timeCap"] as const;
export type StopReason = (typeof stopReasons)[number];
const StopReason = z.enum(stopReasons);
const sameStopReasons: [EngineStopReason] extends [StopReason] ? ([StopReason] extends [EngineStopReason] ? true : false) : false = true;
void sameStopReasons;

/** A 1-based line number in a file. */
const Line = z.number().int().positive().max(100_000_000);
const MAX_ATTACHMENTS = 100;
/** An attachment's place in its turn's list: what the view sends back instead of a path. */
const AttachmentIndex = z.number().int().nonnegative().max(MAX_ATTACHMENTS - 1);

const Attachment = z.object({
    kind: AttachmentKind,
    label: Label,
    /**
     * Set when the host can open the attachment's file (workspace code): the path as the prompt
     * gave it to the model, so the view can make the answer's `path:line` references clickable.
     */
    path: Label.optional(),
    startLine: Line.optional(),
    endLine: Line.optional()
});
export type Attachment = z.infer<typeof Attachment>;

const ChatSummary = z.object({id: Id, title: Label, updatedAt: z.number()});
export type ChatSummary = z.infer<typeof ChatSummary>;

const AnswerStats = z.object({
    thoughtTokens: Count,
    answerTokens: Count,
    /** The whole turn, from the question to the end of the answer (the model's load included). */
    elapsedMs: Millis,
    /** From the first to the last thought token; absent in chats saved before it was kept. */
    thoughtMs: Millis.optional(),
    /** True when the thinking budget, not the model, ended the thought. */
    thoughtCutByBudget: z.boolean()
});
export type AnswerStats = z.infer<typeof AnswerStats>;

const TranscriptTurn = z.object({
    turnId: Id,
    userText: Text,
    attachments: z.array(Attachment).max(MAX_ATTACHMENTS),
    answer: Text,
    /** Absent together with `error` while the turn is still streaming (the view was re-created mid-answer). */
    stopReason: StopReason.optional(),
    stats: AnswerStats.optional(),
    /** Set when the turn failed; `answer` keeps whatever arrived before. */
    error: Label.optional(),
    /** A line about the turn that is not a failure, e.g. why no workspace code was used. */
    notice: Label.optional()
});
export type TranscriptTurn = z.infer<typeof TranscriptTurn>;

const Transcript = z.object({id: Id, title: Label, turns: z.array(TranscriptTurn).max(10_000)});
export type Transcript = z.infer<typeof Transcript>;

/**
 * The configured chat model as the panel shows it from the start: its name, whether it is loaded
 * (it loads on first use), and its context size once known.
 */
export const modelStates = ["notLoaded", "loading", "ready", "error"] as const;
const ModelSummary = z.object({name: Label, state: z.enum(modelStates), contextSize: Count.optional()});
export type ModelSummary = z.infer<typeof ModelSummary>;

// ── host → chat ────────────────────────────────────────────────────────────────────────────────

const HostToChat = z.discriminatedUnion("type", [
    /**
     * The whole state of the view. Sent after `ready`, and again whenever the current chat changes
     * (after `newChat`, `openChat`, `deleteChat` of the open chat): the view replaces everything.
     */
    z.object({
        type: z.literal("init"),
        chats: z.array(ChatSummary).max(10_000),
        current: Transcript.nullable(),
        /** null: no chat model is configured. */
        model: ModelSummary.nullable(),
        /** Shown as is, e.g. "Thinking: normal". */
        thinkingBudget: Label
    }),
    z.object({
        type: z.literal("turnStarted"),
        turnId: Id,
        userText: Text,
        attachments: z.array(Attachment).max(MAX_ATTACHMENTS),
        /** For `regenerate`: the turn this one replaces, removed from the view. */
        replaces: Id.optional()
    }),
    z.object({type: z.literal("answerChunk"), turnId: Id, text: Text}),
    /** What the turn waits for before the model starts, e.g. "Indexing the workspace: 1,200 of 5,000 files". */
    z.object({type: z.literal("turnProgress"), turnId: Id, text: Label}),
    /** The turn's attachments now (workspace code was found or fitted): the view replaces the list it had. */
    z.object({type: z.literal("turnAttachments"), turnId: Id, attachments: z.array(Attachment).max(MAX_ATTACHMENTS)}),
    /** See TranscriptTurn's `notice`. */
    z.object({type: z.literal("turnNotice"), turnId: Id, text: Label}),
    /** The chat shows only a "Thinking… (n tokens)" indicator; the thought itself goes to the trace view. */
    z.object({
        type: z.literal("thoughtChunk"),
        turnId: Id,
        text: Text,
        /** Thought tokens so far in this turn, as the model counted them. */
        thoughtTokens: Count
    }),
    z.object({type: z.literal("turnEnded"), turnId: Id, stopReason: StopReason, stats: AnswerStats}),
    z.object({type: z.literal("turnFailed"), turnId: Id, message: Label}),
    /**
     * How much of the model's context the conversation uses; `trimmedTurns` oldest turns were left out.
     * `workspaceTokens` of `usedTokens` are the newest turn's workspace code, and
     * `workspaceChunksLeftOut` less relevant chunks did not fit.
     */
    z.object({
        type: z.literal("usage"),
        usedTokens: Count,
        contextSize: Count,
        trimmedTurns: Count,
        workspaceTokens: Count.optional(),
        workspaceChunksLeftOut: Count.optional()
    }),
    z.object({type: z.literal("history"), chats: z.array(ChatSummary).max(10_000)}),
    /** The configured model or its state changed (a setting, a load, an error): the footer follows. */
    z.object({type: z.literal("model"), model: ModelSummary.nullable(), thinkingBudget: Label}),
    /** The answer to a `copyCode`: whether the code is on the clipboard now. */
    z.object({type: z.literal("copied"), requestId: Id, ok: z.boolean()})
]);
export type HostToChat = z.infer<typeof HostToChat>;
export type HostToChatOf<K extends HostToChat["type"]> = Extract<HostToChat, {type: K}>;

// ── chat → host ────────────────────────────────────────────────────────────────────────────────

/** The only links the host may open for the webview: absolute http(s) addresses. */
export function isSafeExternalHref(href: string): boolean {
    // The raw text must already look like an absolute http(s) URL: URL parsing alone would repair
    // " javascript:" or "https:///x" into something else than what the user saw.
    if (href.length > 8_000 || !/^https?:\/\/[^/\\\s]/i.test(href)) return false;
    let url: URL;
    try {
        url = new URL(href);
    } catch {
        return false;
    }
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

const Code = z.string().max(MAX_TEXT);

const ChatToHost = z.discriminatedUnion("type", [
    z.object({type: z.literal("ready")}),
    z.object({
        type: z.literal("send"),
        text: Text.refine((text) => text.trim() !== "", "empty message"),
        attach: z.array(AttachmentKind).max(attachmentKinds.length)
    }),
    z.object({type: z.literal("stop")}),
    z.object({type: z.literal("regenerate")}),
    z.object({type: z.literal("newChat")}),
    z.object({type: z.literal("openChat"), chatId: Id}),
    z.object({type: z.literal("deleteChat"), chatId: Id}),
    /** `requestId` comes back in the host's `copied`, which is when the button says "Copied". */
    z.object({type: z.literal("copyCode"), code: Code, requestId: Id}),
    z.object({type: z.literal("insertCode"), code: Code}),
    /**
     * `language` is the fence's info word ("ts", "python"), or "" when the block had none. `turnId`
     * and `block` (the block's place among the answer's code blocks) let the host read the fence's
     * info string and the line before it in the turn's own answer, and the turn's attachments, to
     * find the file the code is for: the view names no file.
     */
    z.object({type: z.literal("applyCode"), code: Code, language: z.string().max(100), turnId: Id, block: z.number().int().nonnegative().max(100_000)}),
    /**
     * Opens the file of attachment `index` of turn `turnId` — the host looks it up in that turn's own
     * attachments, the view never names a file — at `lines` (a reference in the answer) or else at the
     * attachment's own lines.
     */
    z.object({
        type: z.literal("openSource"),
        turnId: Id,
        index: AttachmentIndex,
        lines: z.object({start: Line, end: Line}).refine((lines) => lines.end >= lines.start, "end before start").optional()
    }),
    /** Drops workspace chunk `index` from the last turn and answers it again without it. */
    z.object({type: z.literal("dropSource"), turnId: Id, index: AttachmentIndex}),
    /** Sent after a user click; the host opens it with vscode.env.openExternal. */
    z.object({type: z.literal("openLink"), href: z.string().refine(isSafeExternalHref, "only http(s) links")})
]);
export type ChatToHost = z.infer<typeof ChatToHost>;
export type ChatToHostOf<K extends ChatToHost["type"]> = Extract<ChatToHost, {type: K}>;

// ── host → trace ───────────────────────────────────────────────────────────────────────────────

const TraceStats = z.object({
    thoughtTokens: Count,
    /** From the first to the last thought token (the model's load and the prompt are not thinking). */
    thoughtMs: Millis,
    /** Thought tokens per second of `thoughtMs`; absent when there is no time to divide by. */
    tokensPerSecond: z.number().nonnegative().optional(),
    thoughtCutByBudget: z.boolean()
});
export type TraceStats = z.infer<typeof TraceStats>;

/** What a section's thought was for: a chat answer, a review, an inline edit, a commit message. */
export const traceKinds = ["chat", "review", "edit", "commit"] as const;
export type TraceKind = (typeof traceKinds)[number];
const Kind = z.enum(traceKinds);

/** `thoughtStartedAt` (epoch ms): when a turn still thinking began to, so a re-created view's timer goes on from there. */
const TraceTurn = z.object({turnId: Id, kind: Kind, title: Label, thought: Text, stats: TraceStats.optional(), thoughtStartedAt: z.number().optional()});
export type TraceTurn = z.infer<typeof TraceTurn>;

const HostToTrace = z.discriminatedUnion("type", [
    /** Every section the panel holds (the current chat's turns and the reviews, edits and commit messages since), oldest first; one without `stats` is still thinking. */
    z.object({type: z.literal("init"), turns: z.array(TraceTurn).max(10_000)}),
    z.object({type: z.literal("turnStarted"), turnId: Id, kind: Kind, title: Label}),
    /** `thoughtTokens`: the turn's thought tokens so far, as the model counted them. */
    z.object({type: z.literal("thoughtChunk"), turnId: Id, text: Text, thoughtTokens: Count}),
    z.object({type: z.literal("turnEnded"), turnId: Id, stats: TraceStats}),
    /** The answer to a `copyThought`: whether the thought is on the clipboard now. */
    z.object({type: z.literal("thoughtCopied"), turnId: Id, ok: z.boolean()})
]);
export type HostToTrace = z.infer<typeof HostToTrace>;
export type HostToTraceOf<K extends HostToTrace["type"]> = Extract<HostToTrace, {type: K}>;

// ── trace → host ───────────────────────────────────────────────────────────────────────────────

const TraceToHost = z.discriminatedUnion("type", [
    z.object({type: z.literal("ready")}),
    /** The Copy button of a section: the host copies its own copy of that thought. */
    z.object({type: z.literal("copyThought"), turnId: Id})
]);
export type TraceToHost = z.infer<typeof TraceToHost>;

/**
 * The schemas saved chats are checked with (src/chat/historySchema.ts): a saved turn is what the
 * view renders plus what only the host keeps, so history the host loads is history the view accepts.
 */
export const viewSchemas = {text: Text, label: Label, id: Id, line: Line, attachmentKind: AttachmentKind, transcriptTurn: TranscriptTurn, maxAttachments: MAX_ATTACHMENTS} as const;

// ── parsing ────────────────────────────────────────────────────────────────────────────────────

export type Parsed<T> = {ok: true; value: T} | {ok: false; error: string};

function parse<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
    const result = schema.safeParse(value);
    return result.success ? {ok: true, value: result.data} : {ok: false, error: z.prettifyError(result.error)};
}

export const parseHostToChat = (value: unknown): Parsed<HostToChat> => parse(HostToChat, value);
export const parseChatToHost = (value: unknown): Parsed<ChatToHost> => parse(ChatToHost, value);
export const parseHostToTrace = (value: unknown): Parsed<HostToTrace> => parse(HostToTrace, value);
export const parseTraceToHost = (value: unknown): Parsed<TraceToHost> => parse(TraceToHost, value);

export const isChatToHost = (value: unknown): value is ChatToHost => ChatToHost.safeParse(value).success;
export const isTraceToHost = (value: unknown): value is TraceToHost => TraceToHost.safeParse(value).success;
