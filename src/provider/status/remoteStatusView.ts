/**
 * What the remote-server status bar item says (remoteStatusBar in remoteBackend.ts shows it): which
 * roles run where, with its own icon — `$(cloud)` for another machine, `$(vm)` for a server on this
 * one — so where code goes is always on screen. Hidden while every role runs in Enclave's engine.
 */
import {isOnThisMachine, type RemoteEndpoint} from "../../engine/remote/endpoint";
import type {RemoteRole} from "../../engine/remote/privacy";
import type {StatusView} from "./engineStatusView";
import type {Translate} from "./translate";

export const switchToLocalCommand = "enclave.remote.switchToLocal";

/** undefined: nothing runs remotely (the item is hidden). `problem`: the setting cannot be used, and why. */
export function remoteStatusView(roles: readonly RemoteRole[], endpoint: RemoteEndpoint | undefined, problem: string | undefined, t: Translate): StatusView | undefined {
    if (roles.length === 0) return undefined;
    const what = roles.join(", ");
    if (problem !== undefined || endpoint === undefined)
        return {text: `$(warning) ${t("Enclave {0}: remote server not usable", what)}`, tooltip: t("{0} Click to run {1} on this machine again.", problem ?? t("No server is set in enclave.remote.url."), what), command: switchToLocalCommand, severity: "warning"};
    const host = new URL(endpoint.origin).host;
    const local = isOnThisMachine(endpoint);
    return {
        text: `$(${local ? "vm" : "cloud"}) ${t("Enclave {0} → {1}", what, host)}`,
        tooltip: [
            t("**{0}** runs on {1} ({2}), model `{3}`.", what, endpoint.origin, local ? t("a server on this machine") : t("another machine: your code is sent there"), endpoint.model),
            t("Review, inline edits and completions run in Enclave's engine on this machine."),
            t("Click to run {0} on this machine again.", what)
        ].join("\n\n"),
        command: switchToLocalCommand
    };
}
