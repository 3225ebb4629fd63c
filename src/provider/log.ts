import * as vscode from "vscode";
import type {LogLevel} from "../engine/protocol";

/** The "Enclave" output channel: everything the engine and providers do, for "Enclave: Show Log". */
export class Log implements vscode.Disposable {
    readonly channel = vscode.window.createOutputChannel("Enclave", {log: true});

    write(level: LogLevel, message: string): void {
        switch (level) {
            case "debug":
                this.channel.debug(message);
                break;
            case "info":
                this.channel.info(message);
                break;
            case "warn":
                this.channel.warn(message);
                break;
            case "error":
                this.channel.error(message);
                break;
        }
    }

    show(): void {
        this.channel.show(true);
    }

    dispose(): void {
        this.channel.dispose();
    }
}
