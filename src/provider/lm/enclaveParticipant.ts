/**
 * `@enclave` in VS Code's Chat view: for users who prefer that view to Enclave's panel. It asks the
 * model with Enclave's own prompts (promptAssembly.ts): attachments from the request's references,
 * workspace code when the question asks for it (`@workspace` in the text or the /workspace command,
 * as in the panel), older turns trimmed to the context. The answer streams as markdown; the thought
 * shows only as a progress line.
 */
import * as vscode from "vscode";
import {promptRoom} from "../../engine/chatBudgets";
import type {EngineClient} from "../../engine/client";
import {Disposable} from "../../engine/lifecycle";
import {citationInstruction, formatAttachment, toMessages, trimToBudget, userContent} from "../../chat/promptAssembly";
import type {Attachment} from "../../chat/types";
import {chunksThatFit, maxRetrievedChunks, workspaceCodeRoom} from "../../chat/workspaceBudget";
import {mentionsWorkspace, withoutWorkspaceMention} from "../../chat/workspaceMention";
import {codeAttachment, type WorkspaceRetriever} from "../../chat/workspaceRetriever";
import {participantTurns, type PastExchange} from "../../lm/participantTurns";
import {fileAttachment, rangeAttachment} from "../chat/attachments";
import type {Log} from "../log";
import {readChatSettings} from "../settings";

/** package.json `chatParticipants[0].id`. */
export const participantId = "enclave.participant";

export class EnclaveParticipant extends Disposable {
    constructor(
        private readonly engine: EngineClient,
        private readonly log: Log,
        private readonly workspace?: WorkspaceRetriever
    ) {
        super();
        const participant = this.register(vscode.chat.createChatParticipant(participantId, (request, context, stream, token) => this.handle(request, context, stream, token)));
        participant.iconPath = new vscode.ThemeIcon("lock");
    }

    /** The participant's handler (public for the integration tests, which cannot sign in to the Chat view). */
    async handle(request: vscode.ChatRequest, context: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
        const abort = new AbortController();
        const cancelled = token.onCancellationRequested(() => abort.abort());
        try {
            const attachments = await referenceAttachments(request.references);
            if (request.command === "workspace" || mentionsWorkspace(request.prompt)) attachments.push(...(await this.workspaceCode(request.prompt, stream, abort.signal)));
            const {contextSize} = await this.engine.ensureModel(abort.signal);
            const settings = readChatSettings();
            const turns = participantTurns(pastExchanges(context), request.prompt, attachments);
            const counts = new Map<string, number>();
            for (const text of new Set(turns.flatMap((turn) => [userContent(turn), turn.answer]))) counts.set(text, await this.engine.countTokens(text));
            const trimmed = trimToBudget(turns, promptRoom(contextSize, settings.thoughtBudget, settings.maxTokens), (text) => counts.get(text) ?? 0);
            if (trimmed.trimmedTurns > 0) stream.progress(vscode.l10n.t("The {0} oldest turns were left out to fit the model's context.", trimmed.trimmedTurns));
            let thinking = false;
            const result = await this.engine.chat(
                {messages: toMessages(trimmed.turns), temperature: settings.temperature, maxTokens: settings.maxTokens, thoughtBudget: settings.thoughtBudget},
                {
                    signal: abort.signal,
                    onEvent: (event) => {
                        if (event.kind === "answer") stream.markdown(event.text);
                        else if (!thinking) {
                            thinking = true;
                            stream.progress(vscode.l10n.t("Thinking…"));
                        }
                    }
                }
            );
            return {metadata: {stopReason: result.stopReason}};
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            this.log.write("error", `@enclave: ${message}`);
            return {errorDetails: {message}};
        } finally {
            cancelled.dispose();
        }
    }

    /** The workspace code for the question, cut to half the prompt room as the panel does (workspaceBudget.ts). */
    private async workspaceCode(prompt: string, stream: vscode.ChatResponseStream, signal: AbortSignal): Promise<Attachment[]> {
        if (!this.workspace) {
            stream.progress(vscode.l10n.t("Answered without workspace code: workspace search is not available in this window."));
            return [];
        }
        stream.progress(vscode.l10n.t("Searching the workspace…"));
        const found = await this.workspace.retrieve(withoutWorkspaceMention(prompt), {signal, maxChunks: maxRetrievedChunks, onProgress: (text) => stream.progress(text)});
        const code = found.map(codeAttachment);
        if (code.length === 0) return [];
        const {contextSize} = await this.engine.ensureModel(signal);
        const settings = readChatSettings();
        const room = promptRoom(contextSize, settings.thoughtBudget, settings.maxTokens);
        const rest = await this.engine.countTokens(`${withoutWorkspaceMention(prompt)}\n${citationInstruction(code[0] as Attachment)}`);
        const costs: number[] = [];
        for (const chunk of code) costs.push((await this.engine.countTokens(formatAttachment(chunk))) + 1);
        const fitted = chunksThatFit(costs, workspaceCodeRoom(room, rest));
        for (const chunk of found.slice(0, fitted.count)) stream.reference(new vscode.Location(vscode.Uri.parse(chunk.uri), new vscode.Range(chunk.startLine - 1, 0, chunk.endLine - 1, 0)));
        return code.slice(0, fitted.count);
    }
}

/** Files and locations the user attached (`#file`, a selection); other kinds of reference carry no text to send. */
async function referenceAttachments(references: readonly vscode.ChatPromptReference[]): Promise<Attachment[]> {
    const attachments: Attachment[] = [];
    for (const reference of references) {
        const value = reference.value;
        if (value instanceof vscode.Location) attachments.push(rangeAttachment(await vscode.workspace.openTextDocument(value.uri), value.range, "selection"));
        else if (value instanceof vscode.Uri) attachments.push(fileAttachment(await vscode.workspace.openTextDocument(value), "file"));
    }
    return attachments;
}

/** This participant's earlier questions and answers in the Chat view's conversation. */
function pastExchanges(context: vscode.ChatContext): PastExchange[] {
    const past: PastExchange[] = [];
    let question: string | undefined;
    for (const turn of context.history) {
        if (turn.participant !== participantId) continue;
        if (turn instanceof vscode.ChatRequestTurn) question = turn.prompt;
        else if (question !== undefined) {
            const answer = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : "")).join("");
            past.push({question, answer});
            question = undefined;
        }
    }
    return past;
}
