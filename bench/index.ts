/**
 * `npm run bench:index` (run it under the CPU lock: `flock /tmp/enclave-cpu.lock npm run bench:index`):
 * the workspace index on a real corpus nobody here wrote — 40 package folders of node_modules
 * (bench/index/corpus.ts), copied into a temporary folder — measured in one run through the real
 * worker thread (IndexClient + dist/indexWorker.cjs) in a child process of its own, so that the
 * memory measured is the index's:
 *
 * - a full build from nothing (which saves the index): files/s, seconds, the process's peak RSS,
 *   and the longest event-loop delay of the process hosting the thread (the extension host's role);
 * - the recall query set (bench/index/queries.ts): each query's time from the host (search of the top
 *   5 chunks, RPC and reading their text included) and recall@5;
 * - ≥ 20 edits, one file each (append a function, then `update`), each checked to be found after;
 * - a second child process that opens the stored index and reconciles it with the disk (a reload).
 *
 * - the same queries again through the extension's re-ranking path (src/workspaceIndex/rerank.ts): the
 *   lexical top 30, re-ranked with vectors from a random embedding model (test/models
 *   RANDOM_EMBEDDING_SHAPE) in the real model process (dist/worker.mjs). Random weights cannot
 *   help recall: the figures show what the plumbing costs and that it runs, not a real model's recall.
 * Environment: BENCH_QUERIES (400), BENCH_EDITS (25), BENCH_SEED (7), BENCH_KEEP=1 keeps the temporary folder.
 */
import {report, runBench} from "./output";
import {existsSync} from "node:fs";
import {mkdir, mkdtemp, rm} from "node:fs/promises";
import {availableParallelism, cpus, tmpdir, totalmem} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {watchLoad} from "./machineLoad";
import {percentile, round} from "./stats";
import {copyCorpus, corpusPackages, corpusRules, indexableFiles} from "./index/corpus";
import {bundleChild, runMeasured, type MeasuredRun} from "./index/measuredChild";
import {documentedFunctions, sampleQueries} from "./index/queries";
import type {QueryTiming} from "./index/childProtocol";
import {RANDOM_EMBEDDING_SHAPE, randomEmbeddingModel} from "../test/models/random";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const workerPath = join(repoRoot, "dist", "indexWorker.cjs");
const engineWorkerPath = join(repoRoot, "dist", "worker.mjs");
const grammarsFolder = join(repoRoot, "dist", "grammars");
const log = (message: string): void => {
    console.error(`[bench:index] ${message}`);
};
const envNumber = (name: string, fallback: number): number => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
};

const queryCount = envNumber("BENCH_QUERIES", 400);
const editCount = envNumber("BENCH_EDITS", 25);
const seed = envNumber("BENCH_SEED", 7);
const minFiles = 5_000;
const minMb = 50;

/** The same seeded pick as the queries', for the files to edit: spread over the corpus's scripts. */
function editTargets(paths: readonly string[], count: number): string[] {
    const scripts = paths.filter((path) => /\.(m|c)?[jt]s$/.test(path) && !path.endsWith(".d.ts"));
    const step = Math.max(1, Math.floor(scripts.length / count));
    return Array.from({length: Math.min(count, scripts.length)}, (_, i) => scripts[(i * step + (seed % step)) % scripts.length] as string);
}

