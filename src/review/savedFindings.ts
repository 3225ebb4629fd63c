/**
 * Review findings as a workspace keeps them between sessions: per file (by URI), each finding with
 * the lines it cited, so a reopened window checks them against the file as it is then
 * (`validateFindings`) and keeps only those whose code is still there. What was saved is read
 * back defensively: a damaged or older entry is left out, never thrown at the caller.
 *
 * They live in a file in the workspace's storage folder (VS Code's `storageUri`), beside the
 * workspace index: a file on this machine survives a reload in every VS Code (a web workbench keeps
 * its mementos in the browser), and two windows on one workspace each write whole files, so the
 * file is always one window's whole state.
 */
import {readFile} from "node:fs/promises";
import {replaceFile} from "../engine/replaceFile";
import {z} from "zod";
import {findingLimits, severities, type AnchoredFinding} from "./findings";

/** The most findings kept per workspace: older files beyond it are forgotten first. */
export const maxSavedFiles = 500;

const line = z.number().int().min(1).max(10_000_000);

const SavedFinding = z
    .object({
        file: z.string().min(1).max(4096),
        startLine: line,
        endLine: line,
        severity: z.enum(severities),
        title: z.string().max(findingLimits.titleLength * 4),
        explanation: z.string().max(findingLimits.explanationLength * 4),
        replacement: z.string().max(findingLimits.replacementLength * 4).optional(),
        cited: z.array(z.string().max(100_000)).max(10_000)
    })
    .refine((finding) => finding.endLine >= finding.startLine, "endLine before startLine");

const SavedFile = z.object({uri: z.string().min(1).max(8192), findings: z.array(z.unknown()).max(1000)});
const Saved = z.object({version: z.literal(1), files: z.array(z.unknown()).max(maxSavedFiles * 2)});

export interface SavedFindings {
    version: 1;
    files: Array<{uri: string; findings: AnchoredFinding[]}>;
}

/** What to save: files in the order given (most recent last), at most `maxSavedFiles`, none empty. */
export function toSaved(files: ReadonlyMap<string, readonly AnchoredFinding[]>): SavedFindings {
    const kept = [...files].filter(([, findings]) => findings.length > 0).slice(-maxSavedFiles);
    return {version: 1, files: kept.map(([uri, findings]) => ({uri, findings: findings.map(withoutUndefined)}))};
}

/** The saved findings by URI, with whatever does not have the saved shape left out (and counted). */
export function fromSaved(value: unknown): {files: Map<string, AnchoredFinding[]>; skipped: number} {
    const files = new Map<string, AnchoredFinding[]>();
    let skipped = 0;
    if (value === undefined) return {files, skipped};
    const saved = Saved.safeParse(value);
    if (!saved.success) return {files, skipped: 1};
    for (const entry of saved.data.files) {
        const file = SavedFile.safeParse(entry);
        if (!file.success) {
            skipped++;
            continue;
        }
        const findings: AnchoredFinding[] = [];
        for (const raw of file.data.findings) {
            const finding = SavedFinding.safeParse(raw);
            if (finding.success) findings.push(withoutUndefined(finding.data));
            else skipped++;
        }
        if (findings.length > 0) files.set(file.data.uri, findings);
    }
    return {files, skipped};
}

/** JSON drops an absent replacement; so does this, so a finding reads back equal to what was saved. */
function withoutUndefined(finding: AnchoredFinding): AnchoredFinding {
    const {replacement, ...rest} = finding;
    return replacement === undefined ? rest : {...rest, replacement};
}

/** The workspace's saved findings in `file` (undefined: no folder is open, nothing is kept). */
export class SavedFindingsFile {
    private writing: Promise<void> = Promise.resolve();

    constructor(private readonly file: string | undefined) {}

    /** What was saved (undefined when nothing was), or the reason it could not be read. */
    async load(): Promise<{value: unknown} | {error: string}> {
        if (this.file === undefined) return {value: undefined};
        let text: string;
        try {
            text = await readFile(this.file, "utf8");
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") return {value: undefined};
            return {error: error instanceof Error ? error.message : String(error)};
        }
        try {
            return {value: JSON.parse(text) as unknown};
        } catch {
            return {error: `${this.file} is not JSON`};
        }
    }

    /** Replaces the file with `saved`, one write after another; a failure rejects this call only. */
    save(saved: SavedFindings): Promise<void> {
        const file = this.file;
        if (file === undefined) return Promise.resolve();
        const write = this.writing.then(() => replaceFile(file, JSON.stringify(saved)));
        this.writing = write.catch(() => undefined);
        return write;
    }

    /** Settles once every save asked for so far has been written (or failed). */
    flushed(): Promise<void> {
        return this.writing;
    }
}
