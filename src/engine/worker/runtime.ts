/**
 * What the worker holds: one Llama and up to one model per role. The chat model's context has a
 * sequence each for chat · completion · review (no completion sequence when a separate completion
 * model is set); a separate completion model (a small FIM model) gets a context with one
 * completion sequence. Every load is planned first (loadPlan.ts): its context size and GPU layers
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
    type LlamaContextSequence,
    type LlamaModel
} from "node-llama-cpp";
import {EngineError, describeError} from "../errors";
import type {ModelFit} from "../../models/fit";
import type {LoadParams, LogLevel, ModelInfo, ModelRole, SequenceName} from "../protocol";
import {chooseChatFormat, r1FormatTokens} from "./chatFormat";
import {completionFormatOf, templateReasons} from "./completionFormat";
import {planLoad, sequencesFor} from "./loadPlan";
import {checkModelFile} from "./modelFile";
import {Mutex} from "./mutex";
import {chooseThreads} from "./threads";

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
        const sequenceList = sequencesFor(role, params.separateCompletion ?? false);
        await this.unload(role);
        const llama = await this.getLlama(params);
        const threads = chooseThreads(params.threads, llama.cpuMathCores);
        llama.maxThreads = threads;
        const file = await checkModelFile(params.modelPath);
        // Planned after the other role's model (if any) is loaded: its memory is no longer free.
        const plan = await planLoad(llama, file.info, {...params, role});
        if (!plan.fits && params.ignoreFit !== true) throw refusal(params.modelPath, plan);
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

        let context: LlamaContext;
        try {
            context = await model.createContext({
                sequences: sequenceList.length,
                contextSize: plan.contextSize,
                threads,
                createSignal: signal,
                ignoreMemorySafetyChecks: params.ignoreFit === true
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
        this.loaded.set(role, {
            model,
            context,
            chatWrapper,
            info,
            sequence: (name) => {
                const sequence = sequences.get(name);
                if (sequence == null) throw new EngineError("NoModelLoaded", `The ${role} model has no ${name} sequence: a separate completion model was set when it loaded.`);
                return sequence;
            },
            lock: (name) => locks.get(name) as Mutex,
            state: new Map()
        });
        if (chatFormatNote != null) this.log("warn", `${params.modelPath}: ${chatFormatNote}`);
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
 * The plan refused the load: the sentence with its numbers and the ways forward. node-llama-cpp
 * would allocate a fixed size that does not fit anyway, and the OOM killer would end the process.
 */
function refusal(modelPath: string, plan: ModelFit): EngineError {
    const smaller = plan.smallerContextSize == null ? "" : ` A ${plan.smallerContextSize.toLocaleString("en")}-token context would fit.`;
    return new EngineError(
        "InsufficientMemory",
        `${basename(modelPath)} does not fit in the memory free now. ${plan.reason}${smaller} Choose a smaller context, another model, or load it anyway.`,
        undefined,
        plan.smallerContextSize == null ? {} : {smallerContextSize: plan.smallerContextSize}
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
