/**
 * The embedding models of the shared model process: each loaded on its first `embed`, beside the
 * chat and completion models, with one embedding context made at load and kept; unloaded when no
 * request used it for `idleMs` (or when the process exits).
 *
 * Why it is fast (the overheads a first version had, measured on this 2-core machine):
 * - threads: node-llama-cpp's embedding context defaults to 6 threads; on 2 cores that
 *   oversubscribes the CPU — 31 texts took 25.6 s with 6 threads and 1.9 s with 2 on the same
 *   random model — and even 2 threads collapse when the other cores are busy (the chat model, other
 *   programs): ten texts took 353 ms with 2 threads and 20 ms with 1 at a load average of 4. An
 *   embedding context gets half the math cores (threads.ts);
 * - one context per model, made once: a context per call reallocates its buffers every time;
 * - one request per batch of texts (up to 64), not one round trip per text, answered as one
 *   base64 block (embeddingVectors.ts);
 * - the batch size is the context size, so a text is evaluated in one pass (an encoder such as
 *   BERT needs its whole input in one batch anyway);
 * - vectors are cached by text hash (vectorCache.ts): chunks asked for again cost nothing.
 */
import {basename} from "node:path";
import type {Llama, LlamaEmbeddingContext, LlamaModel} from "node-llama-cpp";
import {embeddingPrefix, embeddingRefusal} from "../../models/embeddingArchitectures";
import {EngineError, describeError} from "../errors";
import type {EmbedParams, EmbedResult, LogLevel} from "../protocol";
import {encodeVectors} from "../embeddingVectors";
import type {LoadedMemory} from "./memoryNow";
import {checkModelFile} from "./modelFile";
import {Mutex} from "./mutex";
import {chooseEmbeddingThreads} from "./threads";
import {VectorCache} from "../vectorCache";

interface EmbeddingModel {
    readonly key: string;
    /** The file as the vector cache knows it: a changed file gets new vectors. */
    readonly cacheKey: string;
    readonly model: LlamaModel;
    readonly context: LlamaEmbeddingContext;
    readonly architecture: string | undefined;
    readonly contextSize: number;
    readonly memory: LoadedMemory;
    readonly lock: Mutex;
    idleTimer?: NodeJS.Timeout;
}

export interface EmbeddingModelsOptions {
    /** The process's Llama (shared with the other models). */
    llama(gpu: "auto" | "off"): Promise<Llama>;
    log(level: LogLevel, message: string): void;
    /** Unloaded after this long without a request. */
    idleMs?: number;
    /** Tokens of context an embedding gets at most (nomic-embed-text was trained for 2,048). */
    maxContextSize?: number;
}

const defaultIdleMs = 120_000;
const defaultMaxContextSize = 2_048;

export class EmbeddingModels {
    private readonly loaded = new Map<string, EmbeddingModel>();
    private readonly loading = new Map<string, Promise<EmbeddingModel>>();
    private readonly cache = new VectorCache();

    constructor(private readonly options: EmbeddingModelsOptions) {}

    async embed(params: EmbedParams, signal: AbortSignal): Promise<EmbedResult> {
        const started = performance.now();
        const entry = await this.modelFor(params, signal);
        this.touch(entry);
        return entry.lock.run(async () => {
            // Unloaded for idleness while this request waited for it: load it again.
            if (this.loaded.get(entry.key) !== entry) return this.embed(params, signal);
            const vectors: Float32Array[] = [];
            let cached = 0;
            let truncated = 0;
            const prefix = embeddingPrefix(entry.architecture, params.kind);
            for (const text of params.texts) {
                if (signal.aborted) throw new EngineError("Aborted", "The embedding request was cancelled.");
                const key = VectorCache.keyOf(entry.cacheKey, params.kind, text);
                const hit = this.cache.get(key);
                if (hit !== undefined) {
                    cached++;
                    vectors.push(hit);
                    continue;
                }
                const {tokens, cut} = this.fit(entry, prefix + text);
                if (cut) truncated++;
                const embedding = await entry.context.getEmbeddingFor(tokens);
                const vector = unitLength(embedding.vector);
                this.cache.set(key, vector);
                vectors.push(vector);
            }
            this.touch(entry);
            const dimensions = vectors[0]?.length ?? 0;
            if (dimensions === 0) throw new EngineError("Internal", `${basename(params.modelPath)} returned empty embedding vectors.`);
            return {dimensions, vectors: encodeVectors(vectors), cached, truncated, totalMs: performance.now() - started};
        });
    }

