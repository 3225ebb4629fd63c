/**
 * One inline rewrite, free of VS Code: the target's original lines, the rounds asked so far (the
 * instruction, then follow-ups that revise the same rewrite) and the proposal. A round streams the
 * engine's answer through RewriteStream into the view port (lines) and the thought into the trace
 * port, never one into the other. A stopped or failed round leaves the proposal of the round before
 * (none for the first: nothing applied). What the VS Code side does with the lines is its business.
 */
import type {ChatEvent, ChatParams, ChatResult} from "../engine/protocol";
import {baseIndent, indentUnit, indentWidth, isBlank, type LinedText} from "./fragmentText";
import {rewriteMessages, type RewriteRound} from "./rewritePrompt";
import {RewriteStream, type RewriteIndent, type StreamSnapshot} from "./rewriteStream";

export interface RewriteEnginePort {
    chat(params: ChatParams, options: {signal: AbortSignal; onEvent: (event: ChatEvent) => void}): Promise<ChatResult>;
}

export interface RewriteSettings {
    readonly temperature: number;
    readonly maxTokens: number;
    /** Thought tokens: -1 as many as the context allows, 0 none. */
    readonly thoughtBudget: number;
}

export interface RoundPorts {
    /** The proposal so far (replaces what was shown before). */
    lines(snapshot: StreamSnapshot): void;
    thought(text: string, tokens: number): void;
}

export type RoundOutcome =
    | {readonly kind: "done"; readonly lines: readonly string[]; readonly result: ChatResult | undefined}
    | {readonly kind: "stopped"}
    | {readonly kind: "empty"; readonly result: ChatResult | undefined};

export interface EditSource {
    readonly fileName: string;
    readonly language: string;
    readonly file: LinedText;
    readonly range: {readonly start: number; readonly end: number};
}

export class InlineEditSession {
    private readonly rounds: Required<RewriteRound>[] = [];
    private running = false;

    constructor(
        readonly source: EditSource,
        private readonly engine: RewriteEnginePort,
        private readonly settings: () => RewriteSettings
    ) {}

    get originalLines(): readonly string[] {
        return this.source.file.lines.slice(this.source.range.start, this.source.range.end + 1);
    }

    /** The proposal of the last finished round; undefined before one finished. */
    get proposal(): readonly string[] | undefined {
        const code = this.rounds.at(-1)?.code;
        return code === undefined ? undefined : code.split("\n");
    }

    get instructions(): readonly string[] {
        return this.rounds.map((round) => round.instruction);
    }

    /** The proposal as the range's new text, in the file's line ending. */
    replacement(): string | undefined {
        return this.proposal?.join(this.source.file.eol);
    }

    /** The first instruction, or a follow-up to the last proposal. One round at a time. */
    async round(instruction: string, signal: AbortSignal, ports: RoundPorts): Promise<RoundOutcome> {
        if (instruction.trim() === "") throw new Error("The instruction is empty: say what to change.");
        if (this.running) throw new Error("A rewrite is already streaming: stop it or wait for it.");
        this.running = true;
        const stream = new RewriteStream(this.indent());
        // The closing fence ends the code: the model need not write the prose after it.
        const codeDone = new AbortController();
        try {
            const settings = this.settings();
            const messages = rewriteMessages({...this.source, lines: this.source.file.lines}, [...this.rounds, {instruction}]);
            const answered = this.engine.chat(
                {messages, temperature: settings.temperature, maxTokens: settings.maxTokens, thoughtBudget: settings.thoughtBudget},
                {
                    signal: AbortSignal.any([signal, codeDone.signal]),
                    onEvent: (event) => {
                        if (signal.aborted) return;
                        if (event.kind === "thought") return ports.thought(event.text, event.tokens);
                        const snapshot = stream.push(event.text);
                        if (!snapshot) return;
                        ports.lines(snapshot);
                        if (snapshot.complete) codeDone.abort();
                    }
                }
            );
            // Stopped at the closing fence, the request may still end as aborted (past the grace time).
            const result = await answered.catch((error: unknown) => {
                if (codeDone.signal.aborted && !signal.aborted) return undefined;
                throw error;
            });
            if (signal.aborted) return {kind: "stopped"};
            const lines = stream.finish();
            if (lines.length === 0) return {kind: "empty", result};
            ports.lines({lines, complete: true});
            this.rounds.push({instruction, code: lines.join("\n")});
            return {kind: "done", lines, result};
        } catch (error) {
            if (signal.aborted) return {kind: "stopped"};
            throw error;
        } finally {
            this.running = false;
        }
    }

    /** The target's indentation: its least indented line's, or (a blank target) the line above's. */
    private indent(): RewriteIndent {
        const {file, range} = this.source;
        const unit = indentUnit(file.lines);
        const original = this.originalLines;
        if (original.some((line) => !isBlank(line))) return {width: baseIndent(original), unit};
        const above = file.lines.slice(0, range.start).findLast((line) => !isBlank(line));
        return {width: above === undefined ? 0 : indentWidth(above), unit};
    }
}
