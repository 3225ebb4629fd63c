/**
 * The host↔worker protocol, defined once and imported by both ends. Each method maps to the schema
 * of its params, its streamed events and its result; messages are validated on arrival on both
 * sides (a malformed message is a bug or a version skew, never something to act on).
 */
import {z} from "zod";
import {engineErrorCodes} from "./errors";
import {rpcMessages, parsePartOf, parseWith, type Parsed} from "./channel/rpcMessages";
import {modelManagerMethods} from "./modelManagerProtocol";

export type {LogLevel} from "./channel/rpcMessages";

export const sequenceNames = ["chat", "completion", "review"] as const;
export type SequenceName = (typeof sequenceNames)[number];

/**
 * Which model a request is for. The chat model serves everything by default; a separate small
 * FIM model may be loaded beside it for completions, on a context of its own.
 */
export const modelRoles = ["chat", "completion"] as const;
export type ModelRole = (typeof modelRoles)[number];
const ModelRoleSchema = z.enum(modelRoles);

/**
 * How completions are prompted on a model:
 * - "r1": a chat turn in DeepSeek-R1's format whose answer is prefilled (thought skipped, open code fence);
 * - "repoFim": Qwen2.5-Coder's repository-level fill-in-the-middle (`<|repo_name|>`, `<|file_sep|>` files, FIM tokens);
 * - "fim": fill-in-the-middle tokens only, other files as comments in the prefix;
 * - "plain": the file before the cursor, continued as plain text (no suffix).
 */
export const completionFormats = ["r1", "repoFim", "fim", "plain"] as const;
export type CompletionFormat = (typeof completionFormats)[number];
const CompletionFormatSchema = z.enum(completionFormats);

/** A path or name on one line: the repository format puts each on a line of its own. */
const oneLine = (what: string, max: number) =>
    z.string().min(1, `${what} is empty.`).max(max, `${what} is longer than ${max} characters.`).refine((text) => !/[\r\n]/.test(text), `${what} must be on one line.`);

/** Qwen2.5-Coder's repository part of a repoFim prompt: what precedes `<|fim_prefix|>`. */
const CompletionRepository = z.object({
    /** `<|repo_name|>{name}`: the workspace folder's name. */
    name: oneLine("The repository name", 256),
    /** Other files, `<|file_sep|>{path}\n{text}\n` each, in this order, before the current one. */
    files: z.array(z.object({path: oneLine("A file path", 1024), text: z.string()})).max(256),
    /** The current file's path, `<|file_sep|>{path}\n` right before `<|fim_prefix|>`. */
    path: oneLine("The current file's path", 1024)
});
export type CompletionRepository = z.infer<typeof CompletionRepository>;

const LoadParams = z.object({
    modelPath: z.string().min(1),
    role: ModelRoleSchema.optional(),
    /** 0 or absent: the largest that fits, capped by the model's training size. */
    contextSize: z.number().int().nonnegative().optional(),
    /** 0 or absent: the machine's math cores. */
    threads: z.number().int().nonnegative().optional(),
    gpu: z.enum(["auto", "off"]).optional(),
    /** Layers to put on the GPU; absent: as many as fit ("auto"). Ignored when `gpu` is "off". */
    gpuLayers: z.number().int().nonnegative().optional(),
    /** Chat model only: a separate completion model serves completions, so this one needs no completion sequence. */
    separateCompletion: z.boolean().optional(),
    /** Load even when the plan says it does not fit (the user chose "Load Anyway"): it may swap or fail. */
    ignoreFit: z.boolean().optional()
});
export type LoadParams = z.infer<typeof LoadParams>;

