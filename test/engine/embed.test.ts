import assert from "node:assert/strict";
import {copyFile, mkdtemp, rm} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {listInstalledModels} from "../../src/models/library";
import type {EngineClient} from "../../src/engine/client";
import {EngineError} from "../../src/engine/errors";
import {badModels} from "../models/bad";
import {RANDOM_EMBEDDING_SHAPE, randomEmbeddingModel} from "../models/random";
import {rejection, startClient} from "./harness";

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, value, i) => sum + value * (b[i] ?? 0), 0);

/** Waits until `condition` holds (the idle unload happens on a timer in the model process). */
async function eventually(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

describe("worker: embeddings through the model process", function () {
    this.timeout(120_000);
    let client: EngineClient;
    let logs: string[];
    let modelPath: string;

    before(async () => {
        modelPath = await randomEmbeddingModel();
        // Unused for 1.5 s, the embedding model is unloaded (default: two minutes).
        ({client, logs} = startClient({env: {...process.env, ENCLAVE_EMBEDDING_IDLE_MS: "1500"}}));
        client.configureEmbedding(modelPath);
    });
    after(() => client.shutdown());

    it("returns one unit-length vector per text, in order, the same for the same text", async () => {
        const [a, b, again] = await client.embed(["function parseHeader(bytes) {}", "class Tokenizer { next() {} }", "function parseHeader(bytes) {}"], "document");
        assert.ok(a && b && again);
        assert.equal(a.length, RANDOM_EMBEDDING_SHAPE.embedding);
        assert.equal(b.length, RANDOM_EMBEDDING_SHAPE.embedding);
        for (const vector of [a, b]) {
            assert.ok(vector.every(Number.isFinite));
            assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-4, `length² ${dot(vector, vector)}`);
        }
        assert.deepEqual([...again], [...a]);
        assert.ok(dot(a, b) < 0.9999, "different texts get different vectors");
    });

    it("splits more than 64 texts into batches, loads the model once, and answers repeated texts from its cache", async () => {
        const texts = Array.from({length: 70}, (_, i) => `export function helper${i}(value) { return value * ${i}; }`);
        const vectors = await client.embed(texts, "document");
        assert.equal(vectors.length, 70);
        assert.equal(logs.filter((line) => line.includes("Loaded embedding model")).length, 1, logs.join("\n"));
        const first = texts.slice(0, 10);
        const repeated = await client.request("embed", {modelPath, texts: first, kind: "document"});
        assert.equal(repeated.cached, 10);
        // A query is embedded apart from a document of the same text (a task prefix may differ).
        const asQuery = await client.request("embed", {modelPath, texts: first.slice(0, 1), kind: "query"});
        assert.equal(asQuery.cached, 0);
    });

    it("cuts a text longer than the model's context, and says so", async () => {
        const long = Array.from({length: 1_600}, (_, i) => `w${i % 97}`).join(" ").slice(0, 8_000);
        const result = await client.request("embed", {modelPath, texts: [long, "short text"], kind: "document"});
        assert.equal(result.truncated, 1);
        assert.equal(result.dimensions, RANDOM_EMBEDDING_SHAPE.embedding);
    });

    it("stops a cancelled request, and the next one works", async () => {
        const texts = Array.from({length: 64}, (_, i) => `${"token ".repeat(1_200)} ${i} cancel`.slice(0, 8_000));
        const controller = new AbortController();
        const pending = client.embed(texts, "document", {signal: controller.signal});
        setTimeout(() => controller.abort(), 100);
        const error = await rejection(pending, EngineError);
        assert.equal(error.code, "Aborted");
        const [vector] = await client.embed(["after the cancel"], "query");
        assert.equal(vector?.length, RANDOM_EMBEDDING_SHAPE.embedding);
    });

    it("refuses bad input with a sentence naming what is wrong", async () => {
        const tooMany = await rejection(client.request("embed", {modelPath, texts: Array.from({length: 65}, () => "x"), kind: "document"}), EngineError);
        assert.equal(tooMany.code, "InvalidRequest");
        assert.match(tooMany.message, /At most 64 texts/);
        const tooLong = await rejection(client.request("embed", {modelPath, texts: ["x".repeat(8_001)], kind: "document"}), EngineError);
        assert.match(tooLong.message, /longer than 8,000 characters/);
        const empty = await rejection(client.request("embed", {modelPath, texts: [""], kind: "document"}), EngineError);
        assert.match(empty.message, /A text to embed is empty/);
        const none = await rejection(client.request("embed", {modelPath, texts: [], kind: "document"}), EngineError);
        assert.match(none.message, /no texts to embed/);
        const bad = await badModels();
        const notGguf = await rejection(client.request("embed", {modelPath: bad.notGguf, texts: ["x"], kind: "query"}), EngineError);
        assert.equal(notGguf.code, "NotGguf");
        const missing = await rejection(client.request("embed", {modelPath: bad.missing, texts: ["x"], kind: "query"}), EngineError);
        assert.equal(missing.code, "ModelNotFound");
    });

    it("frees the embedding model when it has not been used for a while, and loads it again when asked", async () => {
        await client.embed(["keep it warm"], "query");
        await eventually(() => logs.some((line) => line.includes("Unloaded embedding model")), "the idle unload");
        const [vector] = await client.embed(["loaded again"], "query");
        assert.equal(vector?.length, RANDOM_EMBEDDING_SHAPE.embedding);
        assert.ok(logs.filter((line) => line.includes("Loaded embedding model")).length >= 2);
    });

    it("the models folder lists a decoder that declares its pooling as an embedding model only (never offered for chat)", async () => {
        const modelsDir = await mkdtemp(path.join(os.tmpdir(), "enclave-embedding-library-"));
        try {
            await copyFile(modelPath, path.join(modelsDir, "random-embedding.gguf"));
            const [listed] = await listInstalledModels(modelsDir);
            assert.deepEqual(listed?.roles, ["embedding"]);
        } finally {
            await rm(modelsDir, {recursive: true, force: true});
        }
    });

    it("says when no embedding model is set", async () => {
        const {client: bare} = startClient();
        try {
            const error = await rejection(bare.embed(["x"], "query"), EngineError);
            assert.equal(error.code, "NoModelConfigured");
            assert.match(error.message, /enclave\.workspace\.embeddingModel/);
        } finally {
            await bare.shutdown();
        }
    });
});
