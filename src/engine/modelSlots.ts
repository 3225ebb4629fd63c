/**
 * The host's view of its models, per role (chat; a separate completion model): which model the
 * settings ask for, which one is loaded in the model process for this window, and which load is
 * under way (shared by every caller that needs it). Pure bookkeeping; EngineClient acts on it.
 */
import type {LoadParams, ModelInfo, ModelRole} from "./protocol";

export class ModelSlots {
    private readonly desired = new Map<ModelRole, LoadParams>();
    private readonly loaded = new Map<ModelRole, {params: LoadParams; info: ModelInfo}>();
    private readonly loading = new Map<ModelRole, {params: LoadParams; promise: Promise<ModelInfo>}>();
    /** Roles whose last load the plan refused for memory ("Load Anyway" loads them past it). */
    private readonly refused = new Set<ModelRole>();
    /**
     * The embedding model's file, if one is set. Not a load slot: the model process loads it on the
     * first `embed` that names it and frees it when unused, so there is nothing to track here.
     */
    embeddingModel: string | undefined;

    configure(role: ModelRole, params: LoadParams | undefined): void {
        if (params) this.desired.set(role, {...params, role});
        else this.desired.delete(role);
    }

    /** What an `embed` sends beyond its texts: the embedding model, and the chat model's GPU setting (threads are the model process's choice). */
    embedParams(): {modelPath: string; gpu?: "auto" | "off"} | undefined {
        if (this.embeddingModel === undefined) return undefined;
        const gpu = this.desired.get("chat")?.gpu;
        return {modelPath: this.embeddingModel, ...(gpu !== undefined ? {gpu} : {})};
    }

    desiredFor(role: ModelRole): LoadParams | undefined {
        return this.desired.get(role);
    }

    /** What a load sends beyond the settings: a chat model needs no completion sequence when a separate completion model serves completions. */
    loadParamsFor(role: ModelRole): LoadParams | undefined {
        const params = this.desired.get(role);
        if (!params) return undefined;
        return role === "chat" ? {...params, separateCompletion: this.desired.has("completion")} : params;
    }

    /** The model that serves completions: the separate completion model when one is configured. */
    get completionRole(): ModelRole {
        return this.desired.has("completion") ? "completion" : "chat";
    }

    /** The loaded model of `role` when it is the one the settings ask for now (with the sequences they need). */
    current(role: ModelRole): ModelInfo | undefined {
        const loaded = this.loaded.get(role);
        const wanted = this.loadParamsFor(role);
        return loaded && wanted && sameModel(loaded.params, wanted) ? loaded.info : undefined;
    }

    isLoaded(role: ModelRole): boolean {
        return this.loaded.has(role);
    }

    setLoaded(role: ModelRole, params: LoadParams, info: ModelInfo): void {
        this.loaded.set(role, {params, info});
        this.refused.delete(role);
    }

    forget(role: ModelRole): void {
        this.loaded.delete(role);
    }

    /** The model process went away: nothing is loaded any more. */
    forgetAll(): void {
        this.loaded.clear();
    }

    /** The load of `params` under way for `role`, or a new one started by `start` (and forgotten when it settles). */
    sharedLoad(role: ModelRole, params: LoadParams, start: () => Promise<ModelInfo>): Promise<ModelInfo> {
        const loading = this.loading.get(role);
        if (loading && sameModel(loading.params, params)) return loading.promise;
        const promise = start().finally(() => {
            if (this.loading.get(role)?.promise === promise) this.loading.delete(role);
        });
        this.loading.set(role, {params, promise});
        return promise;
    }

    refuse(role: ModelRole): void {
        this.refused.add(role);
    }

    /**
     * "Load Anyway": the roles whose last load was refused (the chat model if none was) are
     * configured to load past the plan; returns them.
     */
    loadAnyway(): ModelRole[] {
        const roles: ModelRole[] = this.refused.size > 0 ? [...this.refused] : ["chat"];
        this.refused.clear();
        for (const role of roles) {
            const desired = this.desired.get(role);
            if (desired) this.desired.set(role, {...desired, ignoreFit: true});
        }
        return roles.filter((role) => this.desired.has(role));
    }
}

/** The same model, context, threads and placement: a load of one serves the other. */
export function sameModel(a: LoadParams, b: LoadParams): boolean {
    return a.modelPath === b.modelPath && (a.role ?? "chat") === (b.role ?? "chat") && (a.contextSize ?? 0) === (b.contextSize ?? 0) &&
        (a.threads ?? 0) === (b.threads ?? 0) && (a.gpu ?? "auto") === (b.gpu ?? "auto") && a.gpuLayers === b.gpuLayers &&
        (a.separateCompletion ?? false) === (b.separateCompletion ?? false);
}
