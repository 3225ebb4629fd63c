/**
 * The first message on every connection to the shared model process, before any request: the
 * client proves it may use the process (the secret from the 0600 file, so only its owner can) and
 * says which protocol it speaks. Anything else, a wrong secret or another version is refused and
 * the connection closed.
 */
import {timingSafeEqual} from "node:crypto";
import {z} from "zod";

export const Hello = z.object({
    type: z.literal("hello"),
    secret: z.string().max(256),
    protocolVersion: z.string().max(64),
    /** Who connects, for the log and the status bar's count of windows. */
    client: z.object({kind: z.enum(["window", "cli", "other"]), pid: z.number().int()})
});
export type Hello = z.infer<typeof Hello>;

export const HelloAnswer = z.discriminatedUnion("type", [
    z.object({type: z.literal("welcome"), protocolVersion: z.string(), pid: z.number().int(), windows: z.number().int().nonnegative()}),
    z.object({type: z.literal("refused"), reason: z.string()})
]);
export type HelloAnswer = z.infer<typeof HelloAnswer>;

/** How long a connection may stay silent before its hello; then it is closed. */
export const helloTimeoutMs = 5_000;

/** Compares in constant time, so the answer's timing says nothing about how much of a guess was right. */
export function secretMatches(expected: string, given: string): boolean {
    const a = Buffer.from(expected, "utf8");
    const b = Buffer.from(given, "utf8");
    return a.length === b.length && timingSafeEqual(a, b);
}
