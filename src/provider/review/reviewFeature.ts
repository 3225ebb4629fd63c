import * as vscode from "vscode";
import type {EngineClient} from "../../engine/client";
import {isEngineError} from "../../engine/errors";
import {Disposable} from "../../engine/lifecycle";
import {formatMarkdown, summaryLine} from "../../review/format";
import {diffUnits} from "../../review/hunks";
import {SavedFindingsFile} from "../../review/savedFindings";
import {contentBudget, review, type ReviewResult} from "../../review/reviewer";
import {textUnits, type ReviewUnit} from "../../review/units";
import type {TraceBook} from "../../webview/traceBook";
import type {ErrorReporter} from "../errorReporter";
import type {Log} from "../log";
import {readChatSettings} from "../settings";
import {ReviewDiagnostics} from "./reviewDiagnostics";
import {ReviewReports} from "./reviewReports";
import {ReviewTrace} from "./reviewTrace";
import {uncommittedChanges} from "./uncommittedChanges";

interface Target {
    label: string;
    /** Display path (as the units name files) → the document's URI. */
    files: Map<string, vscode.Uri>;
    units: (budget: number) => ReviewUnit[];
}

/**
 * Offline code review in VS Code: Review Selection, Review File, Review Uncommitted Changes. Each
 * runs under a cancellable progress notification (cancel stops the model at once), streams the
 * reasoning into the trace panel, puts findings in the Problems panel file by file as they are
 * ready, and shows the report rendered beside the code (ReviewReports).
 */
export class ReviewFeature extends Disposable {
    readonly diagnostics: ReviewDiagnostics;
    readonly reports: ReviewReports;
    private running: Promise<ReviewResult | undefined> | undefined;
    private controller: AbortController | undefined;

    constructor(
        private readonly engine: EngineClient,
        private readonly trace: TraceBook,
        private readonly log: Log,
        private readonly errors: ErrorReporter,
        storage: {workspace: vscode.Uri | undefined; global: vscode.Uri}
    ) {
        super();
        this.reports = this.register(new ReviewReports(vscode.Uri.joinPath(storage.workspace ?? storage.global, "review-reports").fsPath, log));
        this.diagnostics = this.register(new ReviewDiagnostics(new SavedFindingsFile(storage.workspace && vscode.Uri.joinPath(storage.workspace, "review-findings.json").fsPath), log));
        // The commands resolve with the result (undefined: cancelled, failed or nothing to review).
        this.register(vscode.commands.registerCommand("enclave.reviewSelection", () => this.start(this.selectionTarget())));
        this.register(vscode.commands.registerCommand("enclave.reviewFile", () => this.start(this.fileTarget())));
        this.register(vscode.commands.registerCommand("enclave.reviewChanges", async () => this.start(await this.changesTarget())));
        this.register(vscode.commands.registerCommand("enclave.cancelReview", () => this.controller?.abort()));
    }

    /** Resolves with the result (undefined when cancelled, failed or nothing to review). */
    private async start(target: Target | undefined): Promise<ReviewResult | undefined> {
        if (!target) return undefined;
        if (this.running) {
            void vscode.window.showInformationMessage("Enclave is already reviewing; cancel that review or wait for it.");
            return undefined;
        }
        this.running = this.run(target).finally(() => (this.running = undefined));
        return this.running;
    }

