/**
 * How many CPU threads the model gets. node-llama-cpp's default is max(4, cores): on a 2-core
 * laptop that oversubscribes the CPU and measured 1.3 tokens/s instead of 160 (docs/ARCHITECTURE.md). We use
 * the cores that are useful for math (physical / performance cores), unless the user says otherwise.
 */
export function chooseThreads(requested: number | undefined, cpuMathCores: number): number {
    if (requested != null && requested > 0) return Math.floor(requested);
    return Math.max(1, cpuMathCores);
}

/**
 * Threads of an embedding context: half the math cores (at least one). An embedding runs beside the
 * chat model, which already uses every core, and ggml's threads spin while they wait for each
 * other: measured on this 2-core machine under load (load average 4), ten short texts took 353 ms
 * with 2 threads and 20 ms with 1, on the same small model.
 */
export function chooseEmbeddingThreads(requested: number | undefined, cpuMathCores: number): number {
    if (requested != null && requested > 0) return Math.floor(requested);
    return Math.max(1, Math.floor(cpuMathCores / 2));
}
