/**
 * Checks a model file before llama.cpp sees it, with the same check Import runs
 * (src/models/ggufCheck.ts), so each kind of bad file gets a sentence a user can act on instead of
 * llama.cpp's generic "failed to load model" — or, for a truncated file mapped into memory or
 * numbers llama.cpp asserts on, a crash of the model process.
 */
import type {GgufFileInfo} from "node-llama-cpp";
import {checkGgufFile, problemsMessage} from "../../models/ggufCheck";
import type {ModelProblemCode} from "../../models/errors";
import {EngineError, type EngineErrorCode} from "../errors";

export interface CheckedModelFile {
    path: string;
    sizeBytes: number;
    info: GgufFileInfo;
}

/** The engine's code for each kind of problem; the first problem found decides. */
const engineCodes: Readonly<Record<ModelProblemCode, EngineErrorCode>> = {
    NotFound: "ModelNotFound",
    NotAFile: "NotGguf",
    NotGguf: "NotGguf",
    UnsupportedVersion: "CorruptModel",
    Truncated: "CorruptModel",
    Corrupt: "CorruptModel",
    UnsupportedArchitecture: "UnsupportedArchitecture",
    NoTokenizer: "CorruptModel",
    Implausible: "CorruptModel",
    BadWeights: "CorruptModel",
    MissingParts: "ModelNotFound",
    SizeMismatch: "CorruptModel",
    ChecksumMismatch: "CorruptModel"
};

export async function checkModelFile(path: string): Promise<CheckedModelFile> {
    const check = await checkGgufFile(path);
    const first = check.problems[0];
    if (first !== undefined) throw new EngineError(engineCodes[first.code], problemsMessage(check));
    if (check.info === undefined) throw new EngineError("CorruptModel", `The header of ${path} could not be read.`);
    return {path, sizeBytes: check.sizeBytes, info: check.info};
}
