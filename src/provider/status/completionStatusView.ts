/**
 * What the completions' status bar item says, as plain data (completionStatusBar.ts shows it): it
 * names itself ("Enclave completions · 42 ms"), and its tooltip has the last suggestion's speed
 * and how often the cache answered. A click turns completions off or on.
 */
import type {SessionStatus} from "../../completion/completionSession";
import type {StatusView} from "./engineStatusView";
import type {Translate} from "./translate";

const toggle = "enclave.toggleCompletions";

export function completionStatusView(enabled: boolean, status: SessionStatus, t: Translate): StatusView {
    const title = t("Enclave completions");
    if (!enabled) return {text: `$(circle-slash) ${t("{0}: off", title)}`, tooltip: t("Enclave completions are off. Click to turn them on."), command: toggle};
    const figures = [
        status.lastLatencyMs !== undefined ? t("- last suggestion: {0} ms", Math.round(status.lastLatencyMs)) : undefined,
        status.lastTokensPerSecond !== undefined ? t("- generated at {0} tokens/s", status.lastTokensPerSecond.toFixed(1)) : undefined,
        status.cacheHitRate !== undefined ? t("- answered from the cache: {0}%", Math.round(status.cacheHitRate * 100)) : undefined
    ].filter((line) => line !== undefined);
    const tooltip = (first: string, last: string) => [first, ...(figures.length > 0 ? ["", ...figures] : []), "", last].join("\n");
    if (status.busy) {
        return {text: `$(loading~spin) ${title}`, tooltip: tooltip(t("Enclave is computing a completion…"), t("Click to turn completions off.")), command: toggle};
    }
    if (status.error !== undefined) {
        return {
            text: `$(warning) ${title}`,
            tooltip: tooltip(t("Enclave completions: {0}", status.error), t("See **Enclave: Show Log** for details. Click to turn completions off.")),
            command: toggle,
            severity: "warning"
        };
    }
    const latency = status.lastLatencyMs !== undefined ? ` · ${t("{0} ms", Math.round(status.lastLatencyMs))}` : "";
    return {text: `$(sparkle) ${title}${latency}`, tooltip: tooltip(t("Enclave completions are on."), t("Click to turn them off.")), command: toggle};
}
