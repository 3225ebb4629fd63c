/**
 * The model manager in VS Code: Choose Model…, Set Up a Model…, Import GGUF File…, Manage Models…,
 * and the first-run offer. Each part is its own small class; this one builds and registers them.
 */
import * as vscode from "vscode";
import type {ModelRole} from "../../engine/protocol";
import {Disposable} from "../../engine/lifecycle";
import {embeddingPresets} from "../../models/catalogue";
import {formatFileSize} from "../../models/units";
import {FirstRun} from "./firstRun";
import {ManageModels} from "./manageModels";
import {ModelDownloads} from "./modelDownloads";
import {ModelImports} from "./modelImports";
import {ModelPicker} from "./modelPicker";
import type {ModelsContext} from "./modelsContext";

const isRole = (value: unknown): value is ModelRole => value === "chat" || value === "completion";

export class ModelsFeature extends Disposable {
    readonly downloads: ModelDownloads;
    readonly imports: ModelImports;
    readonly picker: ModelPicker;
    readonly firstRun: FirstRun;

    constructor(context: ModelsContext) {
        super();
        this.downloads = new ModelDownloads(context);
        this.register(this.downloads);
        this.imports = new ModelImports(context);
        this.picker = new ModelPicker(context, this.downloads, this.imports);
        const manage = new ManageModels(context);
        this.firstRun = this.register(new FirstRun(context, this.downloads, this.imports, this.picker));
        this.register(vscode.commands.registerCommand("enclave.pickModel", (role?: unknown) => this.picker.pick(isRole(role) ? role : undefined)));
        this.register(vscode.commands.registerCommand("enclave.setUp", () => this.firstRun.offer()));
        this.register(vscode.commands.registerCommand("enclave.importModel", (role?: unknown) => this.imports.importFile(isRole(role) ? role : undefined)));
        this.register(vscode.commands.registerCommand("enclave.manageModels", () => manage.show()));
        this.register(vscode.commands.registerCommand("enclave.downloadEmbeddingModel", (confirmed?: unknown) => this.downloadEmbeddingModel(confirmed === true)));
    }

    /**
     * "Enclave: Download Embedding Model": the embedding preset, after the user agrees to its size
     * (`confirmed`: the tests' way past the question); it then re-ranks the workspace search.
     */
    async downloadEmbeddingModel(confirmed = false): Promise<string | undefined> {
        const preset = embeddingPresets[0];
        if (preset === undefined) return undefined;
        const download = "Download";
        const answer = confirmed
            ? download
            : await vscode.window.showInformationMessage(
                `Download ${preset.label} (${formatFileSize(preset.sizeBytes)}) to re-rank the workspace search by meaning? It runs on this machine, in Enclave's model process.`,
                download
            );
        return answer === download ? this.downloads.download(preset, "embedding") : undefined;
    }
}
