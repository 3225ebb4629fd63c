/**
 * EngineClient: what the features of one window (or one CLI run) use of the engine — a facade of
 * domain methods over the shared model process. The supervisor (supervisor.ts) finds or starts the
 * process and connects; the channel (channel/rpcClient.ts) carries requests, events and cancels;
 * the model slots (modelSlots.ts) track which model each role needs. On first use of a role the
 * configured model is loaded (or found loaded by another window). When the process goes away on
 * its own, in-flight requests reject with `EngineCrashed` and the next request starts it again
 * (with backoff); when it exits on purpose (idle, "Unload Model"), nothing is reported as a crash.
 * A file whose load crashed a process this client started is not loaded again while it is
 * unchanged (crashedFiles.ts).
 */
import {basename} from "node:path";
import {Backoff, sleep, type BackoffOptions} from "./backoff";
import {CrashedFiles, isCrashSignal} from "./crashedFiles";
import {decodeVectors} from "./embeddingVectors";
import {EngineError, type EngineErrorData} from "./errors";
import {Disposable, Emitter, type Event} from "./lifecycle";
import {ModelSlots} from "./modelSlots";
import {embedLimits, type EmbedParams, type EventOf, type LoadParams, type LogLevel, type Method, type ModelInfo, type ModelRole, type ParamsOf, type ProcessStatus, type ResultOf} from "./protocol";
import {EngineSupervisor, endError, type ConnectionEnd, type EngineConnection, type SupervisorOptions} from "./supervisor";

export type EngineState =
    | {kind: "notLoaded"}
    | {kind: "loading"; modelPath: string; fraction: number}
    | {kind: "ready"; info: ModelInfo}
    | {kind: "error"; error: EngineErrorData};

export interface EngineClientOptions extends Omit<SupervisorOptions, "log" | "requestTimeoutMs" | "cancelGraceMs"> {
    /** A request fails when the model process sent nothing about it for this long. */
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

const defaultRequestTimeoutMs = 120_000;
const defaultCancelGraceMs = 5_000;

export class EngineClient extends Disposable {
    private readonly supervisor: EngineSupervisor;
    private readonly slots = new ModelSlots();
    private readonly backoff: Backoff;
    private readonly stateEmitter = this.register(new Emitter<EngineState>());
    readonly onDidChangeState: Event<EngineState> = this.stateEmitter.event;
    private readonly sharingEmitter = this.register(new Emitter<number>());
    /** Fires with the number of windows connected to the model process whenever it changes. */
    readonly onDidChangeSharing: Event<number> = this.sharingEmitter.event;

    private connection: EngineConnection | undefined;
    private connecting: Promise<EngineConnection> | undefined;
    private currentState: EngineState = {kind: "notLoaded"};
    private lastSharedWindows = 0;
    private shutdownPromise: Promise<void> | undefined;
    private readonly crashedFiles = new CrashedFiles();
    private requestTimeoutMs: number;

    constructor(private readonly options: EngineClientOptions) {
        super();
        this.backoff = new Backoff(options.backoff);
        this.requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
        this.supervisor = new EngineSupervisor({
            ...options,
            requestTimeoutMs: options.requestTimeoutMs ?? defaultRequestTimeoutMs,
            cancelGraceMs: options.cancelGraceMs ?? defaultCancelGraceMs,
            log: (level, message) => this.log(level, message)
        });
    }

    get state(): EngineState {
        return this.currentState;
    }

    /** The model process's id while this client is connected to it (tests kill it by this). */
    get workerPid(): number | undefined {
        return this.connection?.pid;
    }

    /** Windows connected to the model process (this one included); 0 when not connected. */
    get sharedWindows(): number {
        return this.connection?.windows ?? 0;
    }

    /** The folder of the model process's socket, secret and log. */
    get runtimeDir(): string {
        return this.supervisor.paths.dir;
    }

