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
}

export type Phase = "build" | "reload" | "query" | "edit" | "stop";

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
    edits: number[];
    editChecks: number;
    build: BuildReport | null;
    rebuiltBecause: string | null;
}

export type ChildMessage = {type: "ready"} | {type: "phase"; phase: Phase} | {type: "result"; result: ChildResult} | {type: "failed"; message: string};
