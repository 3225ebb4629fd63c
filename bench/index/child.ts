/**
 * The process bench:index measures: it stands for the extension host, holding an IndexClient whose
 * worker thread (dist/indexWorker.cjs) does the indexing, so that this process's resident memory is
 * the index's (the benchmark's own corpus work stays in the parent) and its event loop is the one
 * the extension host would have. Bundled by the benchmark (not run under tsx, whose loader would
 * add its own memory). The parent sends one job, samples this process's memory while it runs, and
 * is told each phase as it starts.
 */
import {readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {monitorEventLoopDelay} from "node:perf_hooks";
import {EngineClient} from "../../src/engine/client";
import {IndexClient} from "../../src/workspaceIndex/indexClient";
import {Reranker, rerankDefaults, type Embedder} from "../../src/workspaceIndex/rerank";
import type {IndexedFolder} from "../../src/workspaceIndex/indexProtocol";
import type {ChildJob, ChildMessage, ChildResult, QueryTiming} from "./childProtocol";

const send = (message: ChildMessage): void => {
    process.send?.(message);
};

/** The event loop's longest delay while `work` runs, in ms (10 ms resolution: what a user would notice starts at 50). */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{value: T; maxDelayMs: number}> {
    const histogram = monitorEventLoopDelay({resolution: 10});
    histogram.enable();
    try {
        const value = await work();
        return {value, maxDelayMs: histogram.max / 1e6};
    } finally {
        histogram.disable();
    }
}

/** Each query's time (search, RPC and reading the hits included) and the files of the chunks it found, best first. */
async function timeQueries(queries: readonly string[], search: (query: string) => Promise<ReadonlyArray<{path: string}>>): Promise<QueryTiming[]> {
    const timings: QueryTiming[] = [];
    for (const query of queries) {
        const before = performance.now();
        const hits = await search(query);
        timings.push({ms: performance.now() - before, paths: hits.map((hit) => hit.path)});
    }
    return timings;
}

async function run(job: ChildJob): Promise<ChildResult> {
    const client = new IndexClient({
        workerPath: job.workerPath,
        log: (level, message) => console.error(`[bench:index child] ${level}: ${message}`),
        requestTimeoutMs: 120_000
    });
    const folder: IndexedFolder = {rootPath: job.rootPath, indexFile: job.indexFile, rules: job.rules};
    const result: ChildResult = {
        mode: job.mode, openMs: 0, buildMs: 0, indexingDoneMs: null, loopMaxMs: {}, queries: [], queriesEmbeddings: [], queriesEmbeddingsAgain: [], embeddingLoadMs: null, edits: [], editChecks: 0, build: null, rebuiltBecause: null
    };

    send({type: "phase", phase: job.mode === "build" ? "build" : "reload"});
    const started = performance.now();
    const opened = await withLoopDelay(() => client.open([folder], job.grammarsFolder));
    result.openMs = performance.now() - started;
    result.rebuiltBecause = opened.value.folders[0]?.rebuiltBecause ?? null;
    const built = await withLoopDelay(() =>
        client.build(new AbortController().signal, (progress) => {
            // The last file read: what is left of the build is the save.
            if (progress.phase === "indexing" && progress.done === progress.total) result.indexingDoneMs = performance.now() - started;
        })
    );
    result.buildMs = performance.now() - started - result.openMs;
    result.build = built.value.folders[0] ?? null;
    result.loopMaxMs[job.mode] = Math.max(opened.maxDelayMs, built.maxDelayMs);

    if (job.queries.length > 0) {
        send({type: "phase", phase: "query"});
        const queried = await withLoopDelay(() => timeQueries(job.queries, async (query) => (await client.search(query, 5)).hits));
        result.queries = queried.value;
        result.loopMaxMs.query = queried.maxDelayMs;
    }

    if (job.queries.length > 0 && job.embeddings) {
        send({type: "phase", phase: "queryEmbeddings"});
        // The extension's path: the lexical top 30 from the index thread, re-ranked here with vectors from the model process.
        const engine = new EngineClient({workerPath: job.embeddings.engineWorkerPath, processScope: "private", requestTimeoutMs: 600_000});
        try {
            engine.configureEmbedding(job.embeddings.modelPath);
            const embedder: Embedder = {modelId: job.embeddings.modelPath, embed: (texts, kind, signal) => engine.embed(texts, kind, {signal})};
            const loadStarted = performance.now();
            await engine.embed(["load the embedding model"], "query");
            result.embeddingLoadMs = performance.now() - loadStarted;
            const reranker = new Reranker();
            const signal = new AbortController().signal;
            const reranked = async (query: string) => {
                const {hits} = await client.search(query, rerankDefaults.candidates);
                const ranked = await reranker.rank(query, hits, 5, embedder, signal);
                if (!ranked.reranked) throw new Error(`The query "${query.slice(0, 60)}" was not re-ranked.`);
                return ranked.hits;
            };
            const queried = await withLoopDelay(() => timeQueries(job.queries, reranked));
            result.queriesEmbeddings = queried.value;
            result.loopMaxMs.queryEmbeddings = queried.maxDelayMs;
            // Asked again, every chunk's vector is kept: only the question is embedded (the plumbing's own cost).
            result.queriesEmbeddingsAgain = (await timeQueries(job.queries.slice(0, 100), reranked)).map((timing) => timing.ms);
        } finally {
            await engine.shutdown();
        }
    }

    if (job.edits.length > 0) {
        send({type: "phase", phase: "edit"});
        const edited = await withLoopDelay(async () => {
            const times: number[] = [];
            let checked = 0;
            for (const [position, path] of job.edits.entries()) {
                const marker = `benchEditMarker${position}x${job.edits.length}`;
                const file = join(job.rootPath, path);
                const text = await readFile(file, "utf8");
                await writeFile(file, `${text}\n/** Added by bench:index. */\nfunction ${marker}() {\n    return ${position};\n}\n`);
                const before = performance.now();
                const {changed} = await client.update(job.rootPath, [path]);
                times.push(performance.now() - before);
                if (changed !== 1) throw new Error(`Editing ${path} changed ${changed} files in the index, not 1.`);
                // Not timed: the edit must be findable, or the update measured nothing.
                const {hits} = await client.search(marker, 5);
                if (hits[0]?.path !== path) throw new Error(`After editing ${path}, a search for ${marker} found ${hits[0]?.path ?? "nothing"}.`);
                checked++;
            }
            return {times, checked};
        });
        result.edits = edited.value.times;
        result.editChecks = edited.value.checked;
        result.loopMaxMs.edit = edited.maxDelayMs;
    }

    send({type: "phase", phase: "stop"});
    await client.stop();
    return result;
}

send({type: "ready"});
process.once("message", (job: ChildJob) => {
    run(job).then(
        (result) => send({type: "result", result}),
        (error: unknown) => send({type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error)})
    );
    // The parent reads this process's peak memory, then lets it go.
    process.on("message", (message: unknown) => {
        if (message === "exit") process.exit(0);
    });
});