    /** What the loaded embedding models take, for the memory plans of other loads. */
    memory(): LoadedMemory[] {
        return [...this.loaded.values()].map((entry) => entry.memory);
    }

    async dispose(): Promise<void> {
        await Promise.allSettled([...this.loading.values()]);
        for (const entry of [...this.loaded.values()]) await this.unload(entry);
    }

    /** The tokens of `text` for the model, cut to its context (BOS and EOS are added by node-llama-cpp). */
    private fit(entry: EmbeddingModel, text: string): {tokens: ReturnType<LlamaModel["tokenize"]>; cut: boolean} {
        const tokens = entry.model.tokenize(text);
        const room = entry.contextSize - 2;
        return tokens.length > room ? {tokens: tokens.slice(0, room), cut: true} : {tokens, cut: false};
    }

    private modelFor(params: EmbedParams, signal: AbortSignal): Promise<EmbeddingModel> {
        const key = JSON.stringify([params.modelPath, params.threads ?? 0]);
        const loaded = this.loaded.get(key);
        if (loaded) return Promise.resolve(loaded);
        let pending = this.loading.get(key);
        if (!pending) {
            pending = this.load(key, params, signal).finally(() => this.loading.delete(key));
            this.loading.set(key, pending);
        }
        return pending;
    }

    private async load(key: string, params: EmbedParams, signal: AbortSignal): Promise<EmbeddingModel> {
        const started = performance.now();
        const file = await checkModelFile(params.modelPath);
        const architecture = typeof file.info.metadata.general.architecture === "string" ? file.info.metadata.general.architecture : undefined;
        const refusal = embeddingRefusal(architecture, basename(params.modelPath));
        if (refusal !== undefined) throw new EngineError("UnsupportedArchitecture", refusal);
        const llama = await this.options.llama(params.gpu ?? "auto");
        const threads = chooseEmbeddingThreads(params.threads, llama.cpuMathCores);
        const rssBefore = process.memoryUsage().rss;
        let model: LlamaModel;
        try {
            model = await llama.loadModel({modelPath: params.modelPath, loadSignal: signal});
        } catch (error) {
            throw new EngineError("CorruptModel", `The embedding model ${basename(params.modelPath)} could not be loaded.`, describeError(error));
        }
        const contextSize = Math.min(model.trainContextSize, this.options.maxContextSize ?? defaultMaxContextSize);
        let context: LlamaEmbeddingContext;
        try {
            context = await model.createEmbeddingContext({contextSize, batchSize: contextSize, threads, createSignal: signal});
        } catch (error) {
            await model.dispose();
            throw new EngineError("InsufficientMemory", `The embedding model ${basename(params.modelPath)} could not get a context: not enough free memory.`, describeError(error));
        }
        // What loading it took from RAM, measured (at least its weights).
        const neededBytes = Math.max(model.size, process.memoryUsage().rss - rssBefore);
        const entry: EmbeddingModel = {
            key, cacheKey: `${params.modelPath}:${file.sizeBytes}`, model, context, architecture, contextSize, lock: new Mutex(),
            memory: {modelPath: params.modelPath, neededBytes, ramWeightBytes: model.size}
        };
        this.loaded.set(key, entry);
        this.options.log("info", `Loaded embedding model ${basename(params.modelPath)} (${architecture ?? "unknown architecture"}), context ${contextSize}, ${threads} threads, in ${Math.round(performance.now() - started)} ms.`);
        return entry;
    }

    /** A request used the model: its idle clock starts again. */
    private touch(entry: EmbeddingModel): void {
        clearTimeout(entry.idleTimer);
        entry.idleTimer = setTimeout(() => void entry.lock.run(() => this.unload(entry)), this.options.idleMs ?? defaultIdleMs);
        entry.idleTimer.unref?.();
    }

    private async unload(entry: EmbeddingModel): Promise<void> {
        if (this.loaded.get(entry.key) !== entry) return;
        clearTimeout(entry.idleTimer);
        this.loaded.delete(entry.key);
        if (this.loaded.size === 0) this.cache.clear();
        await entry.context.dispose();
        await entry.model.dispose();
        this.options.log("info", `Unloaded embedding model ${basename(entry.memory.modelPath)}.`);
    }
}

/** The vector scaled to length 1, so that a dot product is the cosine. */
function unitLength(values: readonly number[]): Float32Array {
    let norm = 0;
    for (const value of values) norm += value * value;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return Float32Array.from(values, (value) => value * scale);
}
