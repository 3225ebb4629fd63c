import type {EngineClient} from "../../engine/client";
import type {ModelsOverview} from "../../engine/modelManagerProtocol";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";
import {readEngineGpu, readModelsFolder} from "../settings";

/** What the model manager's commands share: the engine (which answers hardware and file questions), the log, and where the download process is. */
export interface ModelsContext {
    readonly engine: EngineClient;
    readonly log: Log;
    readonly errors: ErrorReporter;
    /** dist/download.mjs: forked once per download. */
    readonly downloadProcessPath: string;
}

/** This machine, the presets judged for it and the models folder, as the settings stand now. */
export function readOverview(context: ModelsContext): Promise<ModelsOverview> {
    return context.engine.modelsOverview(readModelsFolder(), {gpu: readEngineGpu()});
}
