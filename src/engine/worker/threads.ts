/**
 * How many CPU threads the model gets. node-llama-cpp's default is max(4, cores): on a 2-core
 * laptop that oversubscribes the CPU and measured 1.3 tokens/s instead of 160 (docs/ARCHITECTURE.md). We use
 * the cores that are useful for math (physical / performance cores), unless the user says otherwise.
 */
export function chooseThreads(requested: number | undefined, cpuMathCores: number): number {
    if (requested != null && requested > 0) return Math.floor(requested);
    return Math.max(1, cpuMathCores);
}