    private run(target: Target): Promise<ReviewResult | undefined> {
        return Promise.resolve(
            vscode.window.withProgress(
                {location: vscode.ProgressLocation.Notification, title: `Enclave: reviewing ${target.label}`, cancellable: true},
                async (progress, token) => {
                    const controller = new AbortController();
                    this.controller = controller;
                    const cancel = token.onCancellationRequested(() => controller.abort());
                    const trace = new ReviewTrace(this.trace);
                    try {
                        progress.report({message: "loading the model…"});
                        const info = await this.engine.ensureModel(controller.signal);
                        const chat = readChatSettings();
                        const settings = {thoughtBudget: chat.thoughtBudget, temperature: chat.temperature, maxTokens: Math.min(chat.maxTokens, Math.floor(info.contextSize / 2))};
                        const units = target.units(contentBudget(info.contextSize, settings));
                        if (units.length === 0) {
                            void vscode.window.showInformationMessage(`Enclave: nothing to review in ${target.label}.`);
                            return undefined;
                        }
                        let lastDone = 0;
                        const result = await review(units, this.engine, {
                            signal: controller.signal,
                            settings,
                            onProgress: (step) => {
                                const file = step.unit ? ` · ${step.unit.file}` : "";
                                progress.report({message: `${step.done}/${step.total}${file} (${step.phase})`, increment: ((step.done - lastDone) / step.total) * 100});
                                lastDone = step.done;
                            },
                            onThought: (text, unit, tokens) => trace.thought(text, unit, tokens),
                            onFileDone: (fileReview) => void this.publish(target, fileReview.file, fileReview.findings)
                        });
                        trace.end();
                        await this.openReport(target, result);
                        this.log.write("info", `Review of ${target.label}: ${summaryLine(result.findings)} (${result.stats.totalMs} ms).`);
                        return result;
                    } catch (error) {
                        trace.end();
                        if (isEngineError(error, "Aborted") || controller.signal.aborted) {
                            this.log.write("info", `Review of ${target.label} cancelled.`);
                            return undefined;
                        }
                        this.errors.report(error, `Review of ${target.label}`);
                        return undefined;
                    } finally {
                        cancel.dispose();
                        this.controller = undefined;
                    }
                }
            )
        );
    }

    private async publish(target: Target, file: string, findings: ReviewResult["findings"]): Promise<void> {
        const uri = target.files.get(file);
        if (!uri) return;
        const document = await vscode.workspace.openTextDocument(uri);
        const {dropped} = this.diagnostics.set(uri, findings, document.getText());
        if (dropped > 0) this.log.write("info", `${dropped} finding(s) for ${file} no longer matched the code and were dropped.`);
    }

    private async openReport(target: Target, result: ReviewResult): Promise<void> {
        const reviewed = new Set(result.files.map((file) => file.file));
        await this.reports.show(`${target.label} review`, (linkTo) =>
            formatMarkdown(result.findings, {
                title: `Enclave review: ${target.label}`,
                notes: result.notes,
                cleanFiles: [...reviewed].filter((file) => !result.findings.some((finding) => finding.file === file)),
                linkFor: (file, line) => {
                    const uri = target.files.get(file);
                    return uri ? linkTo(uri, line) : undefined;
                }
            })
        );
    }

    private selectionTarget(): Target | undefined {
        const editor = vscode.window.activeTextEditor;
        if (!editor || editor.selection.isEmpty) {
            void vscode.window.showInformationMessage("Enclave: select the code to review first.");
            return undefined;
        }
        const document = editor.document;
        const file = vscode.workspace.asRelativePath(document.uri, false);
        const startLine = editor.selection.start.line + 1;
        const endLine = editor.selection.end.character === 0 && editor.selection.end.line > editor.selection.start.line ? editor.selection.end.line : editor.selection.end.line + 1;
        const text = document.getText();
        return {
            label: `${file}:${startLine}-${endLine}`,
            files: new Map([[file, document.uri]]),
            units: (budget) => textUnits(file, text, budget, {kind: "selection", startLine, endLine})
        };
    }

    private fileTarget(): Target | undefined {
        const document = vscode.window.activeTextEditor?.document;
        if (!document) {
            void vscode.window.showInformationMessage("Enclave: open the file to review first.");
            return undefined;
        }
        const file = vscode.workspace.asRelativePath(document.uri, false);
        const text = document.getText();
        return {label: file, files: new Map([[file, document.uri]]), units: (budget) => textUnits(file, text, budget, {kind: "file"})};
    }

    private async changesTarget(): Promise<Target | undefined> {
        let changes;
        try {
            changes = await uncommittedChanges();
        } catch (error) {
            // git missing or failing: its own words.
            void vscode.window.showErrorMessage(`Enclave: ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
        }
        if (!changes) return undefined;
        if (!changes.ok) {
            void vscode.window.showInformationMessage(`Enclave: ${changes.message}`);
            return undefined;
        }
        const {diffs, files, label} = changes;
        return {label, files, units: (budget) => diffUnits(diffs, budget).units};
    }
}
