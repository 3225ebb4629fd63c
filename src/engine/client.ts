/**
 * EngineClient: the host side of the engine. It starts the model process lazily, loads the
 * configured model on first use, sends typed requests, streams their events, turns an AbortSignal
 * into a cancel message, fails requests that get no answer, and survives the worker dying: in-flight
 * requests reject with `EngineCrashed`, the next request restarts the worker (with backoff) and
 * reloads the model. A file whose load crashed the worker is not loaded again while it is unchanged
 * (crashedFiles.ts): the next attempt says which file crashed it.
 */
import {AsyncQueue} from "./asyncQueue";
import {basename} from "node:path";
import {Backoff, sleep, type BackoffOptions} from "./backoff";
import {CrashedFiles, isCrashSignal} from "./crashedFiles";
import {EngineError, type EngineErrorData} from "./errors";
import {Disposable, Emitter, type Event} from "./lifecycle";
import {PendingRequests} from "./pendingRequests";
import {parsePart, type EventOf, type LoadParams, type LogLevel, type Method, type ModelInfo, type ModelRole, type ParamsOf, type ResultOf, type WorkerMessage} from "./protocol";
import {WorkerProcess, type WorkerExit, type WorkerProcessOptions} from "./workerProcess";

export type EngineState =
    | {kind: "notLoaded"}
    | {kind: "loading"; modelPath: string; fraction: number}
    | {kind: "ready"; info: ModelInfo}
    | {kind: "error"; error: EngineErrorData};

export interface EngineClientOptions extends Omit<WorkerProcessOptions, "log"> {
    /** A request fails when the worker sent nothing about it for this long. */
    requestTimeoutMs?: number;
    /** How long a cancelled request may take to return its partial result. */
    cancelGraceMs?: number;
    backoff?: BackoffOptions;
    log?: (level: LogLevel, message: string) => void;
}

export interface RequestOptions<M extends Method> {
    signal?: AbortSignal | undefined;
    onEvent?: ((event: EventOf<M>) => void) | undefined;
    timeoutMs?: number | undefined;
}

export interface Stream<M extends Method> {
    events: AsyncIterableIterator<EventOf<M>>;
    result: Promise<ResultOf<M>>;
}

const defaultRequestTimeoutMs = 120_000;
const defaultCancelGraceMs = 5_000;

export class EngineClient extends Disposable {
    private readonly pending = new PendingRequests();
    private readonly backoff: Backoff;
    private readonly stateEmitter = this.register(new Emitter<EngineState>());
    readonly onDidChangeState: Event<EngineState> = this.stateEmitter.event;

    private worker: WorkerProcess | undefined;
    private starting: Promise<WorkerProcess> | undefined;
    private readonly desired = new Map<ModelRole, LoadParams>();
    private readonly loaded = new Map<ModelRole, {params: LoadParams; info: ModelInfo}>();
    private readonly loading = new Map<ModelRole, {params: LoadParams; promise: Promise<ModelInfo>}>();
    /** Roles whose last load the plan refused for memory ("Load Anyway" loads them past it). */
    private readonly refused = new Set<ModelRole>();
    private currentState: EngineState = {kind: "notLoaded"};
    /** Set while we stop a worker on purpose, so its exit is not reported as a crash. */
    private readonly retiring = new WeakSet<WorkerProcess>();
    private shutdownPromise: Promise<void> | undefined;
    private readonly crashedFiles = new CrashedFiles();
    /** How the last worker that died unexpectedly ended. */
    private lastExit: WorkerExit | undefined;

    constructor(private readonly options: EngineClientOptions) {
        super();
        this.backoff = new Backoff(options.backoff);
    }

    get state(): EngineState {
        return this.currentState;
    }

    /** The worker's process id, when one runs (tests use it to kill the worker). */
    get workerPid(): number | undefined {
        return this.worker?.isAlive ? this.worker.pid : undefined;
    }

