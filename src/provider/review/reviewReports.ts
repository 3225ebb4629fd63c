import {mkdir, readdir, rm, writeFile} from "node:fs/promises";
import {isAbsolute, join, relative} from "node:path";
import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";
import type {Log} from "../log";

/** Reports kept (the oldest go first): a preview re-reads its file when shown again. */
const keptReports = 20;

/** Links from a report to a line of a file: `(file, line) → href`. */
export type LinkTo = (uri: vscode.Uri, line: number) => string | undefined;

/**
 * Review reports, shown rendered in VS Code's own markdown preview beside the code. A report is a
 * markdown file in Enclave's storage folder, because the preview opens a link at a line only for
 * links it resolves to files (`path#L2`, relative to the report): markdown-it refuses `file:`
 * links, and a relative link from a virtual document resolves into that document's scheme.
 * Without the markdown preview (the built-in extension disabled) the report opens as text.
 */
export class ReviewReports extends Disposable {
    private count = 0;
    /** The last report shown: its file, its text and how it was shown. */
    lastReport: {uri: vscode.Uri; markdown: string; shownAs: "preview" | "text"} | undefined;

    constructor(
        private readonly folder: string,
        private readonly log: Log
    ) {
        super();
    }

    /** Writes the report `render` makes (its links by `linkTo`) and shows it; `name` names the tab. */
    async show(name: string, render: (linkTo: LinkTo) => string): Promise<void> {
        // A folder per report keeps its tab's name plain ("Preview review-me.ts review.md").
        const folder = join(this.folder, `${Date.now()}-${++this.count}`);
        await mkdir(folder, {recursive: true});
        const file = join(folder, `${name.replace(/[/\\?#%*:|"<>]+/g, "-")}.md`);
        const linkTo: LinkTo = (uri, line) => {
            if (uri.scheme !== "file") return undefined;
            const path = relative(folder, uri.fsPath);
            // Another drive (Windows) has no relative path: no link rather than a wrong one.
            if (isAbsolute(path)) return undefined;
            return `${path.split(/[\\/]/).map(encodeURIComponent).join("/")}#L${line}`;
        };
        const markdown = render(linkTo);
        await writeFile(file, markdown, "utf8");
        const uri = vscode.Uri.file(file);
        try {
            await vscode.commands.executeCommand("markdown.showPreviewToSide", uri);
            this.lastReport = {uri, markdown, shownAs: "preview"};
        } catch (error) {
            this.log.write("info", `The markdown preview is not available (${String(error)}); the review report opens as text.`);
            await vscode.window.showTextDocument(uri, {viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true});
            this.lastReport = {uri, markdown, shownAs: "text"};
        }
        // After showing: a report that could not be cleaned up after is still shown.
        await this.forgetOld().catch((error: unknown) => this.log.write("warn", `Could not remove old review reports: ${String(error)}`));
    }

    private async forgetOld(): Promise<void> {
        const reports = (await readdir(this.folder)).filter((name) => /^\d+-\d+$/.test(name)).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
        for (const name of reports.slice(0, -keptReports)) await rm(join(this.folder, name), {recursive: true, force: true});
    }
}
