/**
 * The vocabulary of inline completions, free of `vscode` so that the VS Code adapter and the
 * benchmark drive the same code. Positions are UTF-16 offsets into the document text, as VS Code's
 * `document.offsetAt` gives them.
 */
import type {CompleteParams, CompleteResult, CompletionFormat} from "../engine/protocol";
import type {WorkspaceRoot} from "./workspacePath";

/** What the loaded completion model is, as the worker reported it (ModelInfo); never derived here. */
export interface CompletionModelCaps {
    /** The prompt format the worker decided for the model (`completionFormat`), used as-is. */
    format: CompletionFormat;
    /** The model reasons in `<think>` blocks (an R1 distill): an R1 prompt skips the thought. */
    thinks: boolean;
    /** Tokens one sequence can hold: prompt and generated text together. */
    contextSize: number;
}

/** The document as the caller sees it at one moment. */
export interface DocumentSnapshot {
    uri: string;
    languageId: string;
    text: string;
    /** The cursor, as a UTF-16 index into `text`. */
    offset: number;
    /** Grows with every edit (VS Code's `document.version`). */
    version: number;
    /** The workspace folder the document is in: prompts name files relative to it, and it names the repository. */
    workspace?: WorkspaceRoot;
}

/** Text from another file (or a far part of this one) that may help the model. */
export interface ContextChunk {
    uri: string;
    text: string;
    languageId?: string;
}

/** What the session sends and gets back: the engine's `complete` request (see protocol.ts). */
export type CompletionRequest = CompleteParams;
export type CompletionResponse = CompleteResult;

/** The model behind the session: the EngineClient in the extension, a direct node-llama-cpp driver or a fake in tests. */
export interface CompletionBackend {
    /**
     * Must stop generating when `signal` aborts (resolving with partial text or rejecting are both
     * fine). `purpose` "warm": a `prefillOnly` request that evaluates the prompt ahead of a suggestion.
     */
    complete(params: CompletionRequest, signal: AbortSignal, purpose?: "suggest" | "warm"): Promise<CompletionResponse>;
}

/** One suggestion for the cursor of one snapshot; `text` is inserted at the cursor. */
export interface Suggestion {
    text: string;
    /** Served from the cache of recent suggestions, without a model call. */
    fromCache: boolean;
    /** The user typed the start of the shown suggestion; this is the rest, without a model call. */
    typedThrough: boolean;
    /** From the call to `suggest` to the answer, debounce included. */
    latencyMs: number;
    /** From the model call (absent for cached and typed-through suggestions): prompt tokens, and how many the KV cache held. */
    promptTokens?: number;
    reusedTokens?: number;
}