const ModelInfo = z.object({
    modelPath: z.string(),
    role: ModelRoleSchema,
    architecture: z.string(),
    name: z.string().optional(),
    parameterCount: z.number(),
    fileSizeBytes: z.number(),
    contextSize: z.number(),
    trainContextSize: z.number(),
    /** The prompt format completions use on this model, decided by the worker (completionFormat.ts); the host uses it as-is. */
    completionFormat: CompletionFormatSchema,
    /** Why the worker chose `completionFormat`, in a sentence for Show Model Info. */
    completionFormatReason: z.string(),
    /** The chat format used (node-llama-cpp's wrapper name, e.g. "DeepSeek"). */
    chatWrapper: z.string(),
    /** Set when the file has no chat template: one sentence saying which format Enclave uses instead. */
    chatFormatNote: z.string().optional(),
    thinks: z.boolean(),
    threads: z.number(),
    gpu: z.string(),
    /** Layers on the GPU, and the sequences of the context (one entry each: completions have a pool), as the plan chose them. */
    gpuLayers: z.number(),
    sequences: z.array(z.enum(sequenceNames)),
    /** The plan's sentence: how it runs (or, loaded anyway, why it should not have fitted). */
    fit: z.string(),
    memory: z.object({rssBytes: z.number(), modelBytes: z.number()}),
    loadMs: z.number()
});
export type ModelInfo = z.infer<typeof ModelInfo>;

const LoadEvent = z.object({kind: z.literal("progress"), fraction: z.number().min(0).max(1)});

const ChatMessage = z.object({role: z.enum(["user", "assistant"]), content: z.string()});
export type ChatMessage = z.infer<typeof ChatMessage>;

const ChatParams = z.object({
    messages: z.array(ChatMessage).min(1),
    temperature: z.number().min(0).max(2).optional(),
    /** Tokens the answer may generate after the thought (its own room); absent: chatBudgets' default. */
    maxTokens: z.number().int().positive().optional(),
    /** Thought tokens allowed: -1 as many as the context allows, 0 answer without thinking; absent: chatBudgets' default. */
    thoughtBudget: z.number().int().min(-1).optional(),
    seed: z.number().int().optional(),
    /** The sequence (and so the KV cache) to use: "review" keeps code review apart from the chat. */
    sequence: z.enum(["chat", "review"]).optional()
});
export type ChatParams = z.infer<typeof ChatParams>;

/**
 * A piece of the thought or the answer. `tokens`: how many model tokens it holds (the worker counts
 * them; a piece may hold several, and tokens that show no text are counted in the next piece).
 */
const ChatEvent = z.object({kind: z.enum(["thought", "answer"]), text: z.string(), tokens: z.number().int().nonnegative()});
export type ChatEvent = z.infer<typeof ChatEvent>;

const StopReason = z.enum(["eos", "maxTokens", "abort", "stopString", "timeCap"]);
export type StopReason = z.infer<typeof StopReason>;

const ChatResult = z.object({
    thought: z.string(),
    answer: z.string(),
    stopReason: StopReason,
    /** True when the thinking budget, not the model, ended the thought. */
    thoughtCutByBudget: z.boolean(),
    thoughtTokens: z.number(),
    answerTokens: z.number(),
    firstTokenMs: z.number().nullable(),
    totalMs: z.number()
});
export type ChatResult = z.infer<typeof ChatResult>;

const CompleteParams = z.object({
    prefix: z.string(),
    suffix: z.string().optional(),
    /**
     * Text the answer starts with. Infill: placed after `<|fim_middle|>` (the current line up to the
     * cursor). llama.cpp's server appends such text to the prefix instead; we keep it after
     * `<|fim_middle|>` so that what changes while typing sits at the prompt's very end, after the
     * suffix, and a keystroke re-evaluates only the tokens of its own line. Completion: appended to
     * the prefix.
     */
    middle: z.string().optional(),
    /** repoFim models only: the repository part, rendered before `<|fim_prefix|>` (see CompletionRepository). */
    repository: CompletionRepository.optional(),
    maxTokens: z.number().int().positive().optional(),
    stop: z.array(z.string().min(1)).optional(),
    /**
     * Wall-clock cap on generation: it stops (keeping its text) once this has passed since the
     * prompt was evaluated. Prompt evaluation is not capped: it stops at an abort, and what it
     * evaluated stays in the KV cache for the next request.
     */
    timeCapMs: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Parse special-token text in `prefix` (e.g. "<｜User｜>") as the model's special tokens. */
    specialTokens: z.boolean().optional(),
    /** The model to run on; defaults to "chat". */
    model: ModelRoleSchema.optional(),
    /**
     * Only bring the prompt into the KV cache (all but its last token, as a request would), generate
     * nothing: a completion that comes next with this prompt, or one sharing its start, is fast.
     */
    prefillOnly: z.boolean().optional()
});
export type CompleteParams = z.infer<typeof CompleteParams>;

