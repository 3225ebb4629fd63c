/** What bench:index and its measured child process (child.ts) say to each other over the fork's IPC channel. */
import type {BuildReport, IndexedFolder} from "../../src/workspaceIndex/indexProtocol";

export interface ChildJob {
    /** build: open (nothing stored) and build, then queries and edits; reload: open the stored index and reconcile. */
    mode: "build" | "reload";
    workerPath: string;
    grammarsFolder: string;
    rootPath: string;
    indexFile: string;
    rules: IndexedFolder["rules"];
    queries: string[];
    /** Folder-relative files to edit, one update each. */
    edits: string[];
    /** The queries again, re-ranked by this embedding model through the real model process (dist/worker.mjs). */
    embeddings?: {engineWorkerPath: string; modelPath: string};
}

export type Phase = "build" | "reload" | "query" | "queryEmbeddings" | "edit" | "stop";

export interface QueryTiming {
    ms: number;
    /** The files of the top chunks, best first. */
    paths: string[];
}

export interface ChildResult {
    mode: ChildJob["mode"];
    openMs: number;
    /** From the end of open to the end of build (which saves). */
    buildMs: number;
    /** From the start to the last file read (null when no file was read). */
    indexingDoneMs: number | null;
    /** The longest event-loop delay per phase, ms. */
    loopMaxMs: Partial<Record<Phase, number>>;
    queries: QueryTiming[];
    /** The same queries, lexical top 30 re-ranked by embeddings (empty without `embeddings`). */
    queriesEmbeddings: QueryTiming[];
    /** The first 100 of them once more (every chunk's vector cached): ms each. */
    queriesEmbeddingsAgain: number[];
    /** The embedding model's load in the model process (its first request), not part of any query's time. */
    embeddingLoadMs: number | null;
    edits: number[];
    editChecks: number;
    build: BuildReport | null;
    rebuiltBecause: string | null;
}

export type ChildMessage = {type: "ready"} | {type: "phase"; phase: Phase} | {type: "result"; result: ChildResult} | {type: "failed"; message: string};
