import type {EngineClient} from "../../engine/client";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";

/** What the model manager's commands share: the engine (which answers hardware and file questions), the log, and where the download process is. */
export interface ModelsContext {
    readonly engine: EngineClient;
    readonly log: Log;
    readonly errors: ErrorReporter;
    /** dist/download.mjs: forked once per download. */
    readonly downloadProcessPath: string;
}
