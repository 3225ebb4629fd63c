import * as vscode from "vscode";
import type {Attachment} from "../../chat/types";
import {namedPaths, type AnswerCodeBlock} from "../../edit/fragmentSource";
import {attachmentName} from "./attachments";
import {placementIn, type ProposalTarget} from "./codeProposals";

export interface TargetQuestion {
    readonly code: string;
    /** The block in the turn's answer, when the view's code is that block's: its fence may name the file. */
    readonly block?: Pick<AnswerCodeBlock, "info" | "lineBefore">;
    /** The attachments of the turn the answer belongs to. */
    readonly attachments: readonly Attachment[];
    /** The editor the user last worked in: the target only when the answer says nothing about a file. */
    readonly lastEditor?: vscode.TextEditor;
}

export type TargetAnswer = ProposalTarget | {readonly problem: string} | {readonly cancelled: true};

/**
 * The file a code block of an answer is for: a path the answer names for it (the fence, the line
 * before) that exists, else the file the turn was asked about (its attachments — the one where the
 * code has a place, or the user's pick when several do), else the editor last used. A selection the
 * turn attached comes along, so it can decide the place.
 */
export async function findProposalTarget(question: TargetQuestion): Promise<TargetAnswer> {
    for (const path of question.block ? namedPaths(question.block) : []) {
        const uri = await resolvePath(path);
        if (uri) return {uri, ...selectionIn(uri, question)};
    }
    const attached = await attachedFiles(question.attachments);
    if (attached.length === 1 && attached[0]) return attached[0];
    if (attached.length > 1) {
        const placed: ProposalTarget[] = [];
        for (const candidate of attached) if (await hasPlace(candidate, question.code)) placed.push(candidate);
        if (placed.length === 1 && placed[0]) return placed[0];
        const choices = (placed.length > 0 ? placed : attached).map((target) => ({label: vscode.workspace.asRelativePath(target.uri), target}));
        const picked = await vscode.window.showQuickPick(choices, {title: "Enclave: apply the code to which file?", placeHolder: "The answer is about several files"});
        return picked ? picked.target : {cancelled: true};
    }
    const editor = question.lastEditor;
    if (editor) return {uri: editor.document.uri, ...(editor.selection.isEmpty ? {} : {selection: editor.selection})};
    return {problem: "The answer names no file for this code. Open the file to apply it to, then click Apply again."};
}

/** The last editor's selection when the target is the file it shows. */
function selectionIn(uri: vscode.Uri, question: TargetQuestion): {selection?: vscode.Range} {
    const editor = question.lastEditor;
    return editor && editor.document.uri.toString() === uri.toString() && !editor.selection.isEmpty ? {selection: editor.selection} : {};
}

/** The distinct files of the attachments, each with the lines of a selection attachment. */
async function attachedFiles(attachments: readonly Attachment[]): Promise<ProposalTarget[]> {
    const targets = new Map<string, ProposalTarget>();
    for (const attachment of attachments) {
        const uri = attachment.uri !== undefined ? vscode.Uri.parse(attachment.uri, true) : await resolveAttachmentName(attachment.fileName);
        if (!uri) continue;
        const known = targets.get(uri.toString());
        const selection = attachment.kind === "selection" && attachment.startLine !== undefined && attachment.endLine !== undefined
            ? new vscode.Range(attachment.startLine - 1, 0, attachment.endLine, 0)
            : undefined;
        if (!known || (!known.selection && selection)) targets.set(uri.toString(), {uri, ...(selection ? {selection} : {})});
    }
    return [...targets.values()];
}

async function hasPlace(target: ProposalTarget, code: string): Promise<boolean> {
    try {
        return !placementIn(await vscode.workspace.openTextDocument(target.uri), target, code).none;
    } catch {
        return false;
    }
}

/** An attachment's file name is the workspace-relative path (or an untitled editor's name) it was attached as. */
async function resolveAttachmentName(fileName: string): Promise<vscode.Uri | undefined> {
    const open = vscode.workspace.textDocuments.find((document) => attachmentName(document) === fileName);
    return open?.uri ?? resolvePath(fileName);
}

/**
 * A path the answer named, as an existing file: absolute, relative to a workspace folder (or named
 * with its folder in a multi-root workspace), or — a bare file name — the one workspace file of
 * that name.
 */
async function resolvePath(path: string): Promise<vscode.Uri | undefined> {
    const clean = path.replace(/\\/g, "/").replace(/^\.\//, "");
    const candidates: vscode.Uri[] = [];
    if (/^(?:\/|[A-Za-z]:\/)/.test(clean)) candidates.push(vscode.Uri.file(clean));
    else
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
            candidates.push(vscode.Uri.joinPath(folder.uri, clean));
            if (clean.startsWith(`${folder.name}/`)) candidates.push(vscode.Uri.joinPath(folder.uri, clean.slice(folder.name.length + 1)));
        }
    for (const uri of candidates) if (await isFile(uri)) return uri;
    if (clean.includes("/") || candidates.length === 0) return undefined;
    const found = await vscode.workspace.findFiles(`**/${clean.replace(/[[\]{}*?!]/g, "?")}`, undefined, 2);
    return found.length === 1 ? found[0] : undefined;
}

async function isFile(uri: vscode.Uri): Promise<boolean> {
    try {
        return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
    } catch {
        return false;
    }
}
