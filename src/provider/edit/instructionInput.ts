import * as vscode from "vscode";

/**
 * The small input of "Edit with Enclave": type an instruction, or pick one of the recent ones (they
 * are the list under the box, newest first, so the last one is one Enter away). What is typed comes
 * first and wins; undefined when the user escapes.
 */
export function askInstruction(options: {title: string; placeholder: string; recent: readonly string[]}): Promise<string | undefined> {
    const pick = vscode.window.createQuickPick();
    pick.title = options.title;
    pick.placeholder = options.placeholder;
    pick.matchOnDescription = false;
    const recentItems = options.recent.map((label): vscode.QuickPickItem => ({label, description: "recent"}));
    const update = (): void => {
        const typed = pick.value.trim();
        pick.items = typed === "" ? recentItems : [{label: typed, description: "new instruction", alwaysShow: true}, ...recentItems.filter((item) => item.label !== typed)];
    };
    update();
    return new Promise<string | undefined>((resolve) => {
        const listeners = [
            pick.onDidChangeValue(update),
            pick.onDidAccept(() => {
                const chosen = pick.selectedItems[0]?.label ?? pick.activeItems[0]?.label ?? pick.value.trim();
                finish(chosen === "" ? undefined : chosen);
            }),
            pick.onDidHide(() => finish(undefined))
        ];
        let done = false;
        const finish = (value: string | undefined): void => {
            if (done) return;
            done = true;
            for (const listener of listeners) listener.dispose();
            pick.dispose();
            resolve(value);
        };
        pick.show();
    });
}