    /**
     * Sets the chat model. Nothing loads now; the next request that needs it loads it, in a fresh
     * process when another chat model was loaded (the only way to get all its memory back).
     */
    configure(params: LoadParams | undefined): void {
        this.configureRole("chat", params);
        if (!params && !this.loaded.has("chat")) this.setState({kind: "notLoaded"});
    }

    /** Sets a separate model for completions (a small FIM model), or none to use the chat model. */
    configureCompletion(params: LoadParams | undefined): void {
        this.configureRole("completion", params);
    }

    get configuredModel(): LoadParams | undefined {
        return this.desired.get("chat");
    }

    get configuredCompletionModel(): LoadParams | undefined {
        return this.desired.get("completion");
    }

    /** The model that serves completions: the separate completion model when one is configured. */
    get completionRole(): ModelRole {
        return this.desired.has("completion") ? "completion" : "chat";
    }

    /** The configured model of `role` is loaded in a live worker (a request for it would not load anything). */
    isModelLoaded(role: ModelRole): boolean {
        const loaded = this.loaded.get(role);
        const desired = this.desired.get(role);
        return loaded !== undefined && desired !== undefined && sameModel(loaded.params, desired) && this.worker?.isAlive === true && this.hasSequences(loaded.info);
    }

    /** Loads the configured model of `role` unless it is loaded already, and returns its info. */
    async ensureModel(signal?: AbortSignal, role: ModelRole = "chat"): Promise<ModelInfo> {
        this.assertUsable();
        const desired = this.desired.get(role);
        if (!desired)
            throw new EngineError("NoModelConfigured", "No model is configured. Choose a GGUF model file to start.");
        const loaded = this.loaded.get(role);
        if (loaded && sameModel(loaded.params, desired) && this.worker?.isAlive && this.hasSequences(loaded.info)) return loaded.info;
        let loading = this.loading.get(role);
        if (!loading || !sameModel(loading.params, desired)) {
            const promise: Promise<ModelInfo> = this.load(role, this.withLoadOptions(role, desired)).finally(() => {
                if (this.loading.get(role)?.promise === promise) this.loading.delete(role);
            });
            loading = {params: desired, promise};
            this.loading.set(role, loading);
        }
        // The load is shared by every caller, so one caller's cancel only stops its own wait.
        return raceSignal(loading.promise, signal);
    }

    /**
     * The user chose "Load Anyway" after a load was refused for memory: the configured models whose
     * last load was refused load again, past the plan's refusal (they may swap or fail).
     */
    async loadAnyway(signal?: AbortSignal): Promise<void> {
        const roles: ModelRole[] = this.refused.size > 0 ? [...this.refused] : ["chat"];
        this.refused.clear();
        for (const role of roles) {
            const desired = this.desired.get(role);
            if (desired) this.desired.set(role, {...desired, ignoreFit: true});
        }
        for (const role of roles) if (this.desired.has(role)) await this.ensureModel(signal, role);
    }

    /** The plan a load of `modelPath` would make now (context, GPU layers, or why it does not fit). */
    planModel(params: ParamsOf<"planModel">, options: {signal?: AbortSignal} = {}): Promise<ResultOf<"planModel">> {
        return this.request("planModel", params, {signal: options.signal});
    }

    chat(params: ParamsOf<"chat">, options: RequestOptions<"chat"> = {}): Promise<ResultOf<"chat">> {
        return this.withModel("chat", params, options);
    }

    /** A JSON answer constrained by `params.schema` (on the review sequence, without reasoning). */
    structured(params: ParamsOf<"structured">, options: RequestOptions<"structured"> = {}): Promise<ResultOf<"structured">> {
        return this.withModel("structured", params, options);
    }

    complete(params: ParamsOf<"complete">, options: RequestOptions<"complete"> = {}): Promise<ResultOf<"complete">> {
        const role = this.completionRole;
        return this.withModel("complete", {...params, model: role}, options, role);
    }

