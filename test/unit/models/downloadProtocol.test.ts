import assert from "node:assert/strict";
import { isFromDownloadProcess, isToDownloadProcess } from "../../../src/models/downloadProtocol";

describe("download process protocol", () => {
    const request = { id: "r1", files: ["hf:u/r/m.gguf"], modelsDir: "/models" };

    it("accepts well-formed messages both ways", () => {
        assert.ok(isToDownloadProcess({ type: "start", request, settings: { stallTimeoutMs: 1000 } }));
        assert.ok(isToDownloadProcess({ type: "cancel" }));
        assert.ok(isFromDownloadProcess({ type: "progress", progress: { phase: "downloading", downloadedBytes: 1, totalBytes: 2, bytesPerSecond: 0 } }));
        assert.ok(isFromDownloadProcess({ type: "done", result: { entryPath: "/m.gguf", files: ["/m.gguf"], totalBytes: 2, resumedBytes: 0, alreadyInstalled: false } }));
        assert.ok(isFromDownloadProcess({ type: "failed", error: { code: "Offline", message: "offline", problems: [] } }));
    });

    it("rejects malformed ones", () => {
        assert.ok(!isToDownloadProcess({ type: "start", request: { ...request, files: [] }, settings: {} }));
        assert.ok(!isToDownloadProcess({ type: "start", request, settings: { stallTimeoutMs: "soon" } }));
        assert.ok(!isToDownloadProcess({ type: "start", request: { ...request, endpoint: 5 }, settings: {} }));
        assert.ok(!isToDownloadProcess(null));
        assert.ok(!isFromDownloadProcess({ type: "progress", progress: { phase: "downloading", downloadedBytes: Number.NaN, totalBytes: 2, bytesPerSecond: 0 } }));
        assert.ok(!isFromDownloadProcess({ type: "done", result: { entryPath: "/m.gguf" } }));
        assert.ok(!isFromDownloadProcess({ type: "exploded" }));
    });
});
