import assert from "node:assert/strict";
import { parsePartOf, parseWith } from "../../../src/engine/channel/rpcMessages";
import { downloadCancelled, downloadMessages, downloadMethods, fromFailure, toFailure } from "../../../src/models/downloadProtocol";
import { ModelError, modelErrorCodes } from "../../../src/models/errors";

describe("download process protocol", () => {
    const request = { id: "r1", files: ["hf:u/r/m.gguf"], modelsDir: "/models" };
    const params = (value: unknown) => parsePartOf(downloadMethods, "download", "params", value);
    const event = (value: unknown) => parsePartOf(downloadMethods, "download", "event", value);
    const result = (value: unknown) => parsePartOf(downloadMethods, "download", "result", value);
    const fromProcess = (value: unknown) => parseWith(downloadMessages.serverMessage, value);
    const toProcess = (value: unknown) => parseWith(downloadMessages.clientMessage, value);
    const progress = { phase: "downloading", downloadedBytes: 1, totalBytes: 2, bytesPerSecond: 0 };

    it("accepts well-formed messages both ways", () => {
        assert.ok(toProcess({ type: "request", id: 1, method: "download", params: { request, settings: {} } }).ok);
        assert.ok(toProcess({ type: "cancel", id: 1 }).ok);
        assert.ok(params({ request: { ...request, endpoint: "http://127.0.0.1:1" }, settings: { stallTimeoutMs: 1000 } }).ok);
        assert.ok(event(progress).ok);
        assert.ok(event({ ...progress, secondsLeft: 3 }).ok);
        assert.ok(result({ entryPath: "/m.gguf", files: ["/m.gguf"], totalBytes: 2, resumedBytes: 0, alreadyInstalled: false }).ok);
        for (const code of modelErrorCodes) assert.ok(fromProcess({ type: "error", id: 1, error: { code, message: "m", problems: [] } }).ok, code);
        assert.ok(fromProcess({ type: "error", id: 1, error: { code: "InvalidModel", message: "m", problems: [{ code: "ChecksumMismatch", message: "differs" }], detail: "d" } }).ok);
    });

    it("rejects malformed ones, saying what is wrong", () => {
        const noFiles = params({ request: { ...request, files: [] }, settings: {} });
        assert.ok(!noFiles.ok && noFiles.error.includes("A download needs at least one file."));
        assert.ok(!params({ request, settings: { stallTimeoutMs: "soon" } }).ok);
        assert.ok(!params({ request, settings: { stallTimeoutMs: -1 } }).ok);
        assert.ok(!params({ request, settings: { unknownSetting: 1 } }).ok);
        assert.ok(!params({ request: { ...request, endpoint: 5 }, settings: {} }).ok);
        assert.ok(!params(null).ok);
        assert.ok(!toProcess({ type: "request", id: 1, method: "upload", params: {} }).ok);
        assert.ok(!event({ ...progress, downloadedBytes: Number.NaN }).ok);
        assert.ok(!event({ ...progress, totalBytes: Number.POSITIVE_INFINITY }).ok);
        assert.ok(!event({ ...progress, phase: "exploding" }).ok);
        assert.ok(!result({ entryPath: "/m.gguf" }).ok);
        assert.ok(!fromProcess({ type: "exploded" }).ok);
    });

    it("takes only the model manager's error and problem codes", () => {
        const unknownCode = fromProcess({ type: "error", id: 1, error: { code: "Exploded", message: "m", problems: [] } });
        assert.ok(!unknownCode.ok && unknownCode.error.includes("code"));
        assert.ok(!fromProcess({ type: "error", id: 1, error: { code: "InvalidModel", message: "m", problems: [{ code: "Weird", message: "?" }] } }).ok);
        assert.ok(!fromProcess({ type: "error", id: 1, error: { code: "Offline", problems: [] } }).ok);
    });

    it("carries a ModelError across as it is, and anything else as DownloadFailed with its cause", () => {
        const error = new ModelError("InvalidModel", "bad file", [{ code: "Truncated", message: "short" }], "detail");
        const back = fromFailure(toFailure(error));
        assert.deepEqual([back.code, back.message, back.problems, back.detail], ["InvalidModel", "bad file", [{ code: "Truncated", message: "short" }], "detail"]);
        const other = toFailure(new TypeError("boom"));
        assert.equal(other.code, "DownloadFailed");
        assert.equal(other.detail, "TypeError: boom");
        assert.equal(downloadCancelled().code, "Cancelled");
    });
});