    /** The same requests as `chat`/`complete`, with events as an async iterable. */
    stream<M extends "chat" | "complete">(method: M, params: ParamsOf<M>, options: {signal?: AbortSignal} = {}): Stream<M> {
        const events = new AsyncQueue<EventOf<M>>();
        const withEvents = {...options, onEvent: (event: EventOf<M>) => events.push(event)};
        const result = (method === "chat"
            ? this.chat(params as ParamsOf<"chat">, withEvents as RequestOptions<"chat">)
            : this.complete(params as ParamsOf<"complete">, withEvents as RequestOptions<"complete">)) as Promise<ResultOf<M>>;
        result.then(
            () => events.close(),
            () => events.close()
        );
        return {events, result};
    }

    async tokenize(text: string, specialTokens = false, role: ModelRole = "chat"): Promise<number[]> {
        return (await this.withModel("tokenize", {text, specialTokens, model: role}, {}, role)).tokens;
    }

    async countTokens(text: string, role: ModelRole = "chat"): Promise<number> {
        return (await this.withModel("countTokens", {text, model: role}, {}, role)).count;
    }

    /** This machine, the presets judged for it, and the models folder's contents (no model is loaded for it). */
    modelsOverview(modelsDir: string, options: {gpu?: "auto" | "off"; signal?: AbortSignal} = {}): Promise<ResultOf<"modelsOverview">> {
        return this.request("modelsOverview", {modelsDir, gpu: options.gpu}, {signal: options.signal});
    }

    /** Checks a GGUF file and copies (or links) it into the models folder. */
    importModel(params: ParamsOf<"importModel">, options: RequestOptions<"importModel"> = {}): Promise<ResultOf<"importModel">> {
        return this.request("importModel", params, options);
    }

    /** Deletes an installed model's files (only inside the models folder). */
    deleteModel(modelsDir: string, entryPath: string): Promise<ResultOf<"deleteModel">> {
        return this.request("deleteModel", {modelsDir, entryPath});
    }

    /** Removes an interrupted download's partial files (an id from the overview's `partials`). */
    discardPartialDownload(modelsDir: string, id: string): Promise<ResultOf<"discardPartialDownload">> {
        return this.request("discardPartialDownload", {modelsDir, id});
    }

    /** Fresh info (memory in use changes) when the model of `role` is loaded, otherwise undefined. */
    async info(role: ModelRole = "chat"): Promise<ModelInfo | undefined> {
        if (!this.loaded.has(role) || !this.worker?.isAlive) return undefined;
        return (await this.request("info", {model: role}, {})) ?? undefined;
    }

    /** Frees the model's memory by ending the worker; the next request starts afresh. */
    async unload(): Promise<void> {
        await this.retireWorker();
        this.setState({kind: "notLoaded"});
    }

    /** Sends one request to the worker (started if needed), without loading a model first. */
    async request<M extends Method>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
        this.assertUsable();
        const {signal} = options;
        if (signal?.aborted) throw abortedError();
        const worker = await raceSignal(this.startWorker(), signal);
        const id = this.pending.allocateId();
        const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? defaultRequestTimeoutMs;

