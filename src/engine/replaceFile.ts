import {randomUUID} from "node:crypto";
import {mkdir, rename, rm, writeFile} from "node:fs/promises";
import {dirname} from "node:path";

/**
 * Replaces `file` with `text` whole, through a temporary file of its own (named per process and
 * write, so two windows may write at once), so a reader sees the old file or the new one, never
 * half of one. The temporary file is removed when the write fails.
 */
export async function replaceFile(file: string, text: string): Promise<void> {
    await mkdir(dirname(file), {recursive: true});
    const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
        await writeFile(temporary, text, "utf8");
        await rename(temporary, file);
    } finally {
        await rm(temporary, {force: true});
    }
}