const CompleteEvent = z.object({kind: z.literal("text"), text: z.string()});
export type CompleteEvent = z.infer<typeof CompleteEvent>;

const CompleteResult = z.object({
    text: z.string(),
    mode: z.enum(["infill", "completion"]),
    stopReason: StopReason,
    generatedTokens: z.number(),
    /** Tokens of the prompt, and how many of them the sequence's KV cache already held. */
    promptTokens: z.number(),
    reusedTokens: z.number(),
    /**
     * Time spent evaluating the prompt (the tokens the cache did not hold) before generation, and how
     * many it evaluated. A suggestion's last slice (complete.ts) is evaluated with its first
     * prediction, in generation, and is not counted here.
     */
    prefillMs: z.number().optional(),
    prefillTokens: z.number().optional(),
    /** Tokens cut from the front of a prompt too long for the context (0 or absent: none). */
    cutTokens: z.number().optional(),
    totalMs: z.number()
});
export type CompleteResult = z.infer<typeof CompleteResult>;

const StructuredParams = z.object({
    messages: z.array(ChatMessage).min(1),
    /** A JSON schema (node-llama-cpp's GBNF-convertible subset); the output always parses against it. */
    schema: z.record(z.string(), z.unknown()),
    maxTokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    seed: z.number().int().optional()
});
export type StructuredParams = z.infer<typeof StructuredParams>;

const StructuredResult = z.object({value: z.unknown(), text: z.string(), tokens: z.number(), totalMs: z.number()});
export type StructuredResult = z.infer<typeof StructuredResult>;

const LoadedModelStatus = z.object({
    modelPath: z.string(),
    role: ModelRoleSchema,
    /** Windows (and CLI runs) that have it loaded now. */
    users: z.number().int().nonnegative(),
    /** Since a request last ran on it. */
    idleMs: z.number().nonnegative()
});
export type LoadedModelStatus = z.infer<typeof LoadedModelStatus>;

const ProcessStatus = z.object({
    pid: z.number().int(),
    protocolVersion: z.string(),
    windows: z.number().int().nonnegative(),
    clients: z.number().int().nonnegative(),
    models: z.array(LoadedModelStatus),
    /** Requests running now, from all clients. */
    activeRequests: z.number().int().nonnegative(),
    /** The process exits after this long without a request. */
    idleExitMs: z.number().nonnegative()
});
export type ProcessStatus = z.infer<typeof ProcessStatus>;

/** Limits of one `embed` request: callers split longer lists (EngineClient.embed does). */
export const embedLimits = {maxTexts: 64, maxChars: 8_000} as const;

const EmbedParams = z.object({
    /** The embedding model's file; loaded on first use beside the other models, freed when unused for a while. */
    modelPath: z.string().min(1, "The embedding model's path is empty."),
    texts: z
        .array(
            z.string()
                .min(1, "A text to embed is empty.")
                .max(embedLimits.maxChars, `A text to embed is longer than ${embedLimits.maxChars.toLocaleString("en")} characters.`)
        )
        .min(1, "There are no texts to embed.")
        .max(embedLimits.maxTexts, `At most ${embedLimits.maxTexts} texts can be embedded in one request.`),
    /** A question or a text searched: models trained with task prefixes (nomic-embed-text) get theirs. */
    kind: z.enum(["query", "document"]),
    /** 0 or absent: the machine's math cores. */
    threads: z.number().int().nonnegative().optional(),
    gpu: z.enum(["auto", "off"]).optional()
}).strict();
export type EmbedParams = z.infer<typeof EmbedParams>;

const EmbedResult = z.object({
    /** Every vector's length; `vectors` holds texts.length × dimensions float32s (embeddingVectors.ts). */
    dimensions: z.number().int().positive(),
    vectors: z.string(),
    /** Texts answered from the model process's vector cache, and texts cut to fit the model's context. */
    cached: z.number().int().nonnegative(),
    truncated: z.number().int().nonnegative(),
    totalMs: z.number().nonnegative()
});
export type EmbedResult = z.infer<typeof EmbedResult>;

