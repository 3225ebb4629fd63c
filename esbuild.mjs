// Builds the two bundles the extension ships:
//   dist/extension.cjs — CommonJS, runs in the VS Code extension host (never imports node-llama-cpp)
//   dist/worker.mjs   — ESM, the model process; node-llama-cpp is ESM-only with top-level await,
//                       so it stays external and is imported only here.
//   dist/enclave-review.mjs — ESM, the offline review CLI (package "bin"); forks dist/worker.mjs.
//   dist/download.mjs — ESM, the model download process the extension forks for each download
//                       (node-llama-cpp's downloader; ending the process ends all its sockets).
//   dist/indexWorker.cjs — CommonJS, the workspace index's worker thread in the extension host;
//                       dist/grammars/ beside it holds the tree-sitter runtime and grammars it loads,
//                       dist/sqlite3.wasm the SQLite its ranking runs on.
//   dist/media/       — the chat and trace webviews for the browser: chat.js/.css, trace.js/.css and
//                       the codicon font they reference (load them through asWebviewUri).
// Flags: --watch rebuilds on change; --production minifies and drops source maps.
import * as esbuild from "esbuild";
import {copyFileSync, mkdirSync, readFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {createRequire} from "node:module";

const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");

/** @type {import("esbuild").BuildOptions} */
const common = {
    bundle: true,
    platform: "node",
    target: "node20",
    sourcemap: production ? false : "linked",
    minify: production,
    logLevel: "info",
    legalComments: "none"
};

/** @type {import("esbuild").BuildOptions[]} */
const builds = [
    {
        ...common,
        entryPoints: {extension: "src/extension.ts"},
        outdir: "dist",
        outExtension: {".js": ".cjs"},
        format: "cjs",
        external: ["vscode"]
    },
    {
        ...common,
        entryPoints: {indexWorker: "src/workspaceIndex/indexWorker.ts"},
        outdir: "dist",
        outExtension: {".js": ".cjs"},
        format: "cjs",
        // SQLite's WebAssembly build is an ES module that finds sqlite3.wasm beside itself through
        // import.meta.url, which a CommonJS bundle lacks: it is this bundle's own URL (sqlite3.wasm is copied beside it).
        banner: {js: 'const __enclaveBundleUrl = require("node:url").pathToFileURL(__filename).href;'},
        define: {"import.meta.url": "__enclaveBundleUrl"}
    },
    {
        ...common,
        entryPoints: {worker: "src/engine/worker/main.ts"},
        outdir: "dist",
        outExtension: {".js": ".mjs"},
        format: "esm",
        external: ["node-llama-cpp", "@node-llama-cpp/*"]
    },
    {
        ...common,
        entryPoints: {download: "src/models/downloadProcess.ts"},
        outdir: "dist",
        outExtension: {".js": ".mjs"},
        format: "esm",
        external: ["node-llama-cpp", "@node-llama-cpp/*"]
    },
    {
        ...common,
        // The enclave-review CLI (package "bin"): ESM like the worker it forks from the same folder.
        entryPoints: {"enclave-review": "src/cli/enclaveReview.ts"},
        outdir: "dist",
        outExtension: {".js": ".mjs"},
        format: "esm",
        external: ["node-llama-cpp", "@node-llama-cpp/*"],
        banner: {js: "#!/usr/bin/env node"}
    },
    {
        ...common,
        // Webview bundles: everything (markdown-it, DOMPurify, highlight.js, zod, codicons) is bundled,
        // because a webview with CSP default-src 'none' can load nothing else.
        entryPoints: {chat: "media/chat/main.ts", trace: "media/trace/main.ts"},
        outdir: "dist/media",
        platform: "browser",
        target: "chrome120",
        format: "iife",
        loader: {".ttf": "file"},
        assetNames: "[name]"
    }
];

/** The tree-sitter runtime and the grammars the index ships (named once, in src/workspaceIndex/grammars.json). */
const shipped = JSON.parse(readFileSync("src/workspaceIndex/grammars.json", "utf8"));
const grammarFiles = new Set([shipped.runtime, ...Object.values(shipped.languages)]);
const grammarSource = dirname(createRequire(import.meta.url).resolve("@vscode/tree-sitter-wasm"));
mkdirSync("dist/grammars", {recursive: true});
for (const file of grammarFiles) copyFileSync(join(grammarSource, file), join("dist/grammars", file));
/** SQLite's WebAssembly, for the index's ranking (src/workspaceIndex/lexicalIndex.ts), beside dist/indexWorker.cjs. */
copyFileSync(createRequire(import.meta.url).resolve("@sqlite.org/sqlite-wasm/sqlite3.wasm"), "dist/sqlite3.wasm");

if (watch) {
    const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
} else {
    await Promise.all(builds.map((options) => esbuild.build(options)));
}
