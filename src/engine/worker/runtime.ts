/**
 * What the worker holds: one Llama and up to one model per role. The chat model's context has a
 * sequence each for chat and review and a pool of completion sequences, one per client that
 * completes (none when a separate completion model is set); a separate completion model (a small
 * FIM model) gets a context with a pool of completion sequences (models/sequences.ts). Completion
 * work has priority in each context's batches (batchPriority.ts). Every load is planned first (loadPlan.ts): its context size and GPU layers
 * are the plan's, and a plan that does not fit refuses the load unless the user said load anyway.
 * Each sequence keeps its KV cache between requests, so a follow-up prompt that shares a prefix
 * with the previous one only evaluates the new tokens.
 */
import {statSync} from "node:fs";
import {basename} from "node:path";
import {
    DeepSeekChatWrapper,
    getLlama,
    InsufficientMemoryError,
    LlamaLogLevel,
    resolveChatWrapper,
    type ChatWrapper,
    type Llama,
    type LlamaContext,
    type LlamaModel
} from "node-llama-cpp";
import {EngineError, describeError} from "../errors";
import type {ModelFit} from "../../models/fit";
import type {LoadedModelStatus, LoadParams, LogLevel, ModelInfo, ModelRole} from "../protocol";
import {batchPriorityStrategy} from "./batchPriority";
import {chooseChatFormat, r1FormatTokens} from "./chatFormat";
import {completionFormatOf, templateReasons} from "./completionFormat";
import {KeystrokeWork, takeSequences, type ContextSequences} from "./loadedSequences";
import {planLoad, sequencesFor} from "./loadPlan";
import type {LoadedMemory} from "./memoryNow";
import {EmbeddingModels} from "./embeddingModels";
import {checkModelFile} from "./modelFile";
import {Mutex} from "./mutex";
import {chooseThreads} from "./threads";

export interface LoadedModel extends ContextSequences {
    readonly model: LlamaModel;
    readonly context: LlamaContext;
    readonly chatWrapper: ChatWrapper;
    readonly info: ModelInfo;
    /** Completion work runs in here: while it does, the context's batches favour it. */
    readonly keystrokes: KeystrokeWork;
    /** Per-sequence objects (a chat or review sequence's LlamaChat) kept to reuse their state. */
    readonly state: Map<string, unknown>;
}

/** One loaded model and the clients (windows, CLI runs) whose requests for a role run on it. */
interface Entry {
    readonly key: string;
    readonly loaded: LoadedModel;
    readonly memory: LoadedMemory;
    lastUsedMs: number;
}

/**
 * The models of the shared process. Each client binds each role (chat, completion) to a model;
 * clients that configure the same model with the same settings share one copy. A model nobody is
 * bound to stays loaded (a reloaded window finds it) until a load needs its memory or the process
 * exits idle; a client that switches to another model gives its old one up at once when nobody else
 * uses it.
 */
export class ModelRuntime {
    private llama: Llama | undefined;
    private readonly models = new Map<string, Entry>();
    private readonly loading = new Map<string, Promise<Entry>>();
    private readonly bindings = new Map<number, Map<ModelRole, string>>();
    /** Loads plan against the memory free now, so they run one at a time. */
    private readonly loadLock = new Mutex();
    /** Embedding models (workspace re-ranking): loaded on first use beside these, freed when idle. */
    readonly embeddings: EmbeddingModels;

    constructor(private readonly log: (level: LogLevel, message: string) => void, options: {embeddingIdleMs?: number} = {}) {
        this.embeddings = new EmbeddingModels({llama: (gpu) => this.getLlama({gpu}), log, ...(options.embeddingIdleMs !== undefined ? {idleMs: options.embeddingIdleMs} : {})});
    }

    /** The model `client` bound `role` to; a request on it counts as use (the idle clock, "idle since"). */
    require(client: number, role: ModelRole = "chat"): LoadedModel {
        const entry = this.entryOf(client, role);
        if (!entry) throw new EngineError("NoModelLoaded", role === "chat" ? "No model is loaded." : "No completion model is loaded.");
        entry.lastUsedMs = Date.now();
        return entry.loaded;
    }

