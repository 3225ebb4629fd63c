// The extension host never imports node-llama-cpp (ESM-only with top-level await: require() fails,
// and it must not load native code beside every other extension). The model manager's host side
// uses the catalogue, the download client and plain helpers from src/models; hardware detection and
// GGUF checks run in the worker or the download process. This bundles the extension as esbuild.mjs
// does and checks what went in.
import assert from "node:assert/strict";
import * as esbuild from "esbuild";

describe("extension host bundle", function () {
    this.timeout(30_000);

    it("contains no import of node-llama-cpp, and none of the modules that need it", async () => {
        const result = await esbuild.build({
            entryPoints: ["src/extension.ts"],
            bundle: true,
            platform: "node",
            target: "node20",
            format: "cjs",
            external: ["vscode"],
            write: false,
            metafile: true,
            logLevel: "silent",
            // A reference to it would be bundled (or fail) instead of slipping through as external.
            plugins: [{
                name: "forbid-node-llama-cpp",
                setup(build) {
                    build.onResolve({ filter: /^(node-llama-cpp|@node-llama-cpp\/)/ }, (args) => ({ errors: [{ text: `${args.importer} imports ${args.path}` }] }));
                }
            }]
        });
        const inputs = Object.keys(result.metafile.inputs);
        assert.ok(inputs.includes("src/provider/models/modelsFeature.ts"), "the model manager is in the bundle");
        assert.ok(inputs.includes("src/models/downloadClient.ts"));
        for (const needsLlama of ["src/models/hardware.ts", "src/models/ggufCheck.ts", "src/models/download.ts", "src/models/library.ts", "src/engine/worker/modelManager.ts"])
            assert.ok(!inputs.includes(needsLlama), `${needsLlama} stays out of the extension host`);
    });
});
