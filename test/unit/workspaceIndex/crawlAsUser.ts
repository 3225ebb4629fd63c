/**
 * Run by badInput.test.ts as another OS user (root reads every directory, whatever its mode): crawls
 * the folder given as the first argument and prints the report as JSON.
 */
import {crawlFolder} from "../../../src/workspaceIndex/crawl";

const root = process.argv[2];
if (!root) throw new Error("usage: crawlAsUser.ts <folder>");
const report = await crawlFolder(root, {excludeGlobs: [], useGitignore: true, maxFileBytes: 1_000_000, maxFiles: 50_000}, new AbortController().signal);
process.stdout.write(JSON.stringify({...report, files: report.files.map((file) => file.path)}));
