/**
 * Whether code may go to a configured server without asking, and what the question says. A server
 * on this machine is asked nothing (nothing leaves it). Another one is asked once per address and
 * role: a new host, port or scheme asks again, since the user agreed to that server, not to
 * whatever the setting says later.
 */
import {isOnThisMachine, isUnencryptedRemote, type RemoteEndpoint} from "./endpoint";

export type RemoteRole = "chat";

const roleWords: Record<RemoteRole, string> = {chat: "chat"};

/** The key a confirmation is remembered by. */
export const consentKey = (endpoint: RemoteEndpoint, role: RemoteRole): string => `${role} ${endpoint.origin}`;

/** undefined: no need to ask; else the question to ask before anything is sent. */
export function consentQuestion(endpoint: RemoteEndpoint, role: RemoteRole, granted: readonly string[]): string | undefined {
    if (isOnThisMachine(endpoint) || granted.includes(consentKey(endpoint, role))) return undefined;
    const plain = isUnencryptedRemote(endpoint) ? " The connection is not encrypted (http://): anyone on the network between here and there can read it." : "";
    return `Enclave will send your code to ${endpoint.origin} for ${roleWords[role]} (the question, its attachments and the chat so far).${plain} Send it there?`;
}
