/**
 * A model's requirements from its own GGUF header, through node-llama-cpp's GgufInsights: the
 * tensors' real sizes and types decide what each layer costs on the CPU or GPU, and the
 * architecture's attention metadata (KV heads, key/value sizes, experts) decides the context.
 *
 * Only the arithmetic estimators are used (`estimateModelResourceRequirements`,
 * `estimateContextResourceRequirements`). Their "V2" siblings simulate by asking llama.cpp to set
 * the model up; with a large context that allocated memory in proportion and got this process
 * OOM-killed in 3.21.1, so they are never called here — and context sizes are capped anyway (a
 * larger one is scaled from the cap's estimate).
 *
 * node-llama-cpp is imported dynamically: it is ESM-only with top-level await, and this module is
 * also bundled into CommonJS.
 */
import type {GgufInsights} from "node-llama-cpp";
import type {MemorySplit, ModelRequirements} from "./requirements";

/** No estimate asks about more tokens than this per sequence. */
export const maxEstimatedContext = 131_072;

export function requirementsFromInsights(insights: GgufInsights): ModelRequirements {
    const totalLayers = insights.totalLayers;
    const weightsCache = new Map<number, MemorySplit>();
    const contextCache = new Map<string, MemorySplit>();
    return {
        totalLayers,
        trainContextSize: insights.trainContextSize ?? 4096,
        parameters: insights.totalParameters,
        weightsBytes: insights.modelSize,
        weights(gpuLayers) {
            const layers = Math.max(0, Math.min(totalLayers, Math.floor(gpuLayers)));
            let split = weightsCache.get(layers);
            if (split == null) {
                // useMmap false: count every tensor as resident; a mapped file that doesn't fit in RAM pages forever.
                const estimate = insights.estimateModelResourceRequirements({gpuLayers: layers, useMmap: false});
                split = {cpuBytes: estimate.cpuRam, gpuBytes: estimate.gpuVram};
                weightsCache.set(layers, split);
            }
            return split;
        },
        context(contextSize, sequences, gpuLayers) {
            const layers = Math.max(0, Math.min(totalLayers, Math.floor(gpuLayers)));
            const asked = Math.max(1, Math.floor(contextSize));
            const size = Math.min(maxEstimatedContext, asked);
            const key = `${size}:${sequences}:${layers}`;
            let split = contextCache.get(key);
            if (split == null) {
                const estimate = insights.estimateContextResourceRequirements({contextSize: size, modelGpuLayers: layers, sequences});
                split = {cpuBytes: estimate.cpuRam, gpuBytes: estimate.gpuVram};
                contextCache.set(key, split);
            }
            // Beyond the cap, the KV cache grows in proportion: scale, so a huge context is never judged small.
            return asked === size ? split : {cpuBytes: (split.cpuBytes * asked) / size, gpuBytes: (split.gpuBytes * asked) / size};
        }
    };
}

export interface ReadRequirementsOptions {
    readonly signal?: AbortSignal;
    /** Hugging Face endpoint for `hf:` URIs (a loopback server in tests). */
    readonly endpoint?: string;
}

/**
 * Reads the header of a local file or of an `hf:` URI (only the header is fetched, with range
 * requests, and split models' parts are read too) and returns its requirements. For URIs pass a
 * `signal` with a timeout: node-llama-cpp's retries are turned off here, not bounded in time.
 */
export async function readModelRequirements(pathOrUri: string, options: ReadRequirementsOptions = {}): Promise<ModelRequirements> {
    const {readGgufFileInfo, GgufInsights} = await import("node-llama-cpp");
    const info = await readGgufFileInfo(pathOrUri, {
        logWarnings: false,
        signal: options.signal,
        fetchRetryOptions: {retries: 0},
        endpoints: options.endpoint == null ? undefined : {huggingFace: options.endpoint}
    });
    // Without a Llama, GgufInsights uses node-llama-cpp's backend-less instance: no GPU is initialised for an estimate.
    return requirementsFromInsights(await GgufInsights.from(info));
}
