/**
 * How Enclave runs its own Node programs as child processes — the model process (supervisor.ts)
 * and the download process (../models/downloadClient.ts) — and how it waits for one to end and
 * makes sure it does. Plain Node, no `vscode`: the CLI and the tests use it too.
 */
import type {ChildProcess} from "node:child_process";

export interface NodeProcessOptions {
    /** Defaults to `process.execPath`: Electron's binary in desktop VS Code, run as Node. */
    readonly execPath?: string | undefined;
    /** Node flags for the process (a test's TypeScript stand-in: `["--import", "tsx"]`); default none: the host's own flags are not for it. */
    readonly execArgv?: readonly string[] | undefined;
    readonly env?: NodeJS.ProcessEnv | undefined;
}

export interface NodeCommand {
    readonly execPath: string;
    readonly execArgv: string[];
    readonly env: NodeJS.ProcessEnv;
}

/** The binary, flags and environment a child is started with (`spawn` or `fork`). */
export function nodeCommand(options: NodeProcessOptions): NodeCommand {
    return {
        execPath: options.execPath ?? process.execPath,
        execArgv: [...(options.execArgv ?? [])],
        // VS Code's binary is Electron: this makes it run the script as plain Node.
        env: {...process.env, ...options.env, ELECTRON_RUN_AS_NODE: "1"}
    };
}

export interface ProcessExit {
    code: number | null;
    signal: NodeJS.Signals | null;
}

export function hasExited(child: ChildProcess): boolean {
    return child.exitCode != null || child.signalCode != null;
}

/**
 * Resolves once the child has exited — at once if it already had. A child that could not be
 * started at all (no pid) emits only 'error', never 'exit': that counts as its end too.
 */
export function exitOf(child: ChildProcess): Promise<ProcessExit> {
    return new Promise((resolve) => {
        if (hasExited(child)) return resolve({code: child.exitCode, signal: child.signalCode});
        child.once("exit", (code, signal) => resolve({code, signal}));
        child.once("error", () => {
            if (child.pid === undefined) resolve({code: null, signal: null});
        });
    });
}

/**
 * Gives a child that was asked to stop `graceMs` to exit by itself, then kills it (SIGKILL cannot
 * be ignored). Resolves once it has exited, with how it ended.
 */
export async function stopWithin(child: ChildProcess, exit: Promise<ProcessExit>, graceMs: number): Promise<ProcessExit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), graceMs);
    });
    try {
        if ((await Promise.race([exit, late])) === "late" && !hasExited(child)) child.kill("SIGKILL");
    } finally {
        clearTimeout(timer);
    }
    return exit;
}
