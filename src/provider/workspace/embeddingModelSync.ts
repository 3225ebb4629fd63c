/**
 * Keeps the engine's embedding model in step with `enclave.workspace.embeddingModel` (a path or a
 * preset id, resolved against the models folder), and gives the workspace search its embedder:
 * the engine's, while a model is set. Nothing loads here: the model process loads the model on the
 * first question that re-ranks.
 */
import * as vscode from "vscode";
import type {EngineClient} from "../../engine/client";
import {Disposable} from "../../engine/lifecycle";
import {embeddingModelPath} from "../../models/catalogue";
import type {Embedder} from "../../workspaceIndex/rerank";
import {affectsSettings, readEmbeddingModelSetting, readModelsFolder} from "../settings";

export class EmbeddingModelSync extends Disposable {
    constructor(private readonly engine: EngineClient) {
        super();
        const sync = () => {
            const setting = readEmbeddingModelSetting();
            engine.configureEmbedding(setting === undefined ? undefined : embeddingModelPath(setting, readModelsFolder()));
        };
        sync();
        this.register(
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (affectsSettings(event, ["workspace.embeddingModel", "models.folder"])) sync();
            })
        );
    }

    /** The embedder of the model set now, or undefined (lexical ranking alone). */
    embedder(): Embedder | undefined {
        const modelPath = this.engine.configuredEmbeddingModel;
        if (modelPath === undefined || this.isDisposed) return undefined;
        return {modelId: modelPath, embed: (texts, kind, signal) => this.engine.embed(texts, kind, {signal})};
    }
}