    /** Binds `client`'s `role` to the model of `params`, loading it unless it is loaded (or loading) already. */
    async load(client: number, params: LoadParams, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<ModelInfo> {
        const role = params.role ?? "chat";
        const key = modelKey(params);
        let entry = this.models.get(key);
        if (!entry) {
            let pending = this.loading.get(key);
            if (!pending) {
                pending = this.loadLock.run(async () => this.models.get(key) ?? this.loadNew(client, key, {...params, role}, onProgress, signal));
                this.loading.set(key, pending);
                void pending.then(
                    () => this.loading.delete(key),
                    () => this.loading.delete(key)
                );
            }
            entry = await pending;
        }
        await this.bind(client, role, entry);
        entry.lastUsedMs = Date.now();
        return entry.loaded.info;
    }

    /** `client` no longer uses its model for `role`; the model unloads when nobody else does. */
    async unload(client: number, role: ModelRole): Promise<void> {
        const key = this.bindings.get(client)?.get(role);
        if (key == null) return;
        this.bindings.get(client)?.delete(role);
        await this.unloadIfUnused(key);
    }

    /** Unloads the model of `modelPath` for every client (they load it again on their next request). */
    async unloadModel(modelPath: string): Promise<boolean> {
        const entries = [...this.models.values()].filter((entry) => entry.loaded.info.modelPath === modelPath);
        for (const entry of entries) await this.unloadEntry(entry);
        return entries.length > 0;
    }

    /**
     * A client went away: its bindings end and its completion sequences are free for others; the
     * models stay loaded for a while (its window may come back).
     */
    disconnect(client: number): void {
        this.bindings.delete(client);
        for (const entry of this.models.values()) entry.loaded.releaseClient(client);
    }

    status(): LoadedModelStatus[] {
        return [...this.models.values()].map((entry) => this.statusOf(entry));
    }

    /** The loaded models as memory planning counts them (a load here, and the picker's plans, plan beside them). */
    besides(): LoadedMemory[] {
        return [...[...this.models.values()].map((entry) => entry.memory), ...this.embeddings.memory()];
    }

    private entryOf(client: number, role: ModelRole): Entry | undefined {
        const key = this.bindings.get(client)?.get(role);
        return key == null ? undefined : this.models.get(key);
    }

    /** The clients bound to the model of `key` (for any role). */
    private usersOf(key: string): number[] {
        return [...this.bindings].filter(([, roles]) => [...roles.values()].includes(key)).map(([client]) => client);
    }

    private statusOf(entry: Entry): LoadedModelStatus {
        return {
            modelPath: entry.loaded.info.modelPath,
            role: entry.loaded.info.role,
            users: this.usersOf(entry.key).length,
            idleMs: Math.max(0, Date.now() - entry.lastUsedMs)
        };
    }

    private async bind(client: number, role: ModelRole, entry: Entry): Promise<void> {
        let roles = this.bindings.get(client);
        if (!roles) {
            roles = new Map();
            this.bindings.set(client, roles);
        }
        const previous = roles.get(role);
        roles.set(role, entry.key);
        if (previous != null && previous !== entry.key) await this.unloadIfUnused(previous);
    }

    private async unloadIfUnused(key: string): Promise<void> {
        const entry = this.models.get(key);
        if (entry && this.usersOf(key).length === 0) await this.unloadEntry(entry);
    }

    private async unloadEntry(entry: Entry): Promise<void> {
        if (this.models.get(entry.key) !== entry) return;
        this.models.delete(entry.key);
        for (const roles of this.bindings.values()) for (const [role, key] of roles) if (key === entry.key) roles.delete(role);
        await entry.loaded.context.dispose();
        await entry.loaded.model.dispose();
        this.log("info", `Unloaded ${basename(entry.loaded.info.modelPath)}.`);
    }

    private async loadNew(client: number, key: string, params: LoadParams & {role: ModelRole}, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<Entry> {
        const started = performance.now();
        const {role} = params;
        const sequenceList = sequencesFor(role, params.separateCompletion ?? false);
        // This client's previous model for the role goes first when nobody else uses it: its memory is then free for the plan.
        const previous = this.entryOf(client, role);
        if (previous && this.usersOf(previous.key).every((user) => user === client)) {
            this.bindings.get(client)?.delete(role);
            await this.unloadEntry(previous);
        }
        const llama = await this.getLlama(params);
        const threads = chooseThreads(params.threads, llama.cpuMathCores);
        llama.maxThreads = threads;
        const file = await checkModelFile(params.modelPath);
        // Planned with the other loaded models in memory: theirs is not free.
        let plan = await planLoad(llama, file.info, {...params, besides: this.besides()});
        if (!plan.fits) {
            // Models no window uses any more give their memory up before anyone is asked to.
            const unused = [...this.models.values()].filter((entry) => this.usersOf(entry.key).length === 0);
            for (const entry of unused) await this.unloadEntry(entry);
            if (unused.length > 0) plan = await planLoad(llama, file.info, {...params, besides: this.besides()});
        }
        if (!plan.fits && params.ignoreFit !== true) throw refusal(params.modelPath, plan, this.othersThan(client));
        if (!plan.fits) this.log("warn", `Loading ${basename(params.modelPath)} anyway, as asked: ${plan.reason}`);

        let model: LlamaModel;
        try {
            model = await llama.loadModel({
                modelPath: params.modelPath,
                gpuLayers: plan.gpuLayers,
                onLoadProgress: onProgress,
                loadSignal: signal,
                ignoreMemorySafetyChecks: params.ignoreFit === true
            });
        } catch (error) {
            throw classifyLoadError(error, params.modelPath);
        }

        const keystrokes = new KeystrokeWork();
        let context: LlamaContext;
        try {
            context = await model.createContext({
                sequences: sequenceList.length,
                contextSize: plan.contextSize,
                threads,
                batching: {itemPrioritizationStrategy: batchPriorityStrategy(() => keystrokes.active)},
                createSignal: signal,
                ignoreMemorySafetyChecks: params.ignoreFit === true
            });
        } catch (error) {
            await model.dispose();
            throw classifyLoadError(error, params.modelPath);
        }

        const sequences = takeSequences(context, sequenceList, role);
        const {chatWrapper, chatFormatNote} = chatWrapperFor(model);
        const info: ModelInfo = {
            modelPath: params.modelPath,
            role,
            architecture: String(file.info.metadata.general.architecture),
            name: typeof file.info.metadata.general.name === "string" ? file.info.metadata.general.name : undefined,
            parameterCount: countParameters(file.info.tensorInfo),
            fileSizeBytes: file.sizeBytes,
            contextSize: context.contextSize,
            trainContextSize: model.trainContextSize,
            ...completionFormatInfo(model, chatWrapper.wrapperName),
            chatWrapper: chatWrapper.wrapperName,
            thinks: chatWrapper.settings.segments?.thought != null && templateAllowsThoughts(model),
            ...(chatFormatNote != null ? {chatFormatNote} : {}),
            threads,
            gpu: llama.gpu === false ? "cpu" : llama.gpu,
            gpuLayers: model.gpuLayers,
            sequences: [...sequenceList],
            fit: plan.reason,
            memory: memoryOf(model),
            loadMs: Math.round(performance.now() - started)
        };
        const loaded: LoadedModel = {...sequences, model, context, chatWrapper, info, keystrokes, state: new Map()};
        if (chatFormatNote != null) this.log("warn", `${params.modelPath}: ${chatFormatNote}`);
        this.log("info", `Loaded ${role} model ${info.name ?? info.architecture} (${info.parameterCount.toLocaleString("en")} parameters), context ${info.contextSize} × ${sequenceList.length} sequences (${sequences.completionSequences} for completions), ${threads} threads, ${info.gpu}, in ${info.loadMs} ms.`);
        // Its weights in RAM: all of them on the CPU, the share of the layers left off the GPU otherwise.
        const cpuShare = plan.totalLayers > 0 && llama.gpu !== false ? Math.max(0, 1 - model.gpuLayers / plan.totalLayers) : 1;
        const entry: Entry = {key, loaded, memory: {modelPath: params.modelPath, neededBytes: plan.neededBytes, ramWeightBytes: model.size * cpuShare}, lastUsedMs: Date.now()};
        this.models.set(key, entry);
        return entry;
    }

    /** Models bound by clients other than `client`, which unloaded would free memory (the refusal offers that). */
    private othersThan(client: number): LoadedModelStatus[] {
        return [...this.models.values()].filter((entry) => this.usersOf(entry.key).some((user) => user !== client)).map((entry) => this.statusOf(entry));
    }

    info(client: number, role: ModelRole = "chat"): ModelInfo | null {
        const entry = this.entryOf(client, role);
        return entry ? {...entry.loaded.info, memory: memoryOf(entry.loaded.model)} : null;
    }

    async dispose(): Promise<void> {
        await this.embeddings.dispose();
        for (const entry of [...this.models.values()]) await this.unloadEntry(entry);
        await this.llama?.dispose();
        this.llama = undefined;
    }

    /**
     * The Llama models load onto (made now, as the next load would make it, if none exists yet):
     * hardware detection reads the same devices the engine uses.
     */
    hardware(gpu: "auto" | "off"): Promise<Llama> {
        return this.getLlama({gpu});
    }

    private async getLlama(params: Pick<LoadParams, "gpu">): Promise<Llama> {
        this.llama ??= await getLlama({
            gpu: params.gpu === "off" ? false : "auto",
            // Never compile or download at run time: the prebuilt binaries ship with the extension.
            build: "never",
            logLevel: LlamaLogLevel.warn,
            logger: (level, message) => {
                const text = message.trim();
                if (text !== "") this.log(level === LlamaLogLevel.error || level === LlamaLogLevel.fatal ? "error" : "warn", `[llama.cpp] ${text}`);
            }
        });
        return this.llama;
    }
}

/** Loads with these settings make the same model, context and sequences: clients asking for it share one copy. */
function modelKey(params: LoadParams): string {
    return JSON.stringify([params.modelPath, params.role ?? "chat", params.contextSize ?? 0, params.threads ?? 0, params.gpu ?? "auto", params.gpuLayers ?? null, params.separateCompletion ?? false]);
}

/**
 * The plan refused the load: the sentence with its numbers and the ways forward. node-llama-cpp
 * would allocate a fixed size that does not fit anyway, and the OOM killer would end the process.
 */
function refusal(modelPath: string, plan: ModelFit, otherModels: LoadedModelStatus[]): EngineError {
    const smaller = plan.smallerContextSize == null ? "" : ` A ${plan.smallerContextSize.toLocaleString("en")}-token context would fit.`;
    const others = otherModels.length === 0 ? "" : ` Other windows have ${otherModels.map((model) => basename(model.modelPath)).join(" and ")} loaded; unloading ${otherModels.length === 1 ? "it" : "them"} would make room.`;
    return new EngineError(
        "InsufficientMemory",
        `${basename(modelPath)} does not fit in the memory free now. ${plan.reason}${smaller}${others} Choose a smaller context, another model, or load it anyway.`,
        undefined,
        {...(plan.smallerContextSize == null ? {} : {smallerContextSize: plan.smallerContextSize}), ...(otherModels.length > 0 ? {otherModels} : {})}
    );
}

/** The model's chat format (see chatFormat.ts) and, when the file has no template, what Enclave does about it. */
function chatWrapperFor(model: LlamaModel): {chatWrapper: ChatWrapper; chatFormatNote?: string} {
    const template = model.fileInfo.metadata.tokenizer?.chat_template;
    const hasR1Tokens = r1FormatTokens.every((token) => model.tokenize(token, true).length === 1);
    const choice = chooseChatFormat(typeof template === "string" && template.trim() !== "", hasR1Tokens);
    if (choice.kind === "template") return {chatWrapper: resolveChatWrapper(model)};
    if (choice.kind === "r1") return {chatWrapper: new DeepSeekChatWrapper(), chatFormatNote: choice.note};
    const chatWrapper = resolveChatWrapper(model);
    return {chatWrapper, chatFormatNote: choice.note(chatWrapper.wrapperName, chatWrapper.settings.segments?.thought != null)};
}

/** A model whose template never mentions `<think>` (Qwen2.5-Coder's ChatML) does not reason, whatever its wrapper could parse. */
function templateAllowsThoughts(model: LlamaModel): boolean {
    const template = model.fileInfo.metadata.tokenizer?.chat_template;
    return typeof template !== "string" || templateReasons(template);
}

function completionFormatInfo(model: LlamaModel, chatWrapper: string): Pick<ModelInfo, "completionFormat" | "completionFormatReason"> {
    const template = model.fileInfo.metadata.tokenizer?.chat_template;
    const {prefix, suffix, middle} = model.tokens.infill;
    const special = (text: string): boolean => model.tokenize(text, true).length === 1;
    const decision = completionFormatOf({
        chatWrapper,
        chatTemplate: typeof template === "string" ? template : undefined,
        fimTokens: prefix != null && suffix != null && middle != null,
        repoTokens: special("<|repo_name|>") && special("<|file_sep|>")
    });
    return {completionFormat: decision.format, completionFormatReason: decision.reason};
}

function memoryOf(model: LlamaModel): ModelInfo["memory"] {
    return {rssBytes: process.memoryUsage().rss, modelBytes: model.size};
}

function countParameters(tensors: ReadonlyArray<{dimensions: ReadonlyArray<number | bigint>}> | undefined): number {
    let total = 0;
    for (const tensor of tensors ?? []) total += tensor.dimensions.reduce<number>((product, size) => product * Number(size), 1);
    return total;
}

function classifyLoadError(error: unknown, modelPath: string): EngineError {
    if (error instanceof EngineError) return error;
    if (error instanceof InsufficientMemoryError || /memory|alloc/i.test(String(error)))
        return new EngineError(
            "InsufficientMemory",
            "There is not enough free memory for this model. Close other programs, pick a smaller model or a smaller context size.",
            describeError(error)
        );
    if (/architecture/i.test(String(error)))
        return new EngineError("UnsupportedArchitecture", `${modelPath} uses a model architecture this version of Enclave cannot run.`, describeError(error));
    let size = "";
    try {
        size = ` (${statSync(modelPath).size} bytes)`;
    } catch {
        // The file vanished meanwhile; the message stays generic.
    }
    return new EngineError("CorruptModel", `The model ${modelPath}${size} could not be loaded. It may be damaged or of an unsupported kind.`, describeError(error));
}
