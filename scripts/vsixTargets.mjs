// Which @node-llama-cpp/* prebuilt llama.cpp binaries each VSIX carries, and so what it accelerates
// with (README, "Install"; a unit test keeps the two the same). CPU first, then the GPU backend.
// CUDA binaries are ~540 MB, so they go only in the `--cuda` VSIX of the two targets that have them.

/** VS Code target → {binaries, accelerates}: the packages kept and the backend words the README uses. */
export const vsixTargets = {
    "linux-x64": {binaries: ["linux-x64", "linux-x64-vulkan"], accelerates: "Vulkan"},
    "linux-arm64": {binaries: ["linux-arm64"], accelerates: "CPU only"},
    "linux-armhf": {binaries: ["linux-armv7l"], accelerates: "CPU only"},
    "darwin-arm64": {binaries: ["mac-arm64-metal"], accelerates: "Metal"},
    "darwin-x64": {binaries: ["mac-x64"], accelerates: "CPU only"},
    "win32-x64": {binaries: ["win-x64", "win-x64-vulkan"], accelerates: "Vulkan"},
    "win32-arm64": {binaries: ["win-arm64"], accelerates: "CPU only"}
};

/** The CUDA builds: the target's binaries plus node-llama-cpp's CUDA ones. */
export const cudaTargets = {
    "linux-x64": {binaries: ["linux-x64", "linux-x64-vulkan", "linux-x64-cuda", "linux-x64-cuda-ext"], accelerates: "CUDA, else Vulkan"},
    "win32-x64": {binaries: ["win-x64", "win-x64-vulkan", "win-x64-cuda", "win-x64-cuda-ext"], accelerates: "CUDA, else Vulkan"}
};

/**
 * The binaries of `target`, with CUDA's when `cuda` is set.
 * @param {string} target
 * @param {boolean} cuda
 * @returns {{binaries: string[], accelerates: string} | undefined}
 */
export function vsixTarget(target, cuda) {
    const table = cuda ? cudaTargets : vsixTargets;
    return Object.hasOwn(table, target) ? table[/** @type {keyof typeof table} */ (target)] : undefined;
}