const TokenizeParams = z.object({text: z.string(), specialTokens: z.boolean().optional(), model: ModelRoleSchema.optional()});
const RoleParams = z.object({model: ModelRoleSchema.optional()}).strict();
const NoEvent = z.never();

/** method name → [params, streamed event, result] */
export const methods = {
    load: {params: LoadParams, event: LoadEvent, result: ModelInfo},
    unload: {params: RoleParams, event: NoEvent, result: z.null()},
    info: {params: RoleParams, event: NoEvent, result: ModelInfo.nullable()},
    chat: {params: ChatParams, event: ChatEvent, result: ChatResult},
    complete: {params: CompleteParams, event: CompleteEvent, result: CompleteResult},
    structured: {params: StructuredParams, event: NoEvent, result: StructuredResult},
    tokenize: {params: TokenizeParams, event: NoEvent, result: z.object({tokens: z.array(z.number().int())})},
    countTokens: {params: TokenizeParams, event: NoEvent, result: z.object({count: z.number().int()})},
    /** Embedding vectors of texts (workspace re-ranking), unit length, in the order given. */
    embed: {params: EmbedParams, event: NoEvent, result: EmbedResult},
    /** The shared process: who uses it and which models it holds (the status bar, "Unload Model"). */
    status: {params: z.object({}).strict(), event: NoEvent, result: ProcessStatus},
    /** Unloads a model for every window that uses it ("unload the other window's idle model"). */
    unloadModel: {params: z.object({modelPath: z.string().min(1)}).strict(), event: NoEvent, result: z.object({unloaded: z.boolean()})},
    /** Unloads everything and ends the process for every window (they start it again on their next request). */
    exit: {params: z.object({}).strict(), event: NoEvent, result: z.null()},
    ...modelManagerMethods
} as const;

export type Methods = typeof methods;
export type Method = keyof Methods;
export type ParamsOf<M extends Method> = z.infer<Methods[M]["params"]>;
export type EventOf<M extends Method> = z.infer<Methods[M]["event"]>;
export type ResultOf<M extends Method> = z.infer<Methods[M]["result"]>;

const ErrorData = z.object({
    code: z.enum(engineErrorCodes),
    message: z.string(),
    detail: z.string().optional(),
    smallerContextSize: z.number().int().positive().optional(),
    /** InsufficientMemory: models other windows keep loaded that, unloaded, would make room. */
    otherModels: z.array(LoadedModelStatus).optional()
});

/** Messages the model process sends every connected client, answering no request. */
const notifications = {
    /** How many windows use the process now (sent to all when one connects or leaves). */
    sharing: z.object({windows: z.number().int().nonnegative(), clients: z.number().int().nonnegative()}),
    /** The process is about to exit on purpose: not a crash (the next request starts it again). */
    bye: z.object({reason: z.enum(["idle", "unload", "shutdown"])})
} as const;

export const engineMessages = rpcMessages(methods, notifications, ErrorData);
export type EngineNotifications = typeof notifications;

declare const ENCLAVE_PROTOCOL_VERSION_OVERRIDE: string | undefined;
/**
 * The version of this protocol: bump it whenever a message changes shape. Windows and model
 * processes of different versions never talk (runtimeDir.ts names the socket after it). A test
 * builds an "older" model process by defining ENCLAVE_PROTOCOL_VERSION_OVERRIDE in esbuild.
 */
export const protocolVersion: string = typeof ENCLAVE_PROTOCOL_VERSION_OVERRIDE === "string" ? ENCLAVE_PROTOCOL_VERSION_OVERRIDE : "17";

type Part = "params" | "event" | "result";

/** Validates one part of a method's traffic against the schema in `methods`. */
export function parsePart<M extends Method, P extends Part>(method: M, part: P, value: unknown): Parsed<z.infer<Methods[M][P]>> {
    return parsePartOf(methods, method, part, value);
}

/** The client messages (request, cancel) and server messages (event, result, error, log, notify) of the engine. */
export const parseClientMessage = (value: unknown) => parseWith(engineMessages.clientMessage, value);
export const parseServerMessage = (value: unknown) => parseWith(engineMessages.serverMessage, value);