    /**
     * Sets the chat model. Nothing loads now; the next request that needs it loads it (or finds it
     * loaded by another window).
     */
    configure(params: LoadParams | undefined): void {
        this.assertUsable();
        this.slots.configure("chat", params);
        if (!params && !this.slots.isLoaded("chat")) this.setState({kind: "notLoaded"});
    }

    /** Sets a separate model for completions (a small FIM model), or none to use the chat model. */
    configureCompletion(params: LoadParams | undefined): void {
        this.assertUsable();
        this.slots.configure("completion", params);
    }

    /** Sets the embedding model (a GGUF path) that re-ranks workspace search, or none. */
    configureEmbedding(modelPath: string | undefined): void {
        this.assertUsable();
        this.slots.embeddingModel = modelPath;
    }

    get configuredEmbeddingModel(): string | undefined {
        return this.slots.embeddingModel;
    }

    /**
     * Unit-length embedding vectors of `texts`, in order, from the configured embedding model
     * (loaded in the model process on first use). Any number of texts: they go in requests of
     * `embedLimits.maxTexts`, one after another, so a cancel stops between (and within) them.
     */
    async embed(texts: readonly string[], kind: EmbedParams["kind"], options: {signal?: AbortSignal} = {}): Promise<Float32Array[]> {
        this.assertUsable();
        const model = this.slots.embedParams();
        if (!model) throw new EngineError("NoModelConfigured", "No embedding model is set (enclave.workspace.embeddingModel).");
        const vectors: Float32Array[] = [];
        for (let start = 0; start < texts.length; start += embedLimits.maxTexts) {
            const batch = texts.slice(start, start + embedLimits.maxTexts);
            const result = await this.request("embed", {...model, texts: batch, kind}, {signal: options.signal});
            vectors.push(...decodeVectors(result.vectors, batch.length, result.dimensions));
        }
        return vectors;
    }

    get configuredModel(): LoadParams | undefined {
        return this.slots.desiredFor("chat");
    }

    get configuredCompletionModel(): LoadParams | undefined {
        return this.slots.desiredFor("completion");
    }

    get completionRole(): ModelRole {
        return this.slots.completionRole;
    }

    /** The configured model of `role` is loaded for this window (a request for it would not load anything). */
    isModelLoaded(role: ModelRole): boolean {
        return this.connection !== undefined && this.slots.current(role) !== undefined;
    }

    /** Loads the configured model of `role` unless it is loaded already, and returns its info. */
    async ensureModel(signal?: AbortSignal, role: ModelRole = "chat"): Promise<ModelInfo> {
        this.assertUsable();
        const params = this.slots.loadParamsFor(role);
        if (!params) throw new EngineError("NoModelConfigured", "No model is configured. Choose a GGUF model file to start.");
        const current = this.slots.current(role);
        if (current && this.connection) return current;
        // The load is shared by every caller, so one caller's cancel only stops its own wait.
        return raceSignal(this.slots.sharedLoad(role, params, () => this.load(role, params)), signal);
    }