        return new Promise<ResultOf<M>>((resolve, reject) => {
            const onAbort = () => {
                // The worker stops generating and answers with the partial result; if it cannot,
                // the request still ends soon.
                worker.send({type: "cancel", id});
                this.pending.rearm(id, this.options.cancelGraceMs ?? defaultCancelGraceMs, () =>
                    this.pending.reject(id, abortedError())
                );
            };
            this.pending.add(
                {
                    id,
                    method,
                    onEvent: (raw) => {
                        const event = parsePart(method, "event", raw);
                        if (event.ok) options.onEvent?.(event.value);
                        else this.log("error", `Dropped a malformed ${method} event: ${event.error}`);
                    },
                    resolve: (raw) => {
                        const result = parsePart(method, "result", raw);
                        if (!result.ok) {
                            reject(new EngineError("Internal", `The model process sent a malformed ${method} result.`, result.error));
                            return;
                        }
                        this.backoff.succeeded();
                        resolve(result.value);
                    },
                    reject
                },
                timeoutMs,
                () => {
                    worker.send({type: "cancel", id});
                    this.pending.reject(
                        id,
                        new EngineError("Timeout", `The model did not answer within ${Math.round(timeoutMs / 1000)} s.`)
                    );
                },
                () => signal?.removeEventListener("abort", onAbort)
            );
            signal?.addEventListener("abort", onAbort, {once: true});
            if (!worker.send({type: "request", id, method, params}))
                this.pending.reject(id, crashedError("The model process is not running."));
        });
    }

    /** Stops the worker and waits for it to exit. Safe to call more than once. */
    shutdown(): Promise<void> {
        this.shutdownPromise ??= (async () => {
            const worker = this.worker ?? (await this.starting?.catch(() => undefined));
            this.worker = undefined;
            this.pending.rejectAll(() => new EngineError("Disposed", "Enclave is shutting down."));
            if (worker) {
                this.retiring.add(worker);
                await worker.stop();
            }
        })();
        super.dispose();
        return this.shutdownPromise;
    }

    override dispose(): void {
        void this.shutdown();
    }

    private assertUsable(): void {
        if (this.isDisposed) throw new EngineError("Disposed", "Enclave's engine has been shut down.");
    }

    private configureRole(role: ModelRole, params: LoadParams | undefined): void {
        this.assertUsable();
        if (params) this.desired.set(role, {...params, role});
        else this.desired.delete(role);
    }

    /** What a load needs to know beyond the settings: whether a separate completion model serves completions. */
    private withLoadOptions(role: ModelRole, params: LoadParams): LoadParams {
        return role === "chat" ? {...params, separateCompletion: this.desired.has("completion")} : params;
    }

    /** A chat model loaded while a separate completion model was set has no completion sequence; without one now, it must load again. */
    private hasSequences(info: ModelInfo): boolean {
        return info.role !== "chat" || this.desired.has("completion") || info.sequences.includes("completion");
    }

    private async withModel<M extends Method>(method: M, params: ParamsOf<M>, options: RequestOptions<M>, role: ModelRole = "chat"): Promise<ResultOf<M>> {
        await this.ensureModel(options.signal, role);
        return this.request(method, params, options);
    }

    private async load(role: ModelRole, params: LoadParams): Promise<ModelInfo> {
        const previous = this.loaded.get(role);
        if (previous && !sameModel(previous.params, params)) {
            // Another chat model: a fresh process is the only way to free all its memory. A
            // completion model is small; unloading it in place is enough.
            if (role === "chat") await this.retireWorker();
            else {
                this.loaded.delete(role);
                await this.request("unload", {model: role});
            }
        }
        // The status bar follows the chat model; a completion model's problems surface where
        // completions are shown.
        const report = (state: EngineState) => role === "chat" && this.setState(state);
        report({kind: "loading", modelPath: params.modelPath, fraction: 0});
        try {
            const crashed = await this.crashedFiles.recall(params.modelPath);
            if (crashed !== undefined)
                throw new EngineError(
                    "CorruptModel",
                    `Enclave's model process crashed (${crashed}) while loading ${basename(params.modelPath)} last time, so Enclave does not load it again: the file is damaged or of a kind this llama.cpp cannot run. Choose another model, or replace the file.`
                );
            const info = await this.request("load", params, {
                onEvent: (event) => report({kind: "loading", modelPath: params.modelPath, fraction: event.fraction})
            }).catch((error: unknown) => this.blameFile(error, params.modelPath));
            this.loaded.set(role, {params, info});
            this.refused.delete(role);
            report({kind: "ready", info});
            return info;
        } catch (error) {
            this.loaded.delete(role);
            if (error instanceof EngineError && error.code === "InsufficientMemory") this.refused.add(role);
            const data = error instanceof EngineError ? error.toData() : {code: "Internal" as const, message: String(error)};
            report({kind: "error", error: data});
            throw error;
        }
    }

    /** A crash during a load is the file's doing: remember it, and say which file. */
    private async blameFile(error: unknown, modelPath: string): Promise<never> {
        const signal = this.lastExit?.signal ?? null;
        if (!(error instanceof EngineError && error.code === "EngineCrashed" && isCrashSignal(signal))) throw error;
        await this.crashedFiles.remember(modelPath, signal);
        throw new EngineError(
            "EngineCrashed",
            `Enclave's model process crashed (${signal}) while loading ${basename(modelPath)}: the file is damaged or of a kind this llama.cpp cannot run. Enclave will not load it again unless it changes; choose another model.`,
            error.message
        );
    }

    private startWorker(): Promise<WorkerProcess> {
        if (this.worker?.isAlive) return Promise.resolve(this.worker);
        this.starting ??= (async () => {
            await sleep(this.backoff.delayMs());
            this.assertUsable();
            const worker = await WorkerProcess.start(
                {...this.options, log: (level, message) => this.log(level, message)},
                (message) => this.onWorkerMessage(message)
            );
            this.backoff.started();
            this.worker = worker;
            this.lastExit = undefined;
            this.log("info", `Model process started (pid ${worker.pid}).`);
            void worker.exited.then((exit) => this.onWorkerExit(worker, exit));
            return worker;
        })().finally(() => {
            this.starting = undefined;
        });
        return this.starting;
    }

    private async retireWorker(): Promise<void> {
        const worker = this.worker;
        this.worker = undefined;
        this.loaded.clear();
        if (!worker) return;
        this.retiring.add(worker);
        this.pending.rejectAll(() => new EngineError("Aborted", "The model was unloaded before this request finished."));
        await worker.stop();
    }

    private onWorkerMessage(message: WorkerMessage): void {
        switch (message.type) {
            case "event":
                this.pending.event(message.id, message.event);
                break;
            case "result":
                this.pending.resolve(message.id, message.result);
                break;
            case "error":
                this.pending.reject(message.id, EngineError.fromData(message.error));
                break;
            case "log":
                this.log(message.level, message.message);
                break;
            case "ready":
                break;
        }
    }

    private onWorkerExit(worker: WorkerProcess, exit: WorkerExit): void {
        if (this.retiring.has(worker)) return;
        if (this.worker === worker) this.worker = undefined;
        this.loaded.clear();
        this.backoff.failed();
        this.lastExit = exit;
        const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
        this.log("error", `The model process ${how}.`);
        const error = crashedError(`The model process ${how}. The request did not finish; the next request restarts the model.`);
        this.pending.rejectAll(() => error);
        if (!this.isDisposed) this.setState({kind: "error", error: error.toData()});
    }

    private setState(state: EngineState): void {
        this.currentState = state;
        this.stateEmitter.fire(state);
    }

    private log(level: LogLevel, message: string): void {
        this.options.log?.(level, message);
    }
}

function sameModel(a: LoadParams, b: LoadParams): boolean {
    return a.modelPath === b.modelPath && (a.role ?? "chat") === (b.role ?? "chat") && (a.contextSize ?? 0) === (b.contextSize ?? 0) &&
        (a.threads ?? 0) === (b.threads ?? 0) && (a.gpu ?? "auto") === (b.gpu ?? "auto") && a.gpuLayers === b.gpuLayers;
}

function abortedError(): EngineError {
    return new EngineError("Aborted", "The request was cancelled.");
}

function crashedError(message: string): EngineError {
    return new EngineError("EngineCrashed", message);
}

/** Waits for `promise`, or rejects with `Aborted` as soon as `signal` aborts. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) return promise;
    if (signal.aborted) return Promise.reject(abortedError());
    return new Promise<T>((resolve, reject) => {
        const onAbort = () => reject(abortedError());
        signal.addEventListener("abort", onAbort, {once: true});
        promise.finally(() => signal.removeEventListener("abort", onAbort)).then(resolve, reject);
    });
}
