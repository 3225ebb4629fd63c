import * as vscode from "vscode";
import {Disposable} from "../../engine/lifecycle";

export type EditPhase = "streaming" | "review";

/** Where the lenses go: the rewrite's document and first line, and what the user can do now. */
export interface LensPlace {
    readonly document: vscode.TextDocument;
    readonly line: number;
    readonly phase: EditPhase;
}

/** The buttons above a rewrite: Stop while it streams; Keep, Undo and Follow-up once it is there. */
export function lensCommands(phase: EditPhase): vscode.Command[] {
    if (phase === "streaming") return [{title: "$(loading~spin) Enclave is rewriting…  Stop (Esc)", command: "enclave.inlineEdit.stop"}];
    return [
        {title: "$(check) Keep", command: "enclave.inlineEdit.keep"},
        {title: "$(discard) Undo", command: "enclave.inlineEdit.undo"},
        {title: "$(comment) Follow-up…", command: "enclave.inlineEdit.followUp"}
    ];
}

/** CodeLenses at the rewrite, so its buttons sit where the user looks, not in a notification. */
export class EditLenses extends Disposable implements vscode.CodeLensProvider {
    private readonly changed = this.register(new vscode.EventEmitter<void>());
    readonly onDidChangeCodeLenses = this.changed.event;
    private place: LensPlace | undefined;

    constructor() {
        super();
        this.register(vscode.languages.registerCodeLensProvider({scheme: "*"}, this));
    }

    /** Shows the buttons at `place`, or none. */
    set(place: LensPlace | undefined): void {
        this.place = place;
        void vscode.commands.executeCommand("setContext", "enclave.inlineEdit.active", place !== undefined);
        void vscode.commands.executeCommand("setContext", "enclave.inlineEdit.streaming", place?.phase === "streaming");
        this.changed.fire();
    }

    provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
        const place = this.place;
        if (!place || place.document !== document) return [];
        const range = new vscode.Range(place.line, 0, place.line, 0);
        return lensCommands(place.phase).map((command) => new vscode.CodeLens(range, command));
    }
}
