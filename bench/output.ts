/**
 * How a benchmark ends: its full details in `.cache/bench/<name>-details.json` (for a closer look),
 * the result as the last line of stdout (JSON, what the notes quote), and its exit code.
 */
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {fileURLToPath} from "node:url";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Writes the details file and prints the result line; returns the details file's path. */
export async function report(name: string, result: unknown, details: Record<string, unknown>): Promise<string> {
    const detailsDir = join(repoRoot, ".cache", "bench");
    await mkdir(detailsDir, {recursive: true});
    const detailsPath = join(detailsDir, `${name}-details.json`);
    await writeFile(detailsPath, JSON.stringify({result, ...details}, null, 1));
    console.log(JSON.stringify(result));
    return detailsPath;
}

/** Runs the benchmark and exits: 0 when it finished, 1 (with the error on stderr) when it failed. */
export function runBench(main: () => Promise<void>): void {
    main().then(
        () => process.exit(0),
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        }
    );
}