    /**
     * The user chose "Load Anyway" after a load was refused for memory: the configured models whose
     * last load was refused load again, past the plan's refusal (they may swap or fail).
     */
    async loadAnyway(signal?: AbortSignal): Promise<void> {
        for (const role of this.slots.loadAnyway()) await this.ensureModel(signal, role);
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

    /** Fresh info (memory in use changes) when the model of `role` is loaded for this window, otherwise undefined. */
    async info(role: ModelRole = "chat"): Promise<ModelInfo | undefined> {
        if (!this.slots.isLoaded(role) || !this.connection) return undefined;
        return (await this.request("info", {model: role}, {})) ?? undefined;
    }

    /** Who uses the model process and what it holds; undefined when this client is not connected to one. */
    async processStatus(): Promise<ProcessStatus | undefined> {
        if (!this.connection) return undefined;
        return this.request("status", {});
    }

    /** Unloads `modelPath` for every window (the choice a load refused for memory offers for another window's model). */
    async unloadModelEverywhere(modelPath: string): Promise<boolean> {
        return (await this.request("unloadModel", {modelPath})).unloaded;
    }

    /**
     * "Unload Model": every model is unloaded and the model process ends, for every window that
     * shares it (they start it again on their next request); all its memory goes back to the system.
     */
    async unload(): Promise<void> {
        const connection = this.connection;
        if (connection) {
            await this.request("exit", {}).catch(() => undefined);
            await connection.ended;
        }
        this.slots.forgetAll();
        this.setState({kind: "notLoaded"});
    }

    /** Ends the model process when it holds no model and no other window uses it (it was started only to read the hardware). */
    async stopIfUnused(): Promise<void> {
        const status = await this.processStatus().catch(() => undefined);
        if (status && status.models.length === 0 && status.clients <= 1) await this.unload();
    }

    /**
     * Changes the timeouts without a reload: requests sent from now on get `requestTimeoutMs`
     * (those in flight keep theirs); `idleExitMs` applies to the next model process this client
     * starts (a running process was told its own when it started).
     */
    setTimeouts(timeouts: {requestTimeoutMs?: number; idleExitMs?: number}): void {
        if (timeouts.requestTimeoutMs !== undefined) this.requestTimeoutMs = timeouts.requestTimeoutMs;
        if (timeouts.idleExitMs !== undefined) this.supervisor.setIdleExitMs(timeouts.idleExitMs);
    }

    /** Sends one request to the model process (started if needed), without loading a model first. */
    async request<M extends Method>(method: M, params: ParamsOf<M>, options: RequestOptions<M> = {}): Promise<ResultOf<M>> {
        this.assertUsable();
        if (options.signal?.aborted) throw abortedError();
        const connection = await raceSignal(this.connect(), options.signal);
        const result = await connection.rpc.request(method, params, {...options, timeoutMs: options.timeoutMs ?? this.requestTimeoutMs});
        this.backoff.succeeded();
        return result;
    }

    /**
     * Leaves the model process (this window closes); a shared process goes on serving the other
     * windows and exits by itself when idle, a private one is stopped. Safe to call more than once.
     */
    shutdown(): Promise<void> {
        this.shutdownPromise ??= (async () => {
            const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
            this.connection = undefined;
            connection?.rpc.failAll(() => new EngineError("Disposed", "Enclave is shutting down."));
            if (this.supervisor.isPrivate) {
                // A private process serves nobody else: ask it to exit (killed if it has not within the grace).
                if (connection) void connection.rpc.request("exit", {}).catch(() => undefined);
                await this.supervisor.stopStarted(2_000);
            }
            connection?.close();
            this.supervisor.removePrivateDir();
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

    private async withModel<M extends Method>(method: M, params: ParamsOf<M>, options: RequestOptions<M>, role: ModelRole = "chat"): Promise<ResultOf<M>> {
        await this.ensureModel(options.signal, role);
        try {
            return await this.request(method, params, options);
        } catch (error) {
            // Another window unloaded the model meanwhile (to make room for its own): load it again, once.
            if (!(error instanceof EngineError && error.code === "NoModelLoaded")) throw error;
            this.slots.forget(role);
            this.log("info", `The ${role} model was unloaded by another window; loading it again.`);
            await this.ensureModel(options.signal, role);
            return this.request(method, params, options);
        }
    }

    private async load(role: ModelRole, params: LoadParams): Promise<ModelInfo> {
        // The status bar follows the chat model; a completion model's problems surface where completions are shown.
        const report = (state: EngineState) => role === "chat" && this.setState(state);
        report({kind: "loading", modelPath: params.modelPath, fraction: 0});
        try {
            const crashed = await this.crashedFiles.recall(params.modelPath);
            if (crashed !== undefined)
                throw new EngineError(
                    "CorruptModel",
                    `Enclave's model process crashed (${crashed}) while loading ${basename(params.modelPath)} last time, so Enclave does not load it again: the file is damaged or of a kind this llama.cpp cannot run. Choose another model, or replace the file.`
                );
            const connection = await this.connect();
            const info = await this.request("load", params, {
                onEvent: (event) => report({kind: "loading", modelPath: params.modelPath, fraction: event.fraction})
            }).catch((error: unknown) => this.blameFile(error, params.modelPath, connection));
            this.slots.setLoaded(role, params, info);
            // Completions moved back to the chat model: the separate completion model is not needed any more.
            if (role === "chat" && this.slots.completionRole === "chat" && this.slots.isLoaded("completion")) {
                this.slots.forget("completion");
                await this.request("unload", {model: "completion"}).catch(() => undefined);
            }
            report({kind: "ready", info});
            return info;
        } catch (error) {
            this.slots.forget(role);
            if (error instanceof EngineError && error.code === "InsufficientMemory") this.slots.refuse(role);
            const data = error instanceof EngineError ? error.toData() : {code: "Internal" as const, message: String(error)};
            report({kind: "error", error: data});
            throw error;
        }
    }

    /** A crash during a load is the file's doing: remember it, and say which file. */
    private async blameFile(error: unknown, modelPath: string, connection: EngineConnection | undefined): Promise<never> {
        if (!(error instanceof EngineError && error.code === "EngineCrashed") || !connection) throw error;
        // The request fails as the socket closes; how the process ended is known a moment later.
        const end = await Promise.race([connection.ended, sleep(2_000).then(() => undefined)]);
        const signal = end?.kind === "lost" ? (end.exit?.signal ?? null) : null;
        if (!isCrashSignal(signal)) throw error;
        await this.crashedFiles.remember(modelPath, signal);
        throw new EngineError(
            "EngineCrashed",
            `Enclave's model process crashed (${signal}) while loading ${basename(modelPath)}: the file is damaged or of a kind this llama.cpp cannot run. Enclave will not load it again unless it changes; choose another model.`,
            error.message
        );
    }

    private connect(): Promise<EngineConnection> {
        if (this.connection) return Promise.resolve(this.connection);
        this.connecting ??= (async () => {
            await sleep(this.backoff.delayMs());
            this.assertUsable();
            const connection = await this.supervisor.connect();
            if (this.isDisposed) {
                connection.close();
                this.assertUsable();
            }
            this.backoff.started();
            this.connection = connection;
            this.log("info", `Connected to the model process (pid ${connection.pid}; ${connection.windows} window${connection.windows === 1 ? "" : "s"}).`);
            connection.onSharing((windows) => this.announceSharing(windows));
            this.announceSharing(connection.windows);
            void connection.ended.then((end) => this.onEnded(connection, end));
            return connection;
        })().finally(() => {
            this.connecting = undefined;
        });
        return this.connecting;
    }

    private onEnded(connection: EngineConnection, end: ConnectionEnd): void {
        if (this.connection !== connection) return;
        this.connection = undefined;
        this.slots.forgetAll();
        this.announceSharing(0);
        if (end.kind === "closed" || this.isDisposed) return;
        if (end.kind === "bye") {
            this.log("info", `The model process exited (${end.reason === "idle" ? "unused for a while" : end.reason === "unload" ? "unloaded" : "stopped"}); the next request starts it again.`);
            this.setState({kind: "notLoaded"});
            return;
        }
        this.backoff.failed();
        const error = endError(end);
        this.log("error", error.message);
        this.setState({kind: "error", error: error.toData()});
    }

    /** The process repeats its count to everyone on every connect and leave: only a change is news. */
    private announceSharing(windows: number): void {
        if (windows === this.lastSharedWindows) return;
        this.lastSharedWindows = windows;
        this.sharingEmitter.fire(windows);
    }

    private setState(state: EngineState): void {
        this.currentState = state;
        this.stateEmitter.fire(state);
    }

    private log(level: LogLevel, message: string): void {
        this.options.log?.(level, message);
    }
}

function abortedError(): EngineError {
    return new EngineError("Aborted", "The request was cancelled.");
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
