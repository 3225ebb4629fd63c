/**
 * The chat's port to the workspace index: code from files the user has not attached, found for a
 * question. The chat core decides how much of it fits the context (it knows the model and the
 * conversation); the index only ranks. Implemented in the extension by the workspace index
 * (src/provider/workspace/), in tests by fakes.
 */
import type {Attachment} from "./types";

/** One piece of code the index found, best first. */
export interface RetrievedCode {
    /** The file, as a URI string: what a citation opens. */
    uri: string;
    /** Workspace-relative path, as the prompt and the panel show it. */
    fileName: string;
    languageId?: string;
    /** 1-based, inclusive. */
    startLine: number;
    endLine: number;
    content: string;
    /** The function, class or block it is, when the chunker knew (e.g. "parseHeader"). */
    symbol?: string;
}

export interface RetrieveOptions {
    signal: AbortSignal;
    /** At most this many pieces; the caller fits them to the context. */
    maxChunks: number;
    /** What the index is doing while the caller waits, e.g. "Indexing the workspace: 1,200 of 5,000 files". */
    onProgress?(text: string): void;
}

export interface WorkspaceRetriever {
    /**
     * The workspace code most relevant to `question`, best first. The first call may wait for the
     * index to be built. Rejects with a message for the user when there is no workspace to search
     * (no folder open) or the index cannot be read.
     */
    retrieve(question: string, options: RetrieveOptions): Promise<RetrievedCode[]>;
}

/** A retrieved piece as the prompt attaches it (the panel and @enclave alike). */
export function codeAttachment(code: RetrievedCode): Attachment {
    return {
        kind: "workspace",
        label: `${code.fileName}:${code.startLine}-${code.endLine}`,
        fileName: code.fileName,
        ...(code.languageId ? {languageId: code.languageId} : {}),
        startLine: code.startLine,
        endLine: code.endLine,
        content: code.content,
        uri: code.uri
    };
}

