/**
 * Writes a commit message with the model: the changes fitted into the prompt room the chat's own
 * budgets leave (engine/chatBudgets.ts), the reasoning streamed out for the trace, and the answer
 * cleaned as it streams, so what reaches the input box never holds thought text or a fence.
 */
import {promptRoom} from "../engine/chatBudgets";
import type {ChatEvent, ChatParams, ChatResult} from "../engine/protocol";
import {estimateTokens} from "../review/units";
import type {CommitInput} from "./commitInput";
import {changesText} from "./diffBudget";
import {cleanCommitMessage} from "./postProcess";
import {commitPrompt} from "./prompt";

/** The part of EngineClient a commit message needs. */
export interface CommitEngine {
    chat(params: ChatParams, options?: {signal?: AbortSignal | undefined; onEvent?: ((event: ChatEvent) => void) | undefined}): Promise<ChatResult>;
}

export interface CommitSettings {
    contextSize: number;
    /** Thought tokens: -1 unlimited, 0 none. */
    thoughtBudget: number;
    /** The user's answer allowance; a commit message takes at most `commitAnswerTokens` of it. */
    maxTokens: number;
    temperature: number;
    seed?: number | undefined;
}

/** A subject and a body of a few lines: a few hundred tokens at most. */
export const commitAnswerTokens = 512;

export interface CommitMessage {
    message: string;
    /** Files whose patch was cut or left out to fit the context. */
    summarised: number;
    result: ChatResult;
}

export interface WriteOptions {
    signal?: AbortSignal | undefined;
    onThought?: ((text: string, tokens: number) => void) | undefined;
    /** The message so far, cleaned: each call replaces the one before. */
    onMessage?: ((message: string) => void) | undefined;
}

export function commitRequest(input: CommitInput, settings: CommitSettings): {prompt: string; summarised: number; answerTokens: number} {
    const answerTokens = Math.min(settings.maxTokens, commitAnswerTokens);
    const room = promptRoom(settings.contextSize, settings.thoughtBudget, answerTokens) - estimateTokens(commitPrompt("", input.style, input.scope));
    const changes = changesText(input.files, room);
    return {prompt: commitPrompt(changes.text, input.style, input.scope), summarised: changes.summarised, answerTokens};
}

export async function writeCommitMessage(input: CommitInput, engine: CommitEngine, settings: CommitSettings, options: WriteOptions = {}): Promise<CommitMessage> {
    const {prompt, summarised, answerTokens} = commitRequest(input, settings);
    let answer = "";
    let shown = "";
    const result = await engine.chat(
        {
            messages: [{role: "user", content: prompt}],
            // The review sequence: writing a message leaves the chat panel's cache alone.
            sequence: "review",
            thoughtBudget: settings.thoughtBudget,
            maxTokens: answerTokens,
            temperature: settings.temperature,
            ...(settings.seed != null ? {seed: settings.seed} : {})
        },
        {
            signal: options.signal,
            onEvent: (event) => {
                if (event.kind === "thought") return options.onThought?.(event.text, event.tokens);
                answer += event.text;
                const message = cleanCommitMessage(answer);
                if (message !== shown) options.onMessage?.((shown = message));
            }
        }
    );
    return {message: cleanCommitMessage(result.answer), summarised, result};
}
