/**
 * Download progress as one line of a progress notification: "327 MB of 1.18 GB · 25.2 MB/s · 35 s left",
 * and the message when the downloads are done. Plain logic (no vscode import) so it is unit-tested.
 */
import type {InstalledRole} from "../../models/catalogue";
import type {DownloadProgress} from "../../models/downloadProtocol";
import {formatFileSize, formatDuration} from "../../models/units";

export function formatDownloadProgress(progress: DownloadProgress): string {
    switch (progress.phase) {
        case "checking":
            return "Connecting to the server…";
        case "verifying":
            return `Checking the downloaded file (${formatFileSize(progress.totalBytes)})…`;
        case "downloading": {
            if (progress.totalBytes <= 0) return "Starting…";
            const parts = [`${formatFileSize(progress.downloadedBytes)} of ${formatFileSize(progress.totalBytes)}`];
            if (progress.bytesPerSecond > 0) parts.push(`${formatFileSize(progress.bytesPerSecond)}/s`);
            // No estimate until a speed is known: a made-up number is worse than none.
            if (progress.secondsLeft !== undefined && progress.downloadedBytes < progress.totalBytes) parts.push(`${formatDuration(progress.secondsLeft)} left`);
            return parts.join(" · ");
        }
    }
}

/**
 * VS Code's progress takes increments (percent added since the last report), not positions; this
 * turns positions into increments that never go backwards and never pass 100 in total.
 */
export class ProgressIncrements {
    private reported = 0;

    /** A download's position (nothing while it is still connecting). */
    next(progress: DownloadProgress): number {
        return progress.phase === "checking" ? 0 : this.advance(progress.downloadedBytes, progress.totalBytes);
    }

    /** `done` of `total` (bytes copied, say); nothing while the total is unknown. */
    advance(done: number, total: number): number {
        if (total <= 0) return 0;
        const percent = Math.min(100, (100 * done) / total);
        const increment = Math.max(0, percent - this.reported);
        this.reported += increment;
        return increment;
    }
}

/** One model of a download of several, by its nominal size until the server tells the real one. */
export interface DownloadItem {
    readonly label: string;
    readonly nominalBytes: number;
}

/**
 * Several downloads, one after the other, shown as one progress: bytes of the whole, the current
 * download's speed, and the time left for everything at that speed — "Qwen2.5-Coder 1.5B (2 of 2) ·
 * 9.1 GB of 9.9 GB · 24 MB/s · 35 s left". A single download reads as it always did.
 */
export class CombinedProgress {
    private readonly totals: number[];
    private readonly done: number[];

    constructor(private readonly items: readonly DownloadItem[]) {
        this.totals = items.map((item) => item.nominalBytes);
        this.done = items.map(() => 0);
    }

    /** The whole, as one position (for the percentage) and one line (for the message). */
    update(index: number, progress: DownloadProgress): {readonly overall: DownloadProgress; readonly message: string} {
        if (progress.totalBytes > 0) this.totals[index] = progress.totalBytes;
        this.done[index] = progress.downloadedBytes;
        // Downloads before this one are complete, whatever their last report said.
        for (let earlier = 0; earlier < index; earlier++) this.done[earlier] = this.totals[earlier] ?? 0;
        const totalBytes = sum(this.totals);
        const downloadedBytes = Math.min(totalBytes, sum(this.done));
        const remaining = totalBytes - downloadedBytes;
        const secondsLeft = progress.bytesPerSecond > 0 ? remaining / progress.bytesPerSecond : remaining === 0 ? 0 : undefined;
        const overall: DownloadProgress = {phase: progress.phase, downloadedBytes, totalBytes, bytesPerSecond: progress.bytesPerSecond, secondsLeft};
        if (this.items.length === 1) return {overall: progress, message: formatDownloadProgress(progress)};
        const line = progress.phase === "downloading" ? formatDownloadProgress(overall) : formatDownloadProgress(progress);
        return {overall, message: `${this.items[index]?.label ?? ""} (${index + 1} of ${this.items.length}) · ${line}`};
    }
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

const roleUse = (role: InstalledRole): string => (role === "chat" ? "chat" : role === "completion" ? "completions" : "re-ranking the workspace search");

/** "Ready: Enclave uses A for chat and B for completions; they load when you first need them." — each model named once. */
export function downloadedMessage(parts: readonly {label: string; role: InstalledRole}[]): string {
    const uses = parts.map((part) => `${part.label} for ${roleUse(part.role)}`).join(" and ");
    return `Ready: Enclave uses ${uses}; ${parts.length > 1 ? "they load when you first need them" : "it loads when you first need it"}.`;
}
