import type {StopReason} from "../protocol";

/** node-llama-cpp's stop reasons, in the protocol's words. */
export function toStopReason(reason: string, timeCapHit = false): StopReason {
    switch (reason) {
        case "eogToken":
        case "stopGenerationTrigger":
            return "eos";
        case "maxTokens":
            return "maxTokens";
        case "customStopTrigger":
            return "stopString";
        case "abort":
            return timeCapHit ? "timeCap" : "abort";
        default:
            return "eos";
    }
}
