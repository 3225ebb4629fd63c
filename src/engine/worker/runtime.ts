/**
 * What the worker holds: one Llama and up to one model per role. The chat model's context has a
 * sequence each for chat · completion · review; a separate completion model (a small FIM model)
 * gets a context with one completion sequence. Each sequence keeps its KV cache between requests,
 * so a follow-up prompt that shares a prefix with the previous one only evaluates the new tokens.
 */
import {statSync} from "node:fs";
import {
    getLlama,
    InsufficientMemoryError,
    LlamaLogLevel,
    resolveChatWrapper,
    type ChatWrapper,
    type Llama,
    type LlamaContext,
    type LlamaContextSequence,
    type LlamaModel
} from "node-llama-cpp";
import {EngineError, describeError} from "../errors";
import {sequenceNames, type LoadParams, type LogLevel, type ModelInfo, type ModelRole, type SequenceName} from "../protocol";
import {completionFormatOf, templateReasons} from "./completionFormat";
import {kvCacheBytes} from "./contextMemory";
import {checkModelFile, formatBytes} from "./modelFile";
import {Mutex} from "./mutex";
import {chooseThreads} from "./threads";

/** Auto context size stays within this: more costs memory that completions and chat rarely use. */
const autoContextMax = 16_384;
const autoContextMin = 1_024;

/** The sequences each role's context has. */
const sequencesOf: Record<ModelRole, readonly SequenceName[]> = {chat: sequenceNames, completion: ["completion"]};

export interface LoadedModel {
    readonly model: LlamaModel;
    readonly context: LlamaContext;
    readonly chatWrapper: ChatWrapper;
    readonly info: ModelInfo;
    sequence(name: SequenceName): LlamaContextSequence;
    /** Serialises work on one sequence: its KV cache serves one generation at a time. */
    lock(name: SequenceName): Mutex;
    /** Per-sequence objects (a LlamaChat, a LlamaCompletion) kept to reuse their state. */
    readonly state: Map<string, unknown>;
}

export class ModelRuntime {
    private llama: Llama | undefined;
    private readonly loaded = new Map<ModelRole, LoadedModel>();

    constructor(private readonly log: (level: LogLevel, message: string) => void) {}

    require(role: ModelRole = "chat"): LoadedModel {
        const loaded = this.loaded.get(role);
        if (!loaded) throw new EngineError("NoModelLoaded", role === "chat" ? "No model is loaded." : "No completion model is loaded.");
        return loaded;
    }

    async load(params: LoadParams, onProgress: (fraction: number) => void, signal: AbortSignal): Promise<ModelInfo> {
        const started = performance.now();
        const role = params.role ?? "chat";
        const sequenceList = sequencesOf[role];
        await this.unload(role);
        const llama = await this.getLlama(params);
        const threads = chooseThreads(params.threads, llama.cpuMathCores);
        llama.maxThreads = threads;
        const file = await checkModelFile(params.modelPath, llama);

        let model: LlamaModel;
        try {
            model = await llama.loadModel({
                modelPath: params.modelPath,
                gpuLayers: params.gpu === "off" ? 0 : (params.gpuLayers ?? "auto"),
                onLoadProgress: onProgress,
                loadSignal: signal
            });
        } catch (error) {
            throw classifyLoadError(error, params.modelPath);
        }

        let context: LlamaContext;
        try {
            if (params.contextSize) await assertContextFits(llama, model, params.contextSize, sequenceList.length);
            const train = model.trainContextSize;
            context = await model.createContext({
                sequences: sequenceList.length,
                contextSize: params.contextSize ? params.contextSize : {min: Math.min(autoContextMin, train), max: Math.min(train, autoContextMax)},
                threads,
                createSignal: signal
            });
        } catch (error) {
            await model.dispose();
            throw classifyLoadError(error, params.modelPath);
        }

        const sequences = new Map<SequenceName, LlamaContextSequence>();
        const locks = new Map<SequenceName, Mutex>();
        for (const name of sequenceList) {
            sequences.set(name, context.getSequence());
            locks.set(name, new Mutex());
        }
        const chatWrapper = resolveChatWrapper(model);
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
            threads,
            gpu: llama.gpu === false ? "cpu" : llama.gpu,
            memory: memoryOf(model),
            loadMs: Math.round(performance.now() - started)
        };
        this.loaded.set(role, {
            model,
            context,
            chatWrapper,
            info,
            sequence: (name) => sequences.get(name) as LlamaContextSequence,
            lock: (name) => locks.get(name) as Mutex,
            state: new Map()
        });
        this.log("info", `Loaded ${role} model ${info.name ?? info.architecture} (${info.parameterCount.toLocaleString("en")} parameters), context ${info.contextSize}, ${threads} threads, ${info.gpu}, in ${info.loadMs} ms.`);
        return info;
    }

    info(role: ModelRole = "chat"): ModelInfo | null {
        const loaded = this.loaded.get(role);
        return loaded ? {...loaded.info, memory: memoryOf(loaded.model)} : null;
    }

    async unload(role: ModelRole): Promise<void> {
        const loaded = this.loaded.get(role);
        this.loaded.delete(role);
        if (!loaded) return;
        await loaded.context.dispose();
        await loaded.model.dispose();
    }

    async dispose(): Promise<void> {
        for (const role of [...this.loaded.keys()]) await this.unload(role);
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

/**
 * node-llama-cpp checks memory for "auto" sizes only; a fixed size that does not fit is allocated
 * anyway and the OOM killer ends the process (its own estimator also allocates in proportion to
 * the size asked for). So we do the arithmetic of the KV cache ourselves and refuse with numbers.
 */
async function assertContextFits(llama: Llama, model: LlamaModel, contextSize: number, sequences: number): Promise<void> {
    const needed = kvCacheBytes(model.fileInfo.architectureMetadata, contextSize, sequences);
    const ram = await llama.getRamState();
    if (needed > ram.free)
        throw new EngineError(
            "InsufficientMemory",
            `There is not enough free memory for a ${contextSize.toLocaleString("en")}-token context (its cache alone needs ${formatBytes(needed)}, ${formatBytes(ram.free)} is free). Choose a smaller context size, or 0 for automatic.`
        );
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