async function main(): Promise<void> {
    if (!existsSync(workerPath) || !existsSync(grammarsFolder)) throw new Error(`${workerPath} or ${grammarsFolder} is missing: run \`node esbuild.mjs\` first (npm run bench:index does).`);
    const started = performance.now();
    const load = watchLoad();

    const temporary = await mkdtemp(join(tmpdir(), "enclave-bench-index-"));
    try {
        const rootPath = join(temporary, "corpus");
        const indexFile = join(temporary, "storage", "index.json");
        await mkdir(join(temporary, "storage"), {recursive: true});
        log(`copying ${corpusPackages.length} packages from node_modules to ${rootPath}…`);
        const versions = await copyCorpus(join(repoRoot, "node_modules"), rootPath);
        const files = await indexableFiles(rootPath);
        const corpusBytes = files.reduce((total, file) => total + file.bytes, 0);
        const corpusMb = corpusBytes / 2 ** 20;
        log(`corpus: ${files.length} indexable files, ${corpusMb.toFixed(1)} MB`);
        if (files.length < minFiles || corpusMb < minMb)
            throw new Error(`The corpus has ${files.length} indexable files and ${corpusMb.toFixed(1)} MB; the benchmark needs ≥ ${minFiles} and ≥ ${minMb} MB (did node_modules change?).`);

        log("finding documented functions (tree-sitter)…");
        const documented = await documentedFunctions(rootPath, files.map((file) => file.path), grammarsFolder);
        const querySet = sampleQueries(documented, queryCount, seed);
        if (querySet.queries.length < 300) throw new Error(`Only ${querySet.queries.length} recall queries could be made from the corpus; the benchmark needs ≥ 300.`);
        const edits = editTargets(files.map((file) => file.path), editCount);
        log(`${querySet.queries.length} queries (of ${querySet.candidates} candidates), ${edits.length} edits`);

        const embeddingModelPath = await randomEmbeddingModel();
        const childPath = await bundleChild(join(repoRoot, ".cache", "bench"));
        const job = {workerPath, grammarsFolder, rootPath, indexFile, rules: corpusRules};
        log("build, queries and edits in a fresh process…");
        const build: MeasuredRun = await runMeasured(childPath, {...job, mode: "build", queries: querySet.queries.map((query) => query.query), edits, embeddings: {engineWorkerPath, modelPath: embeddingModelPath}}, log);
        log("reload in another fresh process…");
        const reload: MeasuredRun = await runMeasured(childPath, {...job, mode: "reload", queries: [], edits: []}, log);

        const built = build.result.build;
        if (!built) throw new Error("The build reported no folder.");
        const indexSeconds = build.result.buildMs / 1000;
        const queryMs = build.result.queries.map((query) => query.ms);
        const queryMsEmbeddings = build.result.queriesEmbeddings.map((query) => query.ms);
        if (queryMsEmbeddings.length !== querySet.queries.length) throw new Error(`${queryMsEmbeddings.length} of ${querySet.queries.length} queries ran with embeddings.`);
        const hitsOf = (timings: readonly QueryTiming[]): boolean[] =>
            querySet.queries.map((query, position) => (timings[position]?.paths ?? []).some((path) => query.answers.includes(path)));
        const hits = hitsOf(build.result.queries);
        const hitCount = hits.filter(Boolean).length;
        const hitsEmbeddings = hitsOf(build.result.queriesEmbeddings);

        const result = {
            bench: "index",
            corpus: {
                packages: corpusPackages.length,
                filesListed: files.length,
                filesIndexed: built.files,
                mbIndexed: round(corpusMb, 1),
                chunks: built.chunks,
                skipped: built.skipped
            },
            indexFilesPerS: round(built.files / indexSeconds, 0),
            indexSeconds: round(indexSeconds, 1),
            indexReadSeconds: build.result.indexingDoneMs === null ? null : round((build.result.indexingDoneMs - build.result.openMs) / 1000, 1),
            indexPeakRssMb: build.peakRssMb,
            indexRssMbByPhase: build.phaseRssMb,
            childBaselineRssMb: build.baselineRssMb,
            reloadSeconds: round((reload.result.openMs + reload.result.buildMs) / 1000, 2),
            reloadOpenSeconds: round(reload.result.openMs / 1000, 2),
            reloadFilesRead: reload.result.build?.indexed ?? null,
            reloadRebuiltBecause: reload.result.rebuiltBecause,
            reloadPeakRssMb: reload.peakRssMb,
            incrementalUpdateMs: round(percentile(build.result.edits, 50)),
            incrementalUpdateP95Ms: round(percentile(build.result.edits, 95)),
            edits: build.result.edits.length,
            queryP50Ms: round(percentile(queryMs, 50)),
            queryP95Ms: round(percentile(queryMs, 95)),
            queryMaxMs: round(Math.max(...queryMs)),
            hostEventLoopMaxMs: round(build.result.loopMaxMs.build),
            hostEventLoopMaxMsByPhase: Object.fromEntries(Object.entries(build.result.loopMaxMs).map(([phase, ms]) => [phase, round(ms)])),
            recallAt5: round(hitCount / querySet.queries.length, 3),
            recallQueries: querySet.queries.length,
            recallCandidates: querySet.candidates,
            recallTrivialSkipped: querySet.trivial,
            queryP50MsEmbeddings: round(percentile(queryMsEmbeddings, 50)),
            queryP95MsEmbeddings: round(percentile(queryMsEmbeddings, 95)),
            queryMaxMsEmbeddings: round(Math.max(...queryMsEmbeddings)),
            queryP50MsEmbeddingsCached: round(percentile(build.result.queriesEmbeddingsAgain, 50)),
            queryP95MsEmbeddingsCached: round(percentile(build.result.queriesEmbeddingsAgain, 95)),
            recallAt5Embeddings: round(hitsEmbeddings.filter(Boolean).length / querySet.queries.length, 3),
            recallAt5EmbeddingsReason: "random-weight embedding model: the figure shows the plumbing runs (and what it costs), not a real model's recall",
            embeddingModel: {shape: `qwen2 ${RANDOM_EMBEDDING_SHAPE.layers}x${RANDOM_EMBEDDING_SHAPE.embedding}, mean pooling, random weights`, loadMs: build.result.embeddingLoadMs === null ? null : round(build.result.embeddingLoadMs)},
            hostEventLoopMaxMsEmbeddings: round(build.result.loopMaxMs.queryEmbeddings),
            targets: {indexSeconds: "< 60 for 5,000 files", indexPeakRssMb: "< 500", queryP95Ms: "< 100", recallAt5: "≥ 0.6", hostEventLoopMaxMs: "≤ 50"},
            seed,
            machine: {cpus: availableParallelism(), cpuModel: cpus()[0]?.model ?? "unknown", memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version},
            note:
                "Corpus: the 40 package folders of node_modules listed in bench/index/corpus.ts, copied to a temporary folder, under the index's default rules (512 KB per file). " +
                "filesIndexed/mbIndexed: files in the index and their size on disk (the ranking reads at most 400 chars per line and 8,000 per chunk). " +
                "indexSeconds: open + build through the worker thread, the save of the index file included (indexReadSeconds: up to the last file read). " +
                "indexPeakRssMb: VmHWM of the process hosting the worker thread (childBaselineRssMb of it before the thread started), over build, queries and edits. " +
                "reloadSeconds: a fresh process opening the stored index and reconciling it with the disk (the build call, which also saves). " +
                "Queries: top 5 chunks from the host, RPC and reading the hits' text included. recallAt5: the share of queries with an answer file among the top 5 chunks' files. " +
                "…Embeddings: the same queries, the lexical top 30 re-ranked (cosine + reciprocal rank fusion) with vectors from the model process; each chunk is embedded once (cached by content), the question every time; the model's load is excluded (embeddingModel.loadMs); …EmbeddingsCached: the first 100 asked again, every chunk's vector kept, so only the question is embedded. " +
                "hostEventLoopMaxMs: monitorEventLoopDelay (10 ms resolution) of the hosting process during open + build.",
            runtimeS: round((performance.now() - started) / 1000),
            loadAverage: load.report()
        };
        log("per-query results and the queries used: .cache/bench/index-details.json");
        await report("index", result, {
            packageVersions: versions,
            edits: edits.map((path, position) => ({path, ms: round(build.result.edits[position])})),
            reload: reload.result.build,
            queries: querySet.queries.map((query, position) => ({
                ...query,
                hit: hits[position],
                ms: round(build.result.queries[position]?.ms),
                found: build.result.queries[position]?.paths,
                hitEmbeddings: hitsEmbeddings[position],
                msEmbeddings: round(build.result.queriesEmbeddings[position]?.ms),
                foundEmbeddings: build.result.queriesEmbeddings[position]?.paths
            }))
        });
    } finally {
        if (process.env.BENCH_KEEP === "1") log(`kept ${temporary}`);
        else await rm(temporary, {recursive: true, force: true});
    }
}

runBench(main);
